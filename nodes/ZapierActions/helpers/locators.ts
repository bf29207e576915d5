/** Reading the pickers back: a resource locator's value, the connected account, the action's ID. */
import type { INodeParameterResourceLocator } from 'n8n-workflow';

import type { Checked } from './validate';
import { checkId, checkOptionalId } from './validate';

export interface Locator {
	mode: string;
	value: string;
}

/** A resource locator's mode and value; a plain value (workflow JSON written by hand) is an ID. */
export function readLocator(raw: unknown): Locator {
	if (raw !== null && typeof raw === 'object' && '__rl' in raw) {
		const locator = raw as INodeParameterResourceLocator;
		return { mode: locator.mode, value: locator.value === undefined || locator.value === null ? '' : String(locator.value) };
	}
	return { mode: 'id', value: raw === undefined || raw === null ? '' : String(raw) };
}

/** The account list's entry for apps that need none. */
export const NO_ACCOUNT = 'none';

/** The connected account: none when empty (or the list's "none" entry). */
export function checkAuthentication(raw: unknown): Checked<string | null> {
	const { value } = readLocator(raw);
	return checkOptionalId(value === NO_ACCOUNT ? '' : value);
}

/** Looks up the current ID of an app's action key (again, given the ID Zapier refused as stale). */
export type ActionLookup = (app: string, key: string, stale?: string) => Promise<string | undefined>;

/**
 * The action ID to send: an ID as it is, or, for an action picked from the list (stored as its key),
 * the app's current ID for that key, checked like any ID before it becomes part of a request.
 */
export async function resolveActionId(raw: unknown, app: string, lookup: ActionLookup, stale?: string): Promise<Checked<string>> {
	const locator = readLocator(raw);
	if (locator.mode !== 'list') return checkId(locator.value);
	if (!locator.value) return { ok: false, problem: 'is required: pick one from the list' };
	const appId = checkId(app);
	if (!appId.ok) return { ok: false, problem: `needs its App, which ${appId.problem}` };
	const id = await lookup(appId.value, locator.value, stale);
	if (!id) {
		return {
			ok: false,
			problem: `"${locator.value}" is no longer offered by this app: pick the action again from the list, or give its ID`,
		};
	}
	const checked = checkId(id);
	return checked.ok ? checked : { ok: false, problem: `"${locator.value}" got an unusable ID from Zapier: ${checked.problem}` };
}

/** How an action type reads in the editor: `SEARCH_OR_WRITE` → "search or write". */
export function actionTypeLabel(type: unknown): string {
	return String(type).toLowerCase().replace(/_/g, ' ');
}

/** App → action → connected account: the parameters that pick them, and reading them back. */
import type { IExecuteFunctions, INodeParameterResourceLocator, INodeProperties } from 'n8n-workflow';

import type { ActionResolver } from '../helpers/catalog';
import { ACTION_TYPES } from '../helpers/catalog';
import type { Checked } from '../helpers/validate';
import { checkId, checkOptionalId } from '../helpers/validate';
import { need } from './actionRun/common';

const idPattern = {
	type: 'regex' as const,
	properties: { regex: '^[^/\\\\?#%\\s]+$', errorMessage: 'An ID has no /, \\, ?, #, % or spaces' },
};

/** A "From list" / "By ID" picker whose list comes from one of the node's list-search methods. */
function locator(
	field: Pick<INodeProperties, 'displayName' | 'name' | 'description' | 'required'>,
	searchListMethod: string,
	placeholder: string,
): INodeProperties {
	return {
		...field,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod, searchable: true } },
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder, validation: [idPattern] },
		],
	};
}

export const appLocator = locator(
	{ displayName: 'App', name: 'app', description: 'The Zapier app whose actions and connected accounts to pick from' },
	'searchApps',
	'e.g. 5a1d0000-0000-4000-8000-000000000001',
);

export const actionTypeFilter: INodeProperties = {
	displayName: 'Action Type',
	name: 'actionType',
	type: 'options',
	default: '',
	description: 'Which kind of actions to list',
	options: [
		{ name: 'Any', value: '' },
		...ACTION_TYPES.map((type) => ({ name: type.charAt(0) + type.slice(1).toLowerCase().replace(/_/g, ' '), value: type })),
	],
};

export const actionLocator = locator(
	{
		displayName: 'Action',
		name: 'action',
		required: true,
		description:
			'The action to run. Picked from the list, it is stored by its stable key and its current ID is looked up on every run; by ID, the ID is used as it is.',
	},
	'searchActions',
	'e.g. example_core:Vn7xbE60',
);

export const authenticationLocator = locator(
	{
		displayName: 'Authentication',
		name: 'authenticationId',
		description: 'The connected account in Zapier the action runs with. Leave empty for actions that need no account.',
	},
	'searchAuthentications',
	'e.g. example_QVaAreV1',
);

export interface Locator {
	mode: string;
	value: string;
}

/** A resource locator's mode and value; a plain string (older workflows, expressions) is an ID. */
export function readLocator(raw: unknown): Locator {
	if (raw !== null && typeof raw === 'object' && '__rl' in raw) {
		const locator = raw as INodeParameterResourceLocator;
		return { mode: locator.mode, value: locator.value === undefined || locator.value === null ? '' : String(locator.value) };
	}
	return { mode: 'id', value: raw === undefined || raw === null ? '' : String(raw) };
}

/** The connected account: none when empty (or the list's "none" entry). */
export function checkAuthentication(raw: unknown): Checked<string | null> {
	const { value } = readLocator(raw);
	return checkOptionalId(value === NO_ACCOUNT ? '' : value);
}

export const NO_ACCOUNT = 'none';

/**
 * The action ID to send: an ID as it is, or, for an action picked from the list (stored as its key),
 * the app's current ID for that key.
 */
export async function resolveActionId(
	raw: unknown,
	app: string,
	resolver: ActionResolver,
	/** An ID Zapier refused as stale: look the key up again. */
	stale?: string,
): Promise<Checked<string>> {
	const locator = readLocator(raw);
	if (locator.mode !== 'list') return checkId(locator.value);
	if (!locator.value) return { ok: false, problem: 'is required: pick one from the list' };
	const appId = checkId(app);
	if (!appId.ok) return { ok: false, problem: `needs its App, which ${appId.problem}` };
	const id = await resolver.idFor(appId.value, locator.value, stale);
	if (!id) {
		return {
			ok: false,
			problem: `"${locator.value}" is no longer offered by this app: pick the action again from the list, or give its ID`,
		};
	}
	const checked = checkId(id);
	return checked.ok ? checked : { ok: false, problem: `"${locator.value}" got an unusable ID from Zapier: ${checked.problem}` };
}

export interface Picks {
	authentication: string | null;
	action: string;
	/** Whether the action was picked from the list (by key), so that a fresh ID can be looked up. */
	byKey: boolean;
}

/**
 * The picked account and action of an item, checked; the action's current ID looked up if needed
 * (again, when `stale` is the ID Zapier just refused as expired).
 */
export async function readPicks(ctx: IExecuteFunctions, itemIndex: number, resolver: ActionResolver, stale?: string): Promise<Picks> {
	const authentication = need(ctx, 'Authentication', checkAuthentication(ctx.getNodeParameter('authenticationId', itemIndex, '')), itemIndex);
	const app = ctx.getNodeParameter('app', itemIndex, '', { extractValue: true }) as string;
	const raw = ctx.getNodeParameter('action', itemIndex);
	const action = need(ctx, 'Action', await resolveActionId(raw, app, resolver, stale), itemIndex);
	return { authentication, action, byKey: readLocator(raw).mode === 'list' };
}

/** App → action → connected account: the parameters that pick them, and reading them back. */
import type { INodeParameterResourceLocator, INodeProperties } from 'n8n-workflow';

import type { ActionResolver } from '../helpers/catalog';
import { ACTION_TYPES } from '../helpers/catalog';
import type { Checked } from '../helpers/validate';
import { checkId, checkOptionalId } from '../helpers/validate';

const idPattern = {
	type: 'regex' as const,
	properties: { regex: '^[^/\\\\?#%\\s]+$', errorMessage: 'An ID has no /, \\, ?, #, % or spaces' },
};

export const appLocator: INodeProperties = {
	displayName: 'App',
	name: 'app',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description: 'The Zapier app whose actions and connected accounts to pick from',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchApps', searchable: true },
		},
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 5a1d0000-0000-4000-8000-000000000001', validation: [idPattern] },
	],
};

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

export const actionLocator: INodeProperties = {
	displayName: 'Action',
	name: 'action',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The action to run. Picked from the list, it is stored by its stable key and its current ID is looked up on every run; by ID, the ID is used as it is.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchActions', searchable: true },
		},
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. example_core:Vn7xbE60', validation: [idPattern] },
	],
};

export const authenticationLocator: INodeProperties = {
	displayName: 'Authentication',
	name: 'authenticationId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description: 'The connected account in Zapier the action runs with. Leave empty for actions that need no account.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchAuthentications', searchable: true },
		},
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. example_QVaAreV1', validation: [idPattern] },
	],
};

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
): Promise<Checked<string>> {
	const locator = readLocator(raw);
	if (locator.mode !== 'list') return checkId(locator.value);
	if (!locator.value) return { ok: false, problem: 'is required: pick one from the list' };
	const appId = checkId(app);
	if (!appId.ok) return { ok: false, problem: `needs its App, which ${appId.problem}` };
	const id = await resolver.idFor(appId.value, locator.value);
	if (!id) {
		return {
			ok: false,
			problem: `"${locator.value}" is no longer offered by this app: pick the action again from the list, or give its ID`,
		};
	}
	return { ok: true, value: id };
}

/** Parameters that several operations share: the pickers (app → action → account) and the wait options. */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { actionTypeLabel } from '../helpers/locators';
import { ACTION_TYPES } from '../transport/api/types';
import type { ConnectBy } from '../transport/credentialKinds';
import { CREDENTIAL_KINDS } from '../transport/credentialKinds';

/**
 * How the node connects to Zapier. Nodes of `oldVersions` (saved workflows) keep the Partner OAuth2
 * they were made with; `newVersions` start with client credentials, which every Zapier user has.
 */
export function authenticationChoice(oldVersions: number[], newVersions: number[]): INodeProperties[] {
	const choice = (versions: number[], value: ConnectBy): INodeProperties => ({
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Client Credentials (Any Zapier Account)',
				value: 'clientCredentials',
				description: 'Client credentials created with `npx zapier-sdk create-client-credentials`; each run uses one Zapier task',
			},
			{
				name: 'OAuth2 (Zapier Partners)',
				value: 'oAuth2',
				description: "A Zapier partner's OAuth2 app, allow-listed for action runs",
			},
		],
		default: value,
		displayOptions: { show: { '@version': versions } },
	});
	return [choice(oldVersions, 'oAuth2'), choice(newVersions, 'clientCredentials')];
}

/** Each credential, shown for its choice of Authentication. */
export const zapierCredentials: INodeCredentialDescription[] = Object.values(CREDENTIAL_KINDS).map((kind) => ({
	name: kind.type,
	required: true,
	displayOptions: { show: { authentication: [kind.connectBy] } },
}));

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
		...ACTION_TYPES.map((type) => {
			const label = actionTypeLabel(type);
			return { name: label.charAt(0).toUpperCase() + label.slice(1), value: type };
		}),
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
		displayName: 'Connection',
		name: 'authenticationId',
		description: 'The connected account in Zapier the action runs with. Leave empty for actions that need no account.',
	},
	'searchAuthentications',
	'e.g. example_QVaAreV1',
);

export const triggerLocator = locator(
	{
		displayName: 'Trigger',
		name: 'action',
		required: true,
		description:
			"The app's trigger (its read actions) whose events start this workflow. Picked from the list, it follows the app's current version.",
	},
	'searchTriggers',
	'e.g. MailerCLIAPI@1.0.0|read|new_email|core:103',
);

/** The chosen action's (or trigger's) input fields as Zapier lists them, with their choices. */
export const inputFieldsMapper: INodeProperties = {
	displayName: 'Input Fields',
	name: 'inputFields',
	type: 'resourceMapper',
	noDataExpression: true,
	default: { mappingMode: 'defineBelow', value: null },
	required: true,
	typeOptions: {
		loadOptionsDependsOn: ['app.value', 'action.value', 'authenticationId.value'],
		resourceMapper: {
			resourceMapperMethod: 'getInputFields',
			mode: 'add',
			fieldWords: { singular: 'input', plural: 'inputs' },
			addAllFields: true,
			multiKeyMatch: false,
			supportAutoMap: false,
		},
	},
};

export const DEFAULT_TIMEOUT_SECONDS = 180;
/** Under an MCP client's usual 60 s for a call, and n8n's 120 s for a tool call in queue mode. */
export const TOOL_DEFAULT_TIMEOUT_SECONDS = 45;
export const TOOL_MAX_TIMEOUT_SECONDS = 100;

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_TIMEOUT_SECONDS,
	description:
		"How many seconds to wait for the run to finish. As an AI agent's tool: 45 unless set, at most 100 (n8n gives a tool call from an MCP client about 120 s), counted from the call's start; a run still going then comes back with its ID.",
};

export const onTimeoutOption: INodeProperties = {
	displayName: 'On Timeout',
	name: 'onTimeout',
	type: 'options',
	options: [
		{
			name: 'Return the Run as Still Waiting',
			value: 'returnWaiting',
			description: 'Output the run with its ID and status, to read later with Get',
		},
		{ name: 'Fail', value: 'fail', description: 'Fail the item; the run is not created again' },
	],
	default: 'returnWaiting',
	description: 'What to do with a run that is still going when the timeout passes',
};

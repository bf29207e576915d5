/** App → Search, Action → List and Get Input Fields, Authentication → List: what the pickers show, as items. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listActions, listApps, listAuthentications, listInputFields } from '../../helpers/catalog';
import { checkId, checkInputs } from '../../helpers/validate';
import { checked } from '../actionRun/common';
import { actionLocator, actionTypeFilter, appLocator, authenticationLocator, readPicks } from '../pickers';
import type { ExecutionShared } from '../shared';

const show = (resource: string, operation: string[]) => ({ show: { resource: [resource], operation } });

export const operations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['app'] } },
		options: [{ name: 'Search', value: 'search', description: 'Search Zapier apps', action: 'Search apps' }],
		default: 'search',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['action'] } },
		options: [
			{ name: 'List', value: 'list', description: "List an app's actions", action: 'List actions' },
			{ name: 'Get Input Fields', value: 'getInputFields', description: "Get an action's input fields", action: 'Get input fields of an action' },
		],
		default: 'list',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['authentication'] } },
		options: [{ name: 'List', value: 'list', description: "List the connected accounts for an app", action: 'List authentications' }],
		default: 'list',
	},
];

export const description: INodeProperties[] = [
	...operations,
	...updateDisplayOptions(show('app', ['search']), [
		{ displayName: 'Query', name: 'query', type: 'string', default: '', description: 'Words in the app\'s title; empty lists all apps' },
	]),
	...updateDisplayOptions(show('action', ['list']), [appLocator, actionTypeFilter]),
	...updateDisplayOptions(show('authentication', ['list']), [appLocator]),
	...updateDisplayOptions(show('action', ['getInputFields']), [
		appLocator,
		actionLocator,
		authenticationLocator,
		{
			displayName: 'Inputs So Far',
			name: 'inputs',
			type: 'json',
			default: '{}',
			description: 'Values already chosen: fields that depend on them are included',
		},
	]),
];

const asItems = (objects: IDataObject[]): INodeExecutionData[] => objects.map((json) => ({ json }));

function appOf(ctx: IExecuteFunctions, itemIndex: number): string {
	return checked(ctx, 'App', ctx.getNodeParameter('app', itemIndex, '', { extractValue: true }), checkId, itemIndex);
}

export async function searchApps(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const query = (this.getNodeParameter('query', itemIndex, '') as string).trim();
	return asItems(await listApps(this, query || undefined));
}

export async function listAppActions(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const actionType = (this.getNodeParameter('actionType', itemIndex, '') as string) || undefined;
	return asItems(await listActions(this, appOf(this, itemIndex), actionType));
}

export async function listAppAuthentications(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return asItems(await listAuthentications(this, appOf(this, itemIndex)));
}

export async function getActionInputFields(
	this: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
): Promise<INodeExecutionData[]> {
	const inputs = checked(this, 'Inputs So Far', this.getNodeParameter('inputs', itemIndex, '{}'), checkInputs, itemIndex);
	const { authentication, action } = await readPicks(this, itemIndex, shared.actions);
	return asItems(await listInputFields(this, { actionId: action, authentication, inputs }));
}

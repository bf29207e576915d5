import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { dialectOf } from '../../transport/api/dialect';

const properties: INodeProperties[] = [
	{ displayName: 'Query', name: 'query', type: 'string', default: '', description: "Words in the app's title; empty lists all apps" },
];

export const description = updateDisplayOptions({ show: { resource: ['app'], operation: ['search'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const query = (this.getNodeParameter('query', itemIndex, '') as string).trim();
	return (await dialectOf(this).apps(this, query || undefined)).map((json) => ({ json }));
}

import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../operation';
import * as search from './search.operation';

export const operations: ResourceOperations = { search };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['app'] } },
		options: [{ name: 'Search', value: 'search', description: 'Search Zapier apps', action: 'Search apps' }],
		default: 'search',
	},
	...search.description,
];

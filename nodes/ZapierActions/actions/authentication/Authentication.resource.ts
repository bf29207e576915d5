import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../operation';
import * as list from './list.operation';

export const operations: ResourceOperations = { list };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['authentication'] } },
		options: [{ name: 'List', value: 'list', description: 'List the connected accounts for an app', action: 'List authentications' }],
		default: 'list',
	},
	...list.description,
];

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
		options: [
			{
				name: 'Get Many',
				value: 'list',
				description: 'Get many connections (connected accounts) for an app',
				action: 'Get many connections',
			},
		],
		default: 'list',
	},
	...list.description,
];

import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../operation';
import * as getInputFields from './getInputFields.operation';
import * as list from './list.operation';

export const operations: ResourceOperations = { list, getInputFields };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['action'] } },
		options: [
			{ name: 'Get Many', value: 'list', description: 'Get many actions of an app', action: 'Get many actions' },
			{
				name: 'Get Input Fields',
				value: 'getInputFields',
				description: "Get an action's input fields",
				action: 'Get input fields of an action',
			},
		],
		default: 'list',
	},
	...list.description,
	...getInputFields.description,
];

import type { INodeProperties } from 'n8n-workflow';

import type { ResourceOperations } from '../operation';
import * as get from './get.operation';
import * as run from './run.operation';

export const operations: ResourceOperations = { run, get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['actionRun'] } },
		options: [
			{
				name: 'Run',
				value: 'run',
				description: 'Run a Zapier action and, by default, wait for its results',
				action: 'Run an action',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Read an action run by its ID',
				action: 'Get an action run',
			},
		],
		default: 'run',
	},
	...run.description,
	...get.description,
];

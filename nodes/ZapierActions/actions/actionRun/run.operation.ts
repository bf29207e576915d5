import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { checkId, checkInputs, checkOptionalId } from '../../helpers/validate';
import { zapierRequest } from '../../transport/request';
import { checked, finishedRunOutput, onTimeoutOption, timeoutMs, timeoutOption } from './common';
import { waitForRun } from './wait';

const properties: INodeProperties[] = [
	{
		displayName: 'Action',
		name: 'action',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'example_core:Vn7xbE60',
		description: 'The ID of the Zapier action to run',
	},
	{
		displayName: 'Authentication',
		name: 'authenticationId',
		type: 'string',
		default: '',
		placeholder: 'example_QVaAreV1',
		description:
			'The ID of the connected account in Zapier the action runs with. Leave empty for actions that need no account.',
	},
	{
		displayName: 'Inputs',
		name: 'inputs',
		type: 'json',
		default: '{}',
		description: 'The action\'s input fields as a JSON object of field ID to value, e.g. {"email": "me@example.com"}',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait for the run to finish and return its results. Otherwise the run ID is returned at once.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { waitForCompletion: [true] } },
		options: [
			onTimeoutOption,
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'The Run', value: 'run', description: 'One item with ID, status, results and errors' },
					{ name: 'One Item per Result', value: 'results', description: 'Each result of the run as an item' },
				],
				default: 'run',
			},
			{
				displayName: 'Return Run Errors as Data',
				name: 'returnRunErrorsAsData',
				type: 'boolean',
				default: false,
				description: 'Whether a run that ends in error is output as an item instead of failing',
			},
			timeoutOption,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['actionRun'], operation: ['run'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const action = checked(this, 'Action', this.getNodeParameter('action', itemIndex), checkId, itemIndex);
	const authentication = checked(
		this,
		'Authentication',
		this.getNodeParameter('authenticationId', itemIndex, ''),
		checkOptionalId,
		itemIndex,
	);
	const inputs = checked(this, 'Inputs', this.getNodeParameter('inputs', itemIndex, '{}'), checkInputs, itemIndex);
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timeout = wait ? timeoutMs(this, options, itemIndex) : 0;

	const startedAt = Date.now();
	const created = await zapierRequest(this, {
		method: 'POST',
		path: '/v2/action-runs',
		kind: 'create',
		body: { data: { action, authentication, inputs } },
		itemIndex,
	});
	const id = (created.body.data as IDataObject | undefined)?.id;
	if (typeof id !== 'string' || id === '') {
		throw new NodeOperationError(this.getNode(), `Zapier accepted the run but returned no run ID [item ${itemIndex}]`, {
			itemIndex,
			description: 'The run may exist in Zapier; it was not created again.',
		});
	}
	if (!wait) return [{ json: { id, status: 'waiting' } }];

	const waited = await waitForRun(this, id, timeout, itemIndex, startedAt);
	return finishedRunOutput(this, waited, itemIndex, {
		onTimeout: options.onTimeout as string | undefined,
		output: options.output as string | undefined,
		returnRunErrorsAsData: options.returnRunErrorsAsData as boolean | undefined,
		timeoutSeconds: timeout / 1000,
	});
}

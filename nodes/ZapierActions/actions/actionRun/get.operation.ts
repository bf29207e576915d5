import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { compactRun } from '../../helpers/output.utils';
import { checkId, need } from '../../helpers/validate';
import { onTimeoutOption, timeoutOption } from '../common.descriptions';
import type { ExecutionShared } from '../operation';
import { finishedRunOutput, timeoutMs } from './runOutput';
import { readRun, waitForRun } from './wait';

const properties: INodeProperties[] = [
	{
		displayName: 'Run ID',
		name: 'runId',
		type: 'string',
		required: true,
		default: '',
		placeholder: '123e4567-e89b-12d3-a456-426614174000',
		description: 'The ID of the action run, as returned by Run',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: false,
		description: 'Whether to wait for a run that is still going to finish',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { waitForCompletion: [true] } },
		options: [onTimeoutOption, timeoutOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['actionRun'], operation: ['get'] } }, properties);

/** Reads a run. Its errors are data here: the read itself succeeded. */
export async function execute(this: IExecuteFunctions, itemIndex: number, shared: ExecutionShared): Promise<INodeExecutionData[]> {
	const id = need(this.getNode(), 'Run ID', checkId(this.getNodeParameter('runId', itemIndex)), itemIndex);
	if (!this.getNodeParameter('waitForCompletion', itemIndex, false)) {
		return [{ json: (await readRun(this, id, itemIndex)).run }];
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;

	const timeout = timeoutMs(this, options, itemIndex, shared.asTool);
	const waited = await waitForRun(this, id, timeout, itemIndex);
	return finishedRunOutput(this, waited, itemIndex, {
		onTimeout: options.onTimeout as string | undefined,
		returnRunErrorsAsData: true,
		timeoutSeconds: timeout / 1000,
	});
}

export const toolOutput = compactRun;

import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ActionRun } from '../../helpers/runStatus';
import { describeRunFailure, hasFailed } from '../../helpers/runStatus';
import type { Checked } from '../../helpers/validate';
import { checkTimeout } from '../../helpers/validate';
import type { WaitedRun } from './wait';

export const DEFAULT_TIMEOUT_SECONDS = 180;

export const timeoutOption: INodeProperties = {
	displayName: 'Timeout',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: DEFAULT_TIMEOUT_SECONDS,
	description: 'How many seconds to wait for the run to finish',
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

/** Reads a parameter through a check, failing with a message that names the field and the item. */
export function checked<T>(
	ctx: IExecuteFunctions,
	field: string,
	value: unknown,
	check: (value: unknown) => Checked<T>,
	itemIndex: number,
): T {
	return need(ctx, field, check(value), itemIndex);
}

/** The checked value, or an error that names the field and the item. */
export function need<T>(ctx: IExecuteFunctions, field: string, result: Checked<T>, itemIndex: number): T {
	if (result.ok) return result.value;
	throw new NodeOperationError(ctx.getNode(), `${field} ${result.problem} [item ${itemIndex}]`, {
		itemIndex,
		description: `Nothing was sent to Zapier for this item. Fix the "${field}" field and run it again.`,
	});
}

export function timeoutMs(ctx: IExecuteFunctions, options: IDataObject, itemIndex: number): number {
	const raw = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
	return checked(ctx, 'Timeout', raw, checkTimeout, itemIndex) * 1000;
}

/**
 * Turns the outcome of a wait into output: the run, or its results, or an error that carries the
 * run so that "Continue On Fail" can still show its ID and errors.
 */
export function finishedRunOutput(
	ctx: IExecuteFunctions,
	waited: WaitedRun,
	itemIndex: number,
	options: { onTimeout?: string; output?: string; returnRunErrorsAsData?: boolean; timeoutSeconds: number },
): INodeExecutionData[] {
	const { run, timedOut, durationMs } = waited;
	const item: IDataObject = { ...run, durationMs };
	if (timedOut) {
		if (options.onTimeout === 'fail') {
			throw runError(ctx, run, itemIndex, {
				message: `The Zapier action run ${run.id} was still "${run.status}" after ${options.timeoutSeconds} s [item ${itemIndex}]`,
				description: 'It was not run again. Read it later with Action Run → Get and this Run ID.',
			});
		}
		return [{ json: item }];
	}
	if (hasFailed(run) && !options.returnRunErrorsAsData) {
		const { message, description } = describeRunFailure(run);
		throw runError(ctx, run, itemIndex, { message: `${message} [item ${itemIndex}]`, description });
	}
	if (options.output === 'results' && !hasFailed(run)) {
		return run.results.map((result) => ({ json: result }));
	}
	return [{ json: item }];
}

function runError(
	ctx: IExecuteFunctions,
	run: ActionRun,
	itemIndex: number,
	text: { message: string; description: string },
): NodeOperationError {
	const error = new NodeOperationError(ctx.getNode(), text.message, { itemIndex, description: text.description });
	error.context.run = run;
	return error;
}

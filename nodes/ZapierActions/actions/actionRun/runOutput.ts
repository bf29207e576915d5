import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { RunError } from '../../helpers/errors';
import { describeRunFailure, hasFailed } from '../../helpers/runStatus';
import { checkTimeout, need } from '../../helpers/validate';
import { DEFAULT_TIMEOUT_SECONDS } from '../common.descriptions';
import type { WaitedRun } from './wait';

export function timeoutMs(ctx: IExecuteFunctions, options: IDataObject, itemIndex: number): number {
	return need(ctx.getNode(), 'Timeout', checkTimeout(options.timeout ?? DEFAULT_TIMEOUT_SECONDS), itemIndex) * 1000;
}

/**
 * Turns the outcome of a wait into output: the run, or its results, or a RunError that carries the
 * run so that "Continue On Fail" can still show its ID and errors.
 */
export function finishedRunOutput(
	ctx: { getNode(): INode },
	waited: WaitedRun,
	itemIndex: number,
	options: { onTimeout?: string; output?: string; returnRunErrorsAsData?: boolean; timeoutSeconds: number },
): INodeExecutionData[] {
	const { run, timedOut, durationMs } = waited;
	const item: IDataObject = durationMs === undefined ? { ...run } : { ...run, durationMs };
	if (timedOut) {
		if (options.onTimeout === 'fail') {
			throw new RunError(
				ctx.getNode(),
				run,
				`The Zapier action run ${run.id} was still "${run.status}" after ${options.timeoutSeconds} s`,
				{
					itemIndex,
					description: 'It was not run again. Read it later with Action Run → Get and this Run ID.',
				},
			);
		}
		return [{ json: item }];
	}
	if (hasFailed(run) && !options.returnRunErrorsAsData) {
		const { message, description } = describeRunFailure(run);
		throw new RunError(ctx.getNode(), run, message, { itemIndex, description });
	}
	if (options.output === 'results' && !hasFailed(run)) {
		return run.results.map((result) => ({ json: result }));
	}
	return [{ json: item }];
}

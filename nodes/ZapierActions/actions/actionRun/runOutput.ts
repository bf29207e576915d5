import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { RunError } from '../../helpers/errors';
import { describeRunFailure, hasFailed } from '../../helpers/runStatus';
import type { Checked } from '../../helpers/validate';
import { checkTimeout, need } from '../../helpers/validate';
import { DEFAULT_TIMEOUT_SECONDS, TOOL_DEFAULT_TIMEOUT_SECONDS, TOOL_MAX_TIMEOUT_SECONDS } from '../common.descriptions';
import type { WaitedRun } from './wait';

/**
 * Seconds to wait. An agent's tool call is waited on by the agent, and n8n gives one from an MCP client
 * about 120 s in queue mode: a tool waits less unless told, and never longer than fits in that.
 */
export function timeoutSeconds(raw: unknown, asTool: boolean): Checked<number> {
	const checked = checkTimeout(raw ?? (asTool ? TOOL_DEFAULT_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS));
	if (!checked.ok || !asTool) return checked;
	return { ok: true, value: Math.min(checked.value, TOOL_MAX_TIMEOUT_SECONDS) };
}

export function timeoutMs(ctx: IExecuteFunctions, options: IDataObject, itemIndex: number, asTool: boolean): number {
	return need(ctx.getNode(), 'Timeout', timeoutSeconds(options.timeout, asTool), itemIndex) * 1000;
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

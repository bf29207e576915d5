import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ActionRun } from '../../helpers/runStatus';
import { isFinished, normaliseRun } from '../../helpers/runStatus';
import type { RunDurations } from '../../transport/poll';
import { LEARNED_QUANTILE, lastLookAtMs, pollDelayMs } from '../../transport/poll';
import { cancelSignal, connection, DeadlineReached, pause, zapierRequest } from '../../transport/request';

export async function readRun(ctx: IExecuteFunctions, id: string, itemIndex: number, deadline?: number): Promise<ActionRun> {
	const response = await zapierRequest(ctx, { method: 'GET', path: ['v2', 'action-runs', id], kind: 'read', itemIndex, deadline });
	return normaliseRun(id, response.status, response.body);
}

export interface WaitedRun {
	run: ActionRun;
	timedOut: boolean;
	durationMs: number;
}

/**
 * Reads the run on the staged schedule until it finishes or the timeout passes. The timeout is one
 * deadline for everything the wait does (reads, their retries, rate-limit slots and cooldowns): a run
 * still going then is returned as last seen, and is never created again. When the credential's
 * request budget is scarce, a run is first read when runs like it are usually done (learned from the
 * execution's earlier runs).
 */
export async function waitForRun(
	ctx: IExecuteFunctions,
	id: string,
	timeoutMs: number,
	itemIndex: number,
	startedAt = Date.now(),
	durations?: RunDurations,
): Promise<WaitedRun> {
	const { limiter } = await connection(ctx);
	const deadline = startedAt + timeoutMs;
	let run: ActionRun = { id, status: 'waiting', results: [], errors: [] };
	let lastPendingMs = 0;
	for (let attempt = 0; ; attempt++) {
		const elapsedMs = Date.now() - startedAt;
		const underPressure = limiter.pressure(Date.now()) >= 0.5;
		await pause(ctx, pollDelayMs({ attempt, elapsedMs, timeoutMs, underPressure, learnedMs: durations?.quantile(LEARNED_QUANTILE) }));
		const read = await readRun(ctx, id, itemIndex, deadline).then(
			(latest) => ({ latest }),
			(error: Error) => ({ error }),
		);
		const durationMs = Date.now() - startedAt;
		if ('error' in read) {
			if (read.error instanceof DeadlineReached) return { run, timedOut: true, durationMs };
			throw unreadable(ctx, id, itemIndex, read.error);
		}
		run = read.latest;
		if (isFinished(run)) {
			durations?.record(lastPendingMs, durationMs);
			return { run, timedOut: false, durationMs };
		}
		if (durationMs >= lastLookAtMs(timeoutMs)) return { run, timedOut: true, durationMs };
		lastPendingMs = durationMs;
	}
}

/** The run exists but could not be read: say so, with its ID, so that nothing is run again blindly. */
function unreadable(ctx: IExecuteFunctions, id: string, itemIndex: number, error: Error): Error {
	if (cancelSignal(ctx)?.aborted) return error;
	const reason = error.message.replace(/ \[item \d+\]$/, '');
	const failure = new NodeOperationError(ctx.getNode(), `Could not read the Zapier action run ${id}: ${reason} [item ${itemIndex}]`, {
		itemIndex,
		description: 'The run was created and was not created again. Read it later with Action Run → Get and this Run ID.',
	});
	failure.context.run = { id, status: 'unknown' };
	return failure;
}

import type { IExecuteFunctions } from 'n8n-workflow';

import { RunError } from '../../helpers/errors';
import type { ActionRun } from '../../helpers/runStatus';
import { isFinished } from '../../helpers/runStatus';
import type { RunDurations } from '../../transport/poll';
import { LEARNED_QUANTILE, lastLookAtMs, pollDelayMs } from '../../transport/poll';
import type { ZapierContext } from '../../transport/request';
import { dialectOf } from '../../transport/api/dialect';
import { cancelSignal, DeadlineReached, pause } from '../../transport/timing';

/** The run as Zapier has it now, and how busy the credential's request budget is after asking. */
export async function readRun(
	ctx: ZapierContext,
	id: string,
	itemIndex: number,
	deadline?: number,
): Promise<{ run: ActionRun; pressure: number }> {
	return await dialectOf(ctx).readRun(ctx, id, itemIndex, deadline);
}

export interface WaitedRun {
	run: ActionRun;
	timedOut: boolean;
	/** From creation to the read that found the run finished, when this node saw both. */
	durationMs?: number;
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
	started: { at: number; pressure: number } = { at: Date.now(), pressure: 0 },
	durations?: RunDurations,
): Promise<WaitedRun> {
	const startedAt = started.at;
	const deadline = startedAt + timeoutMs;
	let run: ActionRun = { id, status: 'waiting', results: [], errors: [] };
	let pressure = started.pressure;
	let lastPendingMs = 0;
	for (let attempt = 0; ; attempt++) {
		const elapsedMs = Date.now() - startedAt;
		const underPressure = pressure >= 0.5;
		await pause(ctx, pollDelayMs({ attempt, elapsedMs, timeoutMs, underPressure, learnedMs: durations?.quantile(LEARNED_QUANTILE) }));
		const read = await readRun(ctx, id, itemIndex, deadline).then(
			(latest) => latest,
			(error: Error) => ({ error }),
		);
		const durationMs = Date.now() - startedAt;
		if ('error' in read) {
			if (read.error instanceof DeadlineReached) return { run, timedOut: true, durationMs };
			throw unreadable(ctx, id, itemIndex, read.error);
		}
		({ run, pressure } = read);
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
	return new RunError(ctx.getNode(), { id, status: 'unknown' }, `Could not read the Zapier action run ${id}: ${error.message}`, {
		itemIndex,
		description: 'The run was created and was not created again. Read it later with Action Run → Get and this Run ID.',
	});
}

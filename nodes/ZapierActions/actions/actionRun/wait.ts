import type { IExecuteFunctions } from 'n8n-workflow';

import type { ActionRun } from '../../helpers/runStatus';
import { isFinished, normaliseRun } from '../../helpers/runStatus';
import { nextPollDelayMs } from '../../transport/poll';
import { pause, zapierRequest } from '../../transport/request';

export async function readRun(ctx: IExecuteFunctions, id: string, itemIndex: number): Promise<ActionRun> {
	const response = await zapierRequest(ctx, {
		method: 'GET',
		path: `/v2/action-runs/${encodeURIComponent(id)}`,
		kind: 'read',
		itemIndex,
	});
	return normaliseRun(id, response.status, response.body);
}

export interface WaitedRun {
	run: ActionRun;
	timedOut: boolean;
	durationMs: number;
}

/**
 * Reads the run on the staged schedule until it finishes or the timeout passes. A run still going
 * at the timeout is returned as it is: it is never created again.
 */
export async function waitForRun(
	ctx: IExecuteFunctions,
	id: string,
	timeoutMs: number,
	itemIndex: number,
	startedAt = Date.now(),
): Promise<WaitedRun> {
	for (let attempt = 0; ; attempt++) {
		const elapsed = Date.now() - startedAt;
		await pause(ctx, nextPollDelayMs(attempt, elapsed, timeoutMs));
		const run = await readRun(ctx, id, itemIndex);
		const durationMs = Date.now() - startedAt;
		if (isFinished(run)) return { run, timedOut: false, durationMs };
		if (durationMs >= timeoutMs) return { run, timedOut: true, durationMs };
	}
}

/** Waiting without outliving the execution: every wait stops when it is cancelled, and clears its timer. */
import type { IExecuteFunctions, IHookFunctions, ILoadOptionsFunctions, IPollFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

/** The longest a Node.js timer waits: a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

type Context = IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions | IHookFunctions | IPollFunctions;

export function cancelSignal(ctx: Context): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx && typeof ctx.getExecutionCancelSignal === 'function'
		? ctx.getExecutionCancelSignal()
		: undefined;
}

/**
 * Resolves after `ms`, or as soon as `stop` aborts. The timer is cleared then on hosts whose `sleep`
 * takes a signal (n8n 2.x); older ones leave it to run out.
 */
async function sleepUnless(ms: number, stop: AbortSignal): Promise<void> {
	if (stop.aborted) return;
	const done = new AbortController();
	const onStop = () => done.abort();
	stop.addEventListener('abort', onStop, { once: true });
	const stopped = new Promise<void>((resolve) => done.signal.addEventListener('abort', () => resolve(), { once: true }));
	try {
		await Promise.race([sleep(Math.min(ms, MAX_TIMER_MS), done.signal).catch(() => undefined), stopped]);
	} finally {
		stop.removeEventListener('abort', onStop);
		done.abort();
	}
}

/** Waits, or stops at once when the execution is cancelled. */
export async function pause(ctx: Context, ms: number): Promise<void> {
	const cancel = cancelSignal(ctx) ?? new AbortController().signal;
	for (let left = ms; left > 0 && !cancel.aborted; left -= MAX_TIMER_MS) await sleepUnless(left, cancel);
	if (cancel.aborted) throw cancelledError(ctx);
}

export function cancelledError(ctx: Context): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
}

/** A wait's deadline came before the request could be sent or answered. */
export class DeadlineReached extends NodeOperationError {}

export function deadlineReached(ctx: Context): DeadlineReached {
	return new DeadlineReached(ctx.getNode(), 'The wait reached its timeout');
}

/** The request's outcome, or undefined once `ms` have passed without a complete answer, body included. */
export async function withinTime<T>(request: Promise<T>, ms: number): Promise<T | undefined> {
	const timer = new AbortController();
	try {
		return await Promise.race([request, sleepUnless(ms, timer.signal).then(() => undefined)]);
	} finally {
		timer.abort();
	}
}

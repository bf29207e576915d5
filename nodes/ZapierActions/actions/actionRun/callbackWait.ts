/**
 * Waiting by Zapier's callback: the runs are created with the execution's resume URL as their callback
 * URL, and the execution waits (n8n's wait/resume) without holding a worker. n8n resumes a waiting
 * execution once, and runs none of the node's code when the wait times out: so before waiting, the
 * node's input becomes one "waiting" item per run, which is what n8n passes on at the timeout (no run
 * is lost from view), and what every callback finds. A callback resumes the execution only when every
 * run is known finished: the others not known yet are read, the most recent first, and the first still
 * going ends the look. Any process of n8n can take any callback: what one remembers only saves reads.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItem } from '../../helpers/output.utils';
import type { ActionRun } from '../../helpers/runStatus';
import { isFinished } from '../../helpers/runStatus';
import { isJsonObject, need } from '../../helpers/validate';
import type { Refusal } from '../../transport/callbacks';
import { CALLBACK_READS_MS, readFailed, readSignedCallback, refuse } from '../../transport/callbacks';
import { apiBase, connection } from '../../transport/request';
import { checkCallbackUrl, isZapierApi } from '../../transport/url';
import type { KnownRuns } from './knownRuns';
import { inTurn, knownRuns, seenGoingLately } from './knownRuns';
import { finishedRunOutput } from './runOutput';
import { readRun } from './wait';

/** n8n's own "wait indefinitely": no wait outlasts it, whatever the timeout. */
const LATEST_WAIT_MS = Date.UTC(3000, 0, 1);
const RESUME_URL_FIELD = "n8n's resume URL (from its WEBHOOK_URL setting)";

/** The item of a run that waits for its callback, as n8n passes it on if none comes in time. */
export function waitingItem(id: string): IDataObject {
	return { id, status: 'waiting', waitingFor: 'callback' };
}

function waitingRunId(item: INodeExecutionData): string | undefined {
	const { json } = item;
	return json.waitingFor === 'callback' && json.status === 'waiting' && typeof json.id === 'string' ? json.id : undefined;
}

/** A callback URL checked as Zapier would check it, when the credential talks to Zapier itself. */
export async function checkedCallbackUrl(ctx: IExecuteFunctions, field: string, url: string, itemIndex: number): Promise<string> {
	const strict = isZapierApi(await apiBase(ctx));
	return need(ctx.getNode(), field, checkCallbackUrl(url, strict), itemIndex);
}

/** The URL Zapier calls back to resume this execution. */
export async function resumeUrl(ctx: IExecuteFunctions, itemIndex: number): Promise<string> {
	const url = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex) ?? '');
	return await checkedCallbackUrl(ctx, RESUME_URL_FIELD, url, itemIndex);
}

/** Puts the execution to wait for the callbacks of the runs in `output`, until `deadline` at the latest. */
export async function waitForCallbacks(ctx: IExecuteFunctions, output: INodeExecutionData[], deadline: number): Promise<void> {
	if (!output.some((item) => waitingRunId(item) !== undefined)) return;
	ctx.getExecuteData().data = { main: [output] };
	await ctx.putExecutionToWait(new Date(Math.min(deadline, LATEST_WAIT_MS)));
}

/** The items this execution waits with, as put there by `waitForCallbacks`. */
function waitingItems(ctx: IWebhookFunctions): INodeExecutionData[] {
	const items = ctx.evaluateExpression('{{ $input.all() }}', 0);
	return Array.isArray(items) ? (items as unknown as INodeExecutionData[]).filter((item) => isJsonObject(item?.json)) : [];
}

function continuesOnFail(ctx: IWebhookFunctions): boolean {
	const node = ctx.getNode();
	return node.continueOnFail === true || (node.onError !== undefined && node.onError !== 'stopWorkflow');
}

/** The output for each item once every run is finished: as a wait by polling would give it. */
function resumedOutput(ctx: IWebhookFunctions, items: INodeExecutionData[], finished: Map<string, ActionRun>): INodeExecutionData[] {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	return items.flatMap((item, index) => {
		const pairedItem = item.pairedItem ?? { item: index };
		const id = waitingRunId(item);
		if (id === undefined) return [{ json: item.json, pairedItem }];
		try {
			const output = finishedRunOutput(ctx, { run: finished.get(id)!, timedOut: false }, index, {
				output: options.output as string | undefined,
				returnRunErrorsAsData: options.returnRunErrorsAsData as boolean | undefined,
				timeoutSeconds: 0,
			});
			return output.map((result) => ({ json: result.json, pairedItem }));
		} catch (error) {
			const failure =
				error instanceof NodeApiError || error instanceof NodeOperationError
					? error
					: new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: index });
			if (!continuesOnFail(ctx)) throw failure;
			return [{ json: errorItem(error as Error), pairedItem }];
		}
	});
}

/** A run read for a callback; a read that fails is the callback's refusal (a 4xx when Zapier has no such run). */
async function readForCallback(
	ctx: IWebhookFunctions,
	id: string,
	index: number,
	deadline: number,
): Promise<{ run: ActionRun } | { refusal: Refusal }> {
	try {
		return { run: (await readRun(ctx, id, index, deadline)).run };
	} catch (error) {
		return { refusal: readFailed(id, error as Error) };
	}
}

/**
 * A run that called back, as Zapier has it now: refused unless its read says it ended (Zapier's read can
 * lag behind its callback: a 503 makes Zapier send it again), or when Zapier does not have it (a 4xx).
 */
export async function readFinishedRun(
	ctx: IWebhookFunctions,
	id: string,
	index: number,
	deadline: number,
): Promise<{ run: ActionRun } | { refusal: Refusal }> {
	const read = await readForCallback(ctx, id, index, deadline);
	if ('refusal' in read || isFinished(read.run)) return read;
	return { refusal: { status: 503, message: `Zapier does not say run ${id} has ended yet; send the callback again later` } };
}

/** Reads the runs not known yet, the most recent first; the first still going ends the look (its callback will come). */
async function readOthers(
	ctx: IWebhookFunctions,
	known: KnownRuns,
	waiting: Array<{ id: string; index: number }>,
	deadline: number,
): Promise<{ going: number } | { refusal: Refusal } | undefined> {
	const unknown = () => waiting.filter(({ id }) => !known.finished.has(id));
	for (const { id, index } of unknown().reverse()) {
		if (seenGoingLately(known, id, Date.now())) return { going: unknown().length };
		const read = await readForCallback(ctx, id, index, deadline);
		if ('refusal' in read) return read;
		if (!isFinished(read.run)) {
			known.going.set(id, Date.now());
			return { going: unknown().length };
		}
		known.finished.set(id, read.run);
	}
	return undefined;
}

/**
 * A callback to a waiting execution: refused unless Zapier signed it and it is one of this execution's
 * runs; it resumes the execution once every run is finished, and otherwise leaves it waiting.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const callback = await readSignedCallback(this, (await connection(this)).callbackKeysUrl);
	if (!callback.ok) return refuse(this, callback.refusal);
	const items = waitingItems(this);
	const waiting = items.flatMap((item, index) => {
		const id = waitingRunId(item);
		return id === undefined ? [] : [{ id, index }];
	});
	const own = waiting.find(({ id }) => id === callback.run.id);
	if (!own) {
		return refuse(this, { status: 400, message: `Callback refused: run ${callback.run.id} is not one this execution waits for` });
	}
	const known = knownRuns(waiting[0].id);
	return await inTurn(known, async () => {
		const deadline = Date.now() + CALLBACK_READS_MS;
		if (known.resumed) return { webhookResponse: { received: true } };
		// A body is Zapier's when the token binds its bytes; otherwise the token says only that the run ended.
		if (!known.finished.has(own.id)) {
			const read =
				callback.bodyBound && isFinished(callback.run) ? { run: callback.run } : await readFinishedRun(this, own.id, own.index, deadline);
			if ('refusal' in read) return refuse(this, read.refusal);
			known.finished.set(own.id, read.run);
		}
		const others = await readOthers(this, known, waiting, deadline);
		if (others && 'going' in others) return { webhookResponse: { received: true, waitingFor: others.going } };
		if (others) return refuse(this, others.refusal);
		known.resumed = true;
		const finished = known.finished;
		known.finished = new Map();
		known.going.clear();
		return { workflowData: [resumedOutput(this, items, finished)] };
	});
}

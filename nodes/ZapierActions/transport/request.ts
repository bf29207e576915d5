import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';

import type { Checked, NumberBounds } from '../helpers/validate';
import { checkBoundedNumber, isJsonObject } from '../helpers/validate';
import { describeFailure, describeZapierError, hintForStatus, zapierErrors } from './failure';
import type { RateLimiter } from './rateLimit';
import { limiterFor } from './rateLimit';
import type { Failure, RequestKind } from './retry';
import { decideRetry, provesNothingDone } from './retry';
import type { Query } from './url';
import { apiUrl, parseBaseUrl } from './url';

export const CREDENTIAL_TYPE = 'zapierOAuth2Api';
export const DEFAULT_BASE_URL = 'https://api.zapier.com';

/** The credential's numbers, held where every timer and the limiter stay exact. */
const CREDENTIAL_NUMBERS: Record<'rateLimit' | 'rateLimitWindowSeconds' | 'requestTimeoutSeconds', NumberBounds & { field: string }> = {
	/** Zapier's documented limit: 60 requests a minute per IP. */
	rateLimit: { field: 'Rate Limit (Requests)', min: 1, max: 10_000, fallback: 60, whole: true },
	rateLimitWindowSeconds: { field: 'Rate Limit Window (Seconds)', min: 1, max: 86_400, fallback: 60 },
	/** A request without a complete answer by then is abandoned (and, for a read, tried again). */
	requestTimeoutSeconds: { field: 'Request Timeout (Seconds)', min: 1, max: 3_600, fallback: 30 },
};

/** The longest a Node.js timer waits: a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

export type ZapierContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface ZapierRequest {
	method: IHttpRequestMethods;
	/** Path segments under the credential's base URL, each encoded on its own: `['v2', 'action-runs', id]`. */
	path: readonly string[];
	query?: Query | URLSearchParams;
	/** `create` requests are never re-sent once they may have reached Zapier. */
	kind: RequestKind;
	body?: IDataObject;
	itemIndex?: number;
	/** Epoch ms: nothing is waited for past it, and a request still unanswered then is abandoned. */
	deadline?: number;
}

export interface ZapierResponse {
	status: number;
	body: IDataObject;
	/** How much of the credential's request budget is in use right after the answer (1: requests queue). */
	pressure: number;
}

export function cancelSignal(ctx: ZapierContext): AbortSignal | undefined {
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
export async function pause(ctx: ZapierContext, ms: number): Promise<void> {
	const cancel = cancelSignal(ctx) ?? new AbortController().signal;
	for (let left = ms; left > 0 && !cancel.aborted; left -= MAX_TIMER_MS) await sleepUnless(left, cancel);
	if (cancel.aborted) throw cancelledError(ctx);
}

function cancelledError(ctx: ZapierContext): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
}

/** A wait's deadline came before the request could be sent or answered. */
export class DeadlineReached extends NodeOperationError {}

function deadlineReached(ctx: ZapierContext): DeadlineReached {
	return new DeadlineReached(ctx.getNode(), 'The wait reached its timeout');
}

export interface Connection {
	base: URL;
	limiter: RateLimiter;
	timeoutMs: number;
}

function credentialSetting<T>(ctx: ZapierContext, field: string, result: Checked<T>): T {
	if (result.ok) return result.value;
	throw new NodeOperationError(ctx.getNode(), `The Zapier credential's "${field}" ${result.problem}`, {
		description: 'Nothing was sent to Zapier. Open the Zapier OAuth2 API credential and correct the field.',
	});
}

/** Where and how fast this credential may call Zapier. */
export async function connection(ctx: ZapierContext): Promise<Connection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const raw =
		typeof credentials.apiBaseUrl === 'string' && credentials.apiBaseUrl.trim() ? credentials.apiBaseUrl.trim() : DEFAULT_BASE_URL;
	const base = credentialSetting(ctx, 'API Base URL', parseBaseUrl(raw));
	const number = (name: keyof typeof CREDENTIAL_NUMBERS) =>
		credentialSetting(ctx, CREDENTIAL_NUMBERS[name].field, checkBoundedNumber(credentials[name], CREDENTIAL_NUMBERS[name]));
	const credentialId = ctx.getNode().credentials?.[CREDENTIAL_TYPE]?.id ?? 'unsaved';
	return {
		base,
		limiter: limiterFor(`${credentialId}|${base.href}`, number('rateLimit'), Math.round(number('rateLimitWindowSeconds') * 1000)),
		timeoutMs: Math.round(number('requestTimeoutSeconds') * 1000),
	};
}

/**
 * Waits for the credential's next request slot; a cooldown that starts meanwhile is waited out too.
 * A slot that goes unused (cancelled, past the deadline, overtaken by a cooldown) is given back.
 */
async function awaitSlot(ctx: ZapierContext, limiter: RateLimiter, deadline: number): Promise<void> {
	for (;;) {
		const slot = limiter.reserve(Date.now());
		let used = false;
		try {
			if (slot >= deadline) throw deadlineReached(ctx);
			await pause(ctx, slot - Date.now());
			used = !limiter.isCoolingDown(Date.now());
		} finally {
			if (!used) limiter.release(slot);
		}
		if (used) return;
	}
}

/** The request's outcome, or undefined once `ms` have passed without a complete answer, body included. */
async function withinTime<T>(request: Promise<T>, ms: number): Promise<T | undefined> {
	const timer = new AbortController();
	try {
		return await Promise.race([request, sleepUnless(ms, timer.signal).then(() => undefined)]);
	} finally {
		timer.abort();
	}
}

/**
 * The one place that talks to Zapier. Signs with the OAuth2 credential (n8n refreshes an expired
 * token and retries once), never follows a redirect, bounds each attempt by the credential's request
 * timeout and the whole request by its deadline, retries what the retry policy allows, and turns
 * failures into errors that name Zapier's detail and the field it points at.
 */
export async function zapierRequest(ctx: ZapierContext, request: ZapierRequest): Promise<ZapierResponse> {
	const { base, limiter, timeoutMs } = await connection(ctx);
	const url = apiUrl(base, request.path, request.query);
	if (!url.ok) throw unsafeUrlError(ctx, request, url.problem);
	const deadline = request.deadline ?? Infinity;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: url.value,
		body: request.body,
		json: true,
		returnFullResponse: true,
		disableFollowRedirect: true,
	};
	let attempts = 0;
	let rateLimited = 0;
	for (;;) {
		attempts++;
		await awaitSlot(ctx, limiter, deadline);
		const limitMs = Math.min(timeoutMs, deadline - Date.now());
		if (limitMs <= 0) throw deadlineReached(ctx);
		const sent = ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, { ...options, timeout: limitMs });
		const outcome = await withinTime(sent as Promise<IN8nHttpFullResponse>, limitMs).then(
			(response) => ({ response }),
			(error: unknown) => ({ failure: describeFailure(error, url.value, cancelSignal(ctx)) }),
		);
		if ('response' in outcome && outcome.response === undefined && limitMs < timeoutMs) throw deadlineReached(ctx);
		const answer = 'failure' in outcome ? outcome.failure : readAnswer(outcome.response, timeoutMs);
		if (answer.kind === 'ok') return { status: answer.status, body: answer.body, pressure: limiter.pressure(Date.now()) };
		const failure: Failure = answer;
		if (failure.kind === 'cancelled') throw cancelledError(ctx);
		const isRateLimit = failure.kind === 'http' && failure.status === 429;
		if (isRateLimit) rateLimited++;
		const decision = decideRetry(request.kind, failure, attempts, rateLimited, Date.now());
		if (!decision.retry) throw requestError(ctx, request, failure, url.value);
		// A 429 cools the whole credential down; the next slot comes after it.
		if (isRateLimit) limiter.coolDown(Date.now() + decision.delayMs);
		else if (Date.now() + decision.delayMs >= deadline) throw deadlineReached(ctx);
		else await pause(ctx, decision.delayMs);
	}
}

/** An answer that came back: the JSON object it should be, or why it is not usable. */
function readAnswer(
	response: IN8nHttpFullResponse | undefined,
	timeoutMs: number,
): Failure | { kind: 'ok'; status: number; body: IDataObject } {
	if (response === undefined) {
		return { kind: 'network', code: 'ETIMEDOUT', message: `No complete answer within ${timeoutMs / 1000} s`, sent: true };
	}
	if (isJsonObject(response.body)) return { kind: 'ok', status: response.statusCode, body: response.body };
	return { kind: 'network', code: 'MALFORMED_RESPONSE', message: 'Zapier answered with something that is not JSON', sent: true };
}

function unsafeUrlError(ctx: ZapierContext, request: ZapierRequest, problem: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Refused to build a Zapier URL: ${problem}`, {
		itemIndex: request.itemIndex,
		description: 'An ID or a link does not fit in a URL of the API. Nothing was sent to Zapier.',
	});
}

/** Whether the error says that a run's creation may have reached Zapier, so that it is never sent again. */
export function runMayExist(error: unknown): boolean {
	return (error as NodeOperationError | undefined)?.context?.runMayExist === true;
}

/** The JSON pointers of what Zapier refused, when it answered 4xx. */
export function refusedPointers(error: unknown): string[] {
	const pointers = (error as NodeApiError | undefined)?.context?.refusedPointers;
	return Array.isArray(pointers) ? (pointers as string[]) : [];
}

function redirectTarget(failure: Extract<Failure, { kind: 'http' }>, url: string): string {
	try {
		return ` to ${new URL(failure.headers.location ?? '', url).origin}`;
	} catch {
		return '';
	}
}

function requestError(ctx: ZapierContext, request: ZapierRequest, failure: Failure, url: string): Error {
	const node = ctx.getNode();
	const itemIndex = request.itemIndex;
	const mayExist = request.kind === 'create' && !provesNothingDone(failure);
	const atMostOnce =
		'It was not sent again, so that the action runs at most once: check the action history in Zapier before running this item again.';
	const mark = (error: NodeApiError | NodeOperationError) => {
		if (mayExist) error.context.runMayExist = true;
		return error;
	};

	if (failure.kind === 'http' && failure.status >= 300 && failure.status < 400) {
		const redirect = `Zapier answered with a redirect (HTTP ${failure.status}${redirectTarget(failure, url)}), which this node never follows`;
		const message = mayExist ? `Zapier may have created the run: ${redirect.replace(/^Zapier answered/, 'it answered')}` : redirect;
		const description = `Zapier's API never redirects, and following one could send the token elsewhere: check the API base URL of the credential.${mayExist ? ` ${atMostOnce}` : ''}`;
		return mark(
			new NodeApiError(
				node,
				{ message, description, httpCode: String(failure.status) },
				{ message, description, httpCode: String(failure.status), itemIndex },
			),
		);
	}
	if (failure.kind === 'http') {
		const errors = zapierErrors(failure.body);
		const detail = errors.length ? errors.map(describeZapierError).join('; ') : `HTTP ${failure.status}`;
		const message = mayExist
			? `Zapier may have created the run: the request failed with HTTP ${failure.status} after reaching Zapier`
			: `Zapier refused the request (HTTP ${failure.status}): ${detail}`;
		const pointers = errors.map((error) => error.source?.pointer).filter((pointer): pointer is string => typeof pointer === 'string');
		const description = mayExist
			? `${detail}. ${atMostOnce}`
			: pointers.includes('/data/action')
				? "Zapier's action IDs change and expire. Pick the action from the list (it is stored by key and its current ID is looked up on every run), or look up its current ID."
				: hintForStatus(failure.status);
		const response: JsonObject = { message, description, httpCode: String(failure.status) };
		const error = mark(new NodeApiError(node, response, { message, description, httpCode: String(failure.status), itemIndex }));
		if (!mayExist) error.context.refusedPointers = pointers;
		return error;
	}
	if (failure.kind === 'refresh') {
		const message = failure.revoked
			? 'The Zapier credential needs to be reconnected: Zapier refused to renew its access token'
			: "Could not renew the Zapier credential's access token";
		const next = failure.revoked
			? 'Open the Zapier OAuth2 API credential and reconnect it.'
			: 'Try again later; if it goes on, reconnect the Zapier OAuth2 API credential.';
		return new NodeOperationError(node, message, {
			itemIndex,
			description: `${failure.detail.replace(/\.$/, '')}. Zapier did nothing with this request (it was refused for want of a valid token), so nothing was sent again. ${next}`,
		});
	}
	if (failure.kind === 'network') {
		// The code goes in the description: n8n replaces messages that name a Node.js error code.
		const message = mayExist
			? 'Zapier may have created the run: the connection failed after the request was sent'
			: 'Could not reach Zapier';
		const cause = `${failure.message} (${failure.code}).`;
		const description = mayExist
			? `${cause} ${atMostOnce}`
			: `${cause} Check the API base URL of the credential and the network, then try again.`;
		return mark(new NodeOperationError(node, message, { description, itemIndex }));
	}
	return cancelledError(ctx);
}

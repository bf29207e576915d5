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

import { describeFailure, describeZapierError, hintForStatus, zapierErrors } from './failure';
import type { RateLimiter } from './rateLimit';
import { limiterFor } from './rateLimit';
import type { Failure, RequestKind } from './retry';
import { decideRetry } from './retry';

export const CREDENTIAL_TYPE = 'zapierOAuth2Api';
export const DEFAULT_BASE_URL = 'https://api.zapier.com';

/** Zapier's documented limit: 60 requests a minute per IP. */
const DEFAULT_RATE_LIMIT = 60;
const DEFAULT_RATE_WINDOW_SECONDS = 60;
/** A request that takes longer than this is abandoned (and, for a read, tried again). */
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;

export type ZapierContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface ZapierRequest {
	method: IHttpRequestMethods;
	path: string;
	/** `create` requests are never re-sent once they may have reached Zapier. */
	kind: RequestKind;
	body?: IDataObject;
	qs?: IDataObject;
	itemIndex?: number;
}

export interface ZapierResponse {
	status: number;
	body: IDataObject;
}

export function cancelSignal(ctx: ZapierContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx && typeof ctx.getExecutionCancelSignal === 'function'
		? ctx.getExecutionCancelSignal()
		: undefined;
}

/** Waits, or stops at once when the execution is cancelled. */
export async function pause(ctx: ZapierContext, ms: number): Promise<void> {
	const signal = cancelSignal(ctx);
	if (signal?.aborted) throw cancelledError(ctx);
	if (!signal) return await sleep(ms);
	let onAbort: () => void = () => {};
	const aborted = new Promise<never>((_, reject) => {
		onAbort = () => reject(cancelledError(ctx));
		signal.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(ms), aborted]);
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

function cancelledError(ctx: ZapierContext): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), 'The execution was cancelled');
}

export interface Connection {
	baseUrl: string;
	limiter: RateLimiter;
	timeoutMs: number;
}

function positive(value: unknown, fallback: number): number {
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : fallback;
}

/** Where and how fast this credential may call Zapier. */
export async function connection(ctx: ZapierContext): Promise<Connection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const url = typeof credentials.apiBaseUrl === 'string' ? credentials.apiBaseUrl.trim() : '';
	const baseUrl = (url || DEFAULT_BASE_URL).replace(/\/+$/, '');
	const credentialId = ctx.getNode().credentials?.[CREDENTIAL_TYPE]?.id ?? 'unsaved';
	return {
		baseUrl,
		limiter: limiterFor(
			`${credentialId}|${baseUrl}`,
			positive(credentials.rateLimit, DEFAULT_RATE_LIMIT),
			positive(credentials.rateLimitWindowSeconds, DEFAULT_RATE_WINDOW_SECONDS) * 1000,
		),
		timeoutMs: positive(credentials.requestTimeoutSeconds, DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000,
	};
}

/** Waits for the credential's next request slot; a cooldown that starts meanwhile is waited out too. */
async function awaitSlot(ctx: ZapierContext, limiter: RateLimiter): Promise<void> {
	for (;;) {
		const wait = limiter.reserve(Date.now());
		if (wait > 0) await pause(ctx, wait);
		if (!limiter.isCoolingDown(Date.now())) return;
	}
}

/**
 * The one place that talks to Zapier. Signs with the OAuth2 credential (n8n refreshes an expired
 * token and retries once), retries what the retry policy allows, and turns failures into errors
 * that name Zapier's detail and the field it points at.
 */
export async function zapierRequest(ctx: ZapierContext, request: ZapierRequest): Promise<ZapierResponse> {
	const { baseUrl, limiter, timeoutMs } = await connection(ctx);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		body: request.body,
		qs: request.qs,
		json: true,
		returnFullResponse: true,
		timeout: timeoutMs,
	};
	let attempts = 0;
	let rateLimited = 0;
	for (;;) {
		attempts++;
		await awaitSlot(ctx, limiter);
		let failure: Failure;
		try {
			const response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				CREDENTIAL_TYPE,
				{ ...options },
			)) as IN8nHttpFullResponse;
			if (isJsonObject(response.body)) return { status: response.statusCode, body: response.body };
			failure = { kind: 'network', code: 'MALFORMED_RESPONSE', message: 'Zapier answered with something that is not JSON', sent: true };
		} catch (error) {
			failure = describeFailure(error, cancelSignal(ctx));
		}
		if (failure.kind === 'cancelled') throw cancelledError(ctx);
		const isRateLimit = failure.kind === 'http' && failure.status === 429;
		if (isRateLimit) rateLimited++;
		const decision = decideRetry(request.kind, failure, attempts, rateLimited, Date.now());
		if (!decision.retry) throw requestError(ctx, request, failure);
		// A 429 cools the whole credential down; the next slot comes after it.
		if (isRateLimit) limiter.coolDown(Date.now() + decision.delayMs);
		else await pause(ctx, decision.delayMs);
	}
}

function isJsonObject(body: unknown): body is IDataObject {
	return body !== null && typeof body === 'object' && !Array.isArray(body);
}

function requestError(ctx: ZapierContext, request: ZapierRequest, failure: Failure): Error {
	const node = ctx.getNode();
	const itemIndex = request.itemIndex;
	const item = itemIndex === undefined ? '' : ` [item ${itemIndex}]`;
	const mayExist = request.kind === 'create' && failure.kind !== 'cancelled' && !(failure.kind === 'http' && failure.status < 500);
	const atMostOnce =
		'It was not sent again, so that the action runs at most once: check the action history in Zapier before running this item again.';

	if (failure.kind === 'http') {
		const errors = zapierErrors(failure.body);
		const detail = errors.length ? errors.map(describeZapierError).join('; ') : `HTTP ${failure.status}`;
		const message = mayExist
			? `Zapier may have created the run: the request failed with HTTP ${failure.status} after reaching Zapier${item}`
			: `Zapier refused the request (HTTP ${failure.status}): ${detail}${item}`;
		const staleAction = errors.some((error) => error.source?.pointer === '/data/action');
		const description = mayExist
			? `${detail}. ${atMostOnce}`
			: staleAction
				? "Zapier's action IDs change and expire. Pick the action from the list (it is stored by key and its current ID is looked up on every run), or look up its current ID."
				: hintForStatus(failure.status);
		const response: JsonObject = { message, description, httpCode: String(failure.status) };
		return new NodeApiError(node, response, { message, description, httpCode: String(failure.status), itemIndex });
	}
	if (failure.kind === 'network') {
		// The code goes in the description: n8n replaces messages that name a Node.js error code.
		const message = mayExist
			? `Zapier may have created the run: the connection failed after the request was sent${item}`
			: `Could not reach Zapier${item}`;
		const cause = `${failure.message} (${failure.code}).`;
		const description = mayExist
			? `${cause} ${atMostOnce}`
			: `${cause} Check the API base URL of the credential and the network, then try again.`;
		return new NodeOperationError(node, message, { description, itemIndex });
	}
	return cancelledError(ctx);
}

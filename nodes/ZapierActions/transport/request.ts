import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Checked, NumberBounds } from '../helpers/validate';
import { checkBoundedNumber, isJsonObject, textOr } from '../helpers/validate';
import { isRenewalDue } from './clientCredentials';
import type { CredentialKind } from './credentialKinds';
import { credentialKindOf } from './credentialKinds';
import { describeFailure } from './failure';
import type { RateLimiter } from './rateLimit';
import { limiterFor } from './rateLimit';
import { readBudgetNews } from './sharedBudget';
import { requestError, unsafeUrlError } from './requestErrors';
import type { Failure, RequestKind } from './retry';
import { decideRetry } from './retry';
import { cancelledError, cancelSignal, deadlineReached, pause, withinTime } from './timing';
import type { Query } from './url';
import { apiUrl, parseBaseUrl } from './url';

export const ZAPIER_KEYS_URL = 'https://zapier.com/.well-known/jwks.json';

/** The credential's numbers, held where every timer and the limiter stay exact. */
const CREDENTIAL_NUMBERS: Record<'rateLimit' | 'rateLimitWindowSeconds' | 'requestTimeoutSeconds', NumberBounds & { field: string }> = {
	/** Zapier's documented limit: 60 requests a minute per IP. */
	rateLimit: { field: 'Rate Limit (Requests)', min: 1, max: 10_000, fallback: 60, whole: true },
	rateLimitWindowSeconds: { field: 'Rate Limit Window (Seconds)', min: 1, max: 86_400, fallback: 60 },
	/** A request without a complete answer by then is abandoned (and, for a read, tried again). */
	requestTimeoutSeconds: { field: 'Request Timeout (Seconds)', min: 1, max: 3_600, fallback: 30 },
};

/** Where the node talks to Zapier: running, filling the editor's lists, receiving callbacks, or as a trigger's lifecycle and polls. */
export type ZapierContext = IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions | IHookFunctions | IPollFunctions;

export interface ZapierRequest {
	method: IHttpRequestMethods;
	/** Path segments under the credential's base URL, each encoded on its own: `['v2', 'action-runs', id]`. */
	path: readonly string[];
	/** For the paths of Zapier's SDK API that end in a slash. */
	trailingSlash?: boolean;
	query?: Query | URLSearchParams;
	/** `create` requests are never re-sent once they may have reached Zapier. */
	kind: RequestKind;
	/** What a `create` request makes, and what to do when it may have been made: a run unless said otherwise. */
	creates?: { what: string; hint: string };
	/** Error statuses answered as a response (their JSON body), for the caller to read: 404 for "none", say. */
	accept?: readonly number[];
	body?: IDataObject;
	itemIndex?: number;
	/** Epoch ms: nothing is waited for past it, and a request still unanswered then is abandoned. */
	deadline?: number;
	/** Epoch ms: a request that its rate-limit slot, a cooldown or a retry's pause would hold past it is not sent. */
	sendBy?: number;
}

export interface ZapierResponse {
	status: number;
	body: IDataObject;
	/** How much of the credential's request budget is in use right after the answer (1: requests queue). */
	pressure: number;
	/** The credential's base URL that the request went to (next-page links are read against it). */
	base: URL;
}

export interface Connection {
	credential: CredentialKind;
	base: URL;
	limiter: RateLimiter;
	timeoutMs: number;
	/** Where the keys that sign Zapier's callbacks are published. */
	callbackKeysUrl: string;
	/** The stored credential with its token dropped, when the token is due for renewal: n8n then asks for a new one. */
	renewal?: ICredentialsDecrypted;
}

/** Where and how fast this credential may call Zapier. */
export async function connection(ctx: ZapierContext): Promise<Connection> {
	const credential = credentialKindOf(ctx.getNode());
	const credentials = await ctx.getCredentials(credential.type);
	const setting = <T>(field: string, result: Checked<T>): T => {
		if (result.ok) return result.value;
		throw new NodeOperationError(ctx.getNode(), `The Zapier credential's "${field}" ${result.problem}`, {
			description: `Nothing was sent to Zapier. Open the ${credential.displayName} credential and correct the field.`,
		});
	};
	const base = setting('API Base URL', parseBaseUrl(textOr(credentials.apiBaseUrl, credential.defaultBaseUrl)));
	const number = (name: keyof typeof CREDENTIAL_NUMBERS) =>
		setting(CREDENTIAL_NUMBERS[name].field, checkBoundedNumber(credentials[name], CREDENTIAL_NUMBERS[name]));
	const saved = ctx.getNode().credentials?.[credential.type];
	const credentialId = saved?.id ?? 'unsaved';
	return {
		credential,
		base,
		limiter: credentialLimiter(credentialId, base, number('rateLimit'), Math.round(number('rateLimitWindowSeconds') * 1000)),
		timeoutMs: Math.round(number('requestTimeoutSeconds') * 1000),
		callbackKeysUrl: textOr(credentials.callbackKeysUrl, ZAPIER_KEYS_URL),
		...(isRenewalDue(credentials.renewAt, Date.now()) && {
			renewal: { id: credentialId, name: saved?.name ?? '', type: credential.type, data: { ...credentials, accessToken: '' } },
		}),
	};
}

/** The process-wide limiter of a credential at a base URL, for these settings. */
export function credentialLimiter(credentialId: string, base: URL, limit: number, windowMs: number): RateLimiter {
	return limiterFor(`${credentialId}|${base.href}`, limit, windowMs);
}

/** The credential's API base URL. */
export async function apiBase(ctx: ZapierContext): Promise<URL> {
	return (await connection(ctx)).base;
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
			used = limiter.mayUse(Date.now());
		} finally {
			if (!used) limiter.release(slot);
		}
		if (used) return;
	}
}

/**
 * The one place that talks to Zapier. Signs with the OAuth2 credential (n8n refreshes an expired
 * token and retries once), never follows a redirect, bounds each attempt by the credential's request
 * timeout and the whole request by its deadline, retries what the retry policy allows, and turns
 * failures into errors that name Zapier's detail and the field it points at.
 */
export async function zapierRequest(ctx: ZapierContext, request: ZapierRequest): Promise<ZapierResponse> {
	const { credential, base, limiter, timeoutMs, renewal } = await connection(ctx);
	const url = apiUrl(base, request.path, request.query, request.trailingSlash);
	if (!url.ok) throw unsafeUrlError(ctx.getNode(), request.itemIndex, url.problem);
	const deadline = request.deadline ?? Infinity;
	const sendBy = Math.min(deadline, request.sendBy ?? Infinity);
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
		await awaitSlot(ctx, limiter, sendBy);
		const limitMs = Math.min(timeoutMs, deadline - Date.now());
		if (limitMs <= 0) throw deadlineReached(ctx);
		const sent = ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			credential.type,
			{ ...options, timeout: limitMs },
			renewal && attempts === 1 ? { credentialsDecrypted: renewal } : undefined,
		);
		const outcome = await withinTime(sent as Promise<IN8nHttpFullResponse>, limitMs).then(
			(response) => ({ response }),
			(error: unknown) => ({ failure: describeFailure(error, url.value, cancelSignal(ctx)) }),
		);
		if ('response' in outcome && outcome.response === undefined && limitMs < timeoutMs) throw deadlineReached(ctx);
		const answer = 'failure' in outcome ? outcome.failure : readAnswer(outcome.response, timeoutMs);
		const headers = 'response' in outcome ? outcome.response?.headers : answer.kind === 'http' ? answer.headers : undefined;
		limiter.observe(
			headers && readBudgetNews(headers as Record<string, string>, Date.now()),
			answer.kind === 'http' && answer.status === 429,
			Date.now(),
		);
		if (answer.kind === 'ok') return { status: answer.status, body: answer.body, pressure: limiter.pressure(Date.now()), base };
		const failure: Failure = answer;
		if (failure.kind === 'cancelled') throw cancelledError(ctx);
		if (failure.kind === 'http' && request.accept?.includes(failure.status)) {
			return { status: failure.status, body: isJsonObject(failure.body) ? failure.body : {}, pressure: limiter.pressure(Date.now()), base };
		}
		const isRateLimit = failure.kind === 'http' && failure.status === 429;
		if (isRateLimit) rateLimited++;
		const decision = decideRetry(request.kind, failure, attempts, rateLimited, Date.now());
		if (!decision.retry) {
			throw requestError(
				ctx.getNode(),
				{ kind: request.kind, creates: request.creates, itemIndex: request.itemIndex, url: url.value, credential },
				failure,
			);
		}
		// A 429 cools the whole credential down; the next slot comes after it.
		if (isRateLimit) limiter.coolDown(Date.now() + decision.delayMs);
		else if (Date.now() + decision.delayMs >= sendBy) throw deadlineReached(ctx);
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

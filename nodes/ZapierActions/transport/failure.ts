import { CREDENTIALS_REFUSED, TOKEN_UNAVAILABLE } from './clientCredentials';
import type { Failure } from './retry';
import { wasNeverSent } from './retry';

type Headers = Record<string, string | undefined>;

interface ErrorLike {
	name?: string;
	code?: string;
	message?: string;
	description?: string;
	cause?: unknown;
	status?: number;
	body?: unknown;
	failure?: { cause?: string };
	config?: { url?: string };
	response?: { status?: number; headers?: unknown; data?: unknown };
	httpCode?: string | null;
	context?: { data?: unknown };
}

function plainHeaders(headers: unknown): Headers {
	if (!headers || typeof headers !== 'object') return {};
	const maybeJson = headers as { toJSON?: () => unknown };
	const plain = typeof maybeJson.toJSON === 'function' ? maybeJson.toJSON() : headers;
	const result: Headers = {};
	for (const [key, value] of Object.entries(plain as Record<string, unknown>)) {
		if (value !== undefined && value !== null) result[key.toLowerCase()] = String(value);
	}
	return result;
}

/** The thrown error and its causes, outermost first. */
function causes(thrown: unknown): ErrorLike[] {
	const chain: ErrorLike[] = [];
	for (let error = thrown; error && typeof error === 'object' && chain.length < 5; error = (error as ErrorLike).cause) {
		chain.push(error as ErrorLike);
	}
	return chain;
}

/**
 * Whether the error comes from n8n renewing the OAuth2 token rather than from the request itself: the
 * token endpoint refused (n8n's "needs to be reconnected", the OAuth2 client's own errors) or could not
 * be reached (an HTTP client error about another URL than the request's). n8n renews only after a 401
 * or before sending, so such a failure proves the request did nothing.
 */
function refreshFailure(chain: ErrorLike[], requestUrl: string): { detail: string; revoked: boolean } | undefined {
	for (const error of chain) {
		const detail = error.message ?? 'the token could not be renewed';
		// The client-credentials exchange's own errors (n8n 1.x keeps only their code, as httpCode).
		const code = error.code ?? error.httpCode;
		if (code === CREDENTIALS_REFUSED || code === TOKEN_UNAVAILABLE) return { detail, revoked: code === CREDENTIALS_REFUSED };
		if (error.failure?.cause === 'credential-invalid') return { detail, revoked: true };
		if (error.code === 'EAUTH' || (error.code === 'ESTATUS' && typeof error.status === 'number' && !error.response)) {
			return { detail, revoked: (error.body as { error?: unknown } | undefined)?.error === 'invalid_grant' };
		}
		const url = error.config?.url;
		if (typeof url === 'string' && url !== '' && url !== requestUrl) {
			const status = error.response?.status;
			return {
				detail: status ? `the token endpoint answered HTTP ${status}` : `${detail} (${error.code ?? 'network error'})`,
				revoked: false,
			};
		}
	}
	return undefined;
}

/**
 * What went wrong with a request, read from whatever n8n's helpers threw: a NodeApiError wrapping
 * an axios error on current hosts, the axios error itself elsewhere. Nothing of the request (and so
 * no token) is kept.
 */
export function describeFailure(thrown: unknown, requestUrl: string, signal?: AbortSignal): Failure {
	const chain = causes(thrown ?? {});
	const outer = chain[0] ?? {};
	const inner = chain[1] ?? outer;
	if (signal?.aborted || chain.some((error) => error.code === 'ERR_CANCELED' || error.name === 'CanceledError')) {
		return { kind: 'cancelled' };
	}
	const refresh = refreshFailure(chain, requestUrl);
	if (refresh) return { kind: 'refresh', ...refresh };
	const response = inner.response ?? outer.response;
	if (response?.status) {
		return {
			kind: 'http',
			status: response.status,
			headers: plainHeaders(response.headers),
			body: response.data,
		};
	}
	// n8n 1.x's NodeApiError drops the error it wraps: its status (or network code) is left in
	// `httpCode` and a JSON body in `context.data`; the headers are gone.
	const httpCode = typeof outer.httpCode === 'string' ? outer.httpCode : undefined;
	if (httpCode && /^[1-5]\d\d$/.test(httpCode)) {
		return { kind: 'http', status: Number(httpCode), headers: {}, body: outer.context?.data };
	}
	const code = inner.code ?? outer.code ?? httpCode ?? 'UNKNOWN';
	const message = inner.message ?? outer.message ?? 'Unknown network error';
	return { kind: 'network', code, message, sent: !wasNeverSent(code) };
}

export interface ZapierApiError {
	status?: number;
	code?: string;
	title?: string;
	detail?: string;
	source?: { pointer?: string; parameter?: string; header?: string } | null;
}

/** Zapier's JSON:API error list, if the body is one. */
export function zapierErrors(body: unknown): ZapierApiError[] {
	const errors = (body as { errors?: unknown } | undefined)?.errors;
	return Array.isArray(errors) ? (errors.filter((e) => e && typeof e === 'object') as ZapierApiError[]) : [];
}

export function describeZapierError(error: ZapierApiError): string {
	const where = error.source?.pointer ?? error.source?.parameter ?? error.source?.header;
	const what = error.detail || error.title || error.code || 'error';
	return where ? `${what} (at ${where})` : what;
}

const STATUS_HINTS: Record<number, string> = {
	400: 'Zapier refused the request as malformed; check the field it points at.',
	401: 'The Zapier credential is not authorised: reconnect it.',
	403: 'The credential lacks a scope this call needs, or the Zapier app is not allow-listed for action runs.',
	404: 'Zapier does not know this ID: check it, and note that run data is kept for 7 days only.',
	409: 'Zapier reported a conflict with the current state of this resource.',
	429: 'Zapier kept rate limiting the request: it is limited to 60 requests a minute; try again later.',
};

/**
 * The quota a 429 names, as Zapier's SDK API words it: `message`, `error` (or its message), or the
 * first of `errors` (its detail or title).
 */
export function quotaText(body: unknown): string | undefined {
	const answer = (body ?? {}) as { message?: unknown; error?: unknown; errors?: unknown };
	const error = answer.error as { message?: unknown } | string | undefined;
	const first = Array.isArray(answer.errors) ? (answer.errors[0] as ZapierApiError | string | undefined) : undefined;
	const candidates = [
		answer.message,
		typeof error === 'string' ? error : error?.message,
		typeof first === 'string' ? first : (first?.detail ?? first?.title),
	];
	const text = candidates.find((candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '');
	return text?.trim().replace(/\.$/, '').slice(0, 500);
}

export function hintForStatus(status: number): string {
	if (STATUS_HINTS[status]) return STATUS_HINTS[status];
	return status >= 500 ? 'Zapier had a server problem; try again later.' : 'Zapier refused the request.';
}

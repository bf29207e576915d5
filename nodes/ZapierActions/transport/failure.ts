import type { Failure } from './retry';
import { wasNeverSent } from './retry';

type Headers = Record<string, string | undefined>;

interface ErrorLike {
	name?: string;
	code?: string;
	message?: string;
	httpCode?: string | null;
	cause?: unknown;
	response?: { status?: number; headers?: unknown; data?: unknown };
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

/**
 * What went wrong with a request, read from whatever n8n's helpers threw: a NodeApiError wrapping
 * an axios error on current hosts, the axios error itself elsewhere. Nothing of the request (and so
 * no token) is kept.
 */
export function describeFailure(thrown: unknown, signal?: AbortSignal): Failure {
	const outer = (thrown ?? {}) as ErrorLike;
	const inner = (outer.cause && typeof outer.cause === 'object' ? outer.cause : outer) as ErrorLike;
	if (signal?.aborted || inner.code === 'ERR_CANCELED' || inner.name === 'CanceledError') {
		return { kind: 'cancelled' };
	}
	const response = inner.response ?? outer.response;
	if (response?.status) {
		return {
			kind: 'http',
			status: response.status,
			headers: plainHeaders(response.headers),
			body: response.data,
		};
	}
	const code = inner.code ?? outer.code ?? 'UNKNOWN';
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

export function hintForStatus(status: number): string {
	if (STATUS_HINTS[status]) return STATUS_HINTS[status];
	return status >= 500 ? 'Zapier had a server problem; try again later.' : 'Zapier refused the request.';
}

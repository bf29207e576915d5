/**
 * Whether a failed request may be sent again, and when. Creating a run is not idempotent: once a
 * POST may have reached Zapier (a 5xx, a timeout, a connection dropped after sending), sending it
 * again could run the action twice, so only answers that prove nothing happened are retried.
 */
export type RequestKind = 'create' | 'read';

export type Failure =
	| { kind: 'http'; status: number; headers: Record<string, string | undefined>; body: unknown }
	| { kind: 'network'; code: string; message: string; sent: boolean }
	/** n8n could not renew the OAuth2 token (after a 401, or before sending). */
	| { kind: 'refresh'; detail: string; revoked: boolean }
	| { kind: 'cancelled' };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

export const RETRY_LIMITS = {
	/** Attempts for 5xx and network errors on reads. */
	maxReadAttempts: 5,
	/** Retries of a 429, on any request. */
	maxRateLimitRetries: 4,
	/** Zapier's documented cooldown after a rate limit is hit. */
	rateLimitCooldownMs: 60_000,
	/** Never wait longer than this on one Retry-After. */
	maxRateLimitWaitMs: 120_000,
	/** Attempts of a request answered 401: n8n renews the token (or exchanges client credentials) once on each; another request may have rotated it. */
	maxUnauthorizedAttempts: 3,
	backoffBaseMs: 500,
	backoffMaxMs: 8_000,
};

/** Network errors that prove the request never left this machine, so a POST may be re-sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function wasNeverSent(code: string): boolean {
	return NOT_SENT_CODES.has(code);
}

/** Whether the failure proves that Zapier did nothing: a 4xx answer, a failed token renewal, or a request never sent. */
export function provesNothingDone(failure: Failure): boolean {
	if (failure.kind === 'http') return failure.status >= 400 && failure.status < 500;
	if (failure.kind === 'network') return !failure.sent;
	return failure.kind === 'refresh';
}

function header(headers: Record<string, string | undefined>, name: string): string | undefined {
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	return key === undefined ? undefined : headers[key];
}

/**
 * How long a 429 asks us to wait: `Retry-After` (seconds or HTTP date), else `X-RateLimit-Reset`
 * (epoch seconds or seconds from now: both are seen), else Zapier's documented 60 s cooldown.
 */
export function rateLimitWaitMs(headers: Record<string, string | undefined>, nowMs: number): number {
	const retryAfter = header(headers, 'retry-after');
	if (retryAfter !== undefined && retryAfter.trim() !== '') {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return clampWait(seconds * 1000);
		const date = Date.parse(retryAfter);
		if (Number.isFinite(date)) return clampWait(date - nowMs);
	}
	const reset = Number(header(headers, 'x-ratelimit-reset'));
	if (Number.isFinite(reset) && reset > 0) {
		const isEpoch = reset > 1_000_000_000;
		return clampWait(isEpoch ? reset * 1000 - nowMs : reset * 1000);
	}
	return RETRY_LIMITS.rateLimitCooldownMs;
}

function clampWait(ms: number): number {
	return Math.min(Math.max(ms, 0), RETRY_LIMITS.maxRateLimitWaitMs);
}

export function backoffMs(attempt: number, random: () => number = Math.random): number {
	const base = Math.min(RETRY_LIMITS.backoffBaseMs * 2 ** (attempt - 1), RETRY_LIMITS.backoffMaxMs);
	return Math.round(base * (0.5 + random() * 0.5));
}

/**
 * @param attempt how many times the request was sent so far (1 after the first failure)
 * @param rateLimited how many of those attempts got a 429
 */
export function decideRetry(
	kind: RequestKind,
	failure: Failure,
	attempt: number,
	rateLimited: number,
	nowMs: number,
	random: () => number = Math.random,
): RetryDecision {
	if (failure.kind === 'cancelled' || failure.kind === 'refresh') return { retry: false };
	if (failure.kind === 'http' && failure.status === 429) {
		if (rateLimited > RETRY_LIMITS.maxRateLimitRetries) return { retry: false };
		return { retry: true, delayMs: rateLimitWaitMs(failure.headers, nowMs) };
	}
	// A 401 proves nothing was done; n8n refreshes the token on it, so one more try is safe even for
	// a creation (another request may have rotated the token in between).
	if (failure.kind === 'http' && failure.status === 401) {
		return attempt < RETRY_LIMITS.maxUnauthorizedAttempts ? { retry: true, delayMs: 0 } : { retry: false };
	}
	if (attempt >= RETRY_LIMITS.maxReadAttempts) return { retry: false };
	if (kind === 'create') {
		return failure.kind === 'network' && !failure.sent ? { retry: true, delayMs: backoffMs(attempt, random) } : { retry: false };
	}
	const transient = failure.kind === 'network' || (failure.kind === 'http' && (failure.status >= 500 || failure.status === 408));
	return transient ? { retry: true, delayMs: backoffMs(attempt, random) } : { retry: false };
}

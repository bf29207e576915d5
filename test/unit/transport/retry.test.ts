import type { Failure } from '../../../nodes/ZapierActions/transport/retry';
import { backoffMs, decideRetry, provesNothingDone, RETRY_LIMITS, rateLimitWaitMs } from '../../../nodes/ZapierActions/transport/retry';

const NOW = Date.parse('2026-11-28T12:00:00Z');
const http = (status: number, headers: Record<string, string> = {}): Failure => ({ kind: 'http', status, headers, body: {} });
const network = (code: string): Failure => ({ kind: 'network', code, message: code, sent: !['ECONNREFUSED', 'ENOTFOUND'].includes(code) });
const decide = (kind: 'create' | 'read', failure: Failure, attempt = 1, rateLimited = 0) =>
	decideRetry(kind, failure, attempt, rateLimited, NOW, () => 0);

describe('creating a run', () => {
	test.each([500, 502, 503, 504])('is not repeated after a %i', (status) => {
		expect(decide('create', http(status))).toEqual({ retry: false });
	});

	test.each(['ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'MALFORMED_RESPONSE'])(
		'is not repeated after %s, which may follow sending',
		(code) => {
			expect(decide('create', network(code))).toEqual({ retry: false });
		},
	);

	test('is repeated when the connection was refused: nothing was sent', () => {
		expect(decide('create', network('ECONNREFUSED'))).toEqual({ retry: true, delayMs: 250 });
	});

	test.each([400, 403, 404, 409])('is not repeated after a %i', (status) => {
		expect(decide('create', http(status))).toEqual({ retry: false });
	});

	test('is tried again after a 401, which proves nothing was done (n8n refreshes the token), twice at most', () => {
		expect(decide('create', http(401), 1)).toEqual({ retry: true, delayMs: 0 });
		expect(decide('create', http(401), 2)).toEqual({ retry: true, delayMs: 0 });
		expect(decide('create', http(401), 3)).toEqual({ retry: false });
	});

	test('is repeated after a 429, waiting as long as Retry-After says', () => {
		expect(decide('create', http(429, { 'retry-after': '7' }), 1, 1)).toEqual({ retry: true, delayMs: 7_000 });
	});

	test('gives up on 429s past the bound', () => {
		expect(decide('create', http(429), 5, RETRY_LIMITS.maxRateLimitRetries).retry).toBe(true);
		expect(decide('create', http(429), 6, RETRY_LIMITS.maxRateLimitRetries + 1)).toEqual({ retry: false });
	});
});

describe('reading a run', () => {
	test.each([500, 503, 504, 408])('is retried after a %i with growing backoff', (status) => {
		expect(decide('read', http(status), 1)).toEqual({ retry: true, delayMs: 250 });
		expect(decide('read', http(status), 3)).toEqual({ retry: true, delayMs: 1_000 });
	});

	test('is retried after network errors, up to the attempt limit', () => {
		expect(decide('read', network('ECONNRESET'), 4).retry).toBe(true);
		expect(decide('read', network('ECONNRESET'), RETRY_LIMITS.maxReadAttempts)).toEqual({ retry: false });
	});

	test.each([400, 403, 404])('is not retried after a %i', (status) => {
		expect(decide('read', http(status))).toEqual({ retry: false });
	});

	test('is never retried once cancelled', () => {
		expect(decide('read', { kind: 'cancelled' })).toEqual({ retry: false });
	});
});

describe('how long a 429 asks to wait', () => {
	test('Retry-After in seconds', () => expect(rateLimitWaitMs({ 'retry-after': '12' }, NOW)).toBe(12_000));
	test('Retry-After as an HTTP date', () =>
		expect(rateLimitWaitMs({ 'Retry-After': new Date(NOW + 30_000).toUTCString() }, NOW)).toBe(30_000));
	test('X-RateLimit-Reset as epoch seconds', () =>
		expect(rateLimitWaitMs({ 'x-ratelimit-reset': String(NOW / 1000 + 20) }, NOW)).toBe(20_000));
	test('X-RateLimit-Reset as seconds from now', () => expect(rateLimitWaitMs({ 'x-ratelimit-reset': '15' }, NOW)).toBe(15_000));
	test("nothing said: Zapier's 60 s cooldown", () => expect(rateLimitWaitMs({}, NOW)).toBe(60_000));
	test('a date in the past: at once', () => expect(rateLimitWaitMs({ 'retry-after': new Date(NOW - 5_000).toUTCString() }, NOW)).toBe(0));
	test('never longer than the cap', () => expect(rateLimitWaitMs({ 'retry-after': '3600' }, NOW)).toBe(RETRY_LIMITS.maxRateLimitWaitMs));
});

test('backoff doubles up to its cap, with jitter of up to half', () => {
	expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, () => 1))).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000]);
	expect(backoffMs(1, () => 0)).toBe(250);
});

describe('what proves that Zapier did nothing', () => {
	test.each<[string, Failure, boolean]>([
		['a 400', { kind: 'http', status: 400, headers: {}, body: {} }, true],
		['a 429', { kind: 'http', status: 429, headers: {}, body: {} }, true],
		['a redirect', { kind: 'http', status: 307, headers: {}, body: {} }, false],
		['a 503', { kind: 'http', status: 503, headers: {}, body: {} }, false],
		['a refused connection', { kind: 'network', code: 'ECONNREFUSED', message: '', sent: false }, true],
		['a reset connection', { kind: 'network', code: 'ECONNRESET', message: '', sent: true }, false],
		['a failed token renewal', { kind: 'refresh', detail: '', revoked: true }, true],
	])('%s: %p', (_name, failure, proves) => {
		expect(provesNothingDone(failure)).toBe(proves);
	});
});

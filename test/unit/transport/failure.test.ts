import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { describeFailure, describeZapierError, zapierErrors } from '../../../nodes/ZapierActions/transport/failure';

const REQUEST_URL = 'https://api.zapier.com/v2/action-runs';
const node = { name: 'Zapier Actions', type: 'zapierActions', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;

class AxiosError extends Error {
	constructor(
		message: string,
		public code?: string,
		public response?: object,
		public config = { headers: { Authorization: 'Bearer secret-token' } },
	) {
		super(message);
	}
}

test('an HTTP error wrapped by n8n gives status, headers and body, and nothing of the request', () => {
	const axios = new AxiosError('Request failed', 'ERR_BAD_REQUEST', { status: 429, headers: { 'Retry-After': '5' }, data: { errors: [] } });
	const failure = describeFailure(new NodeApiError(node, axios as never), REQUEST_URL);
	expect(failure).toEqual({ kind: 'http', status: 429, headers: { 'retry-after': '5' }, body: { errors: [] } });
	expect(JSON.stringify(failure)).not.toContain('secret-token');
});

test("n8n 1.x's NodeApiError, which keeps only the status and the JSON body, still reads as the HTTP answer", () => {
	// n8n-workflow 1.x's error classes lose the wrapped axios error (a class field resets `cause`).
	const legacy = (message: string, httpCode: string, data?: unknown) =>
		Object.assign(new Error(message), { httpCode, ...(data ? { context: { data } } : { context: {} }) });
	expect(describeFailure(legacy('Bad request', '400', { errors: [{ detail: 'Bad email.' }] }), REQUEST_URL)).toEqual({
		kind: 'http',
		status: 400,
		headers: {},
		body: { errors: [{ detail: 'Bad email.' }] },
	});
	expect(describeFailure(legacy('Request failed with status code 302', '302'), REQUEST_URL)).toEqual({
		kind: 'http',
		status: 302,
		headers: {},
		body: undefined,
	});
	expect(describeFailure(legacy('The service refused the connection', 'ECONNREFUSED'), REQUEST_URL)).toMatchObject({
		kind: 'network',
		code: 'ECONNREFUSED',
		sent: false,
	});
});

test('network errors say whether the request may have been sent', () => {
	expect(describeFailure(new AxiosError('socket hang up', 'ECONNRESET'), REQUEST_URL)).toMatchObject({
		kind: 'network',
		code: 'ECONNRESET',
		sent: true,
	});
	expect(describeFailure(new AxiosError('refused', 'ECONNREFUSED'), REQUEST_URL)).toMatchObject({ kind: 'network', sent: false });
	expect(describeFailure(new AxiosError('timeout of 30000ms exceeded', 'ECONNABORTED'), REQUEST_URL)).toMatchObject({ sent: true });
});

test('a cancelled request, or an aborted signal, is a cancellation', () => {
	expect(describeFailure(new AxiosError('canceled', 'ERR_CANCELED'), REQUEST_URL)).toEqual({ kind: 'cancelled' });
	const controller = new AbortController();
	controller.abort();
	expect(describeFailure(new AxiosError('x', 'ECONNRESET'), REQUEST_URL, controller.signal)).toEqual({ kind: 'cancelled' });
});

test("Zapier's error list is read with its pointer", () => {
	const body = {
		errors: [{ status: 400, code: 'invalid', title: 'ValidationError', detail: 'Bad email.', source: { pointer: '/data/inputs/email' } }],
	};
	expect(zapierErrors(body).map(describeZapierError)).toEqual(['Bad email. (at /data/inputs/email)']);
	expect(zapierErrors('not json')).toEqual([]);
	expect(describeZapierError({ code: 'parse_error', source: null })).toBe('parse_error');
});

describe('a failed renewal of the OAuth2 token is told apart from the request failing', () => {
	test('n8n\'s own "needs to be reconnected" (a revoked refresh token), as n8n wraps it', () => {
		const reconnect = new NodeOperationError(node, 'The credential "Zapier" needs to be reconnected.');
		(reconnect as unknown as { failure: object }).failure = { cause: 'credential-invalid' };
		expect(describeFailure(new NodeApiError(node, reconnect as never), REQUEST_URL)).toEqual({
			kind: 'refresh',
			detail: 'The credential "Zapier" needs to be reconnected.',
			revoked: true,
		});
	});

	test("the OAuth2 client's own errors, with the token endpoint's answer", () => {
		const authError = Object.assign(new Error('The provided authorization grant is invalid'), {
			code: 'EAUTH',
			body: { error: 'invalid_grant' },
		});
		expect(describeFailure(authError, REQUEST_URL)).toMatchObject({ kind: 'refresh', revoked: true });
		const statusError = Object.assign(new Error('HTTP status 400'), { code: 'ESTATUS', status: 400, body: '' });
		expect(describeFailure(statusError, REQUEST_URL)).toMatchObject({ kind: 'refresh', revoked: false });
	});

	test('a token endpoint that fails or cannot be reached: an HTTP error about another REQUEST_URL than the request', () => {
		const down = new AxiosError('Request failed', 'ERR_BAD_RESPONSE', { status: 503, headers: {}, data: {} }, {
			url: 'https://zapier.com/oauth/token/',
		} as never);
		expect(describeFailure(new NodeApiError(node, down as never), REQUEST_URL)).toEqual({
			kind: 'refresh',
			detail: 'the token endpoint answered HTTP 503',
			revoked: false,
		});
		const same = new AxiosError('Request failed', 'ERR_BAD_RESPONSE', { status: 503, headers: {}, data: {} }, {
			url: REQUEST_URL,
		} as never);
		expect(describeFailure(new NodeApiError(node, same as never), REQUEST_URL)).toMatchObject({ kind: 'http', status: 503 });
	});
});

import { NodeApiError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import { describeFailure, describeZapierError, zapierErrors } from '../../nodes/ZapierActions/transport/failure';

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
	const failure = describeFailure(new NodeApiError(node, axios as never));
	expect(failure).toEqual({ kind: 'http', status: 429, headers: { 'retry-after': '5' }, body: { errors: [] } });
	expect(JSON.stringify(failure)).not.toContain('secret-token');
});

test('network errors say whether the request may have been sent', () => {
	expect(describeFailure(new AxiosError('socket hang up', 'ECONNRESET'))).toMatchObject({ kind: 'network', code: 'ECONNRESET', sent: true });
	expect(describeFailure(new AxiosError('refused', 'ECONNREFUSED'))).toMatchObject({ kind: 'network', sent: false });
	expect(describeFailure(new AxiosError('timeout of 30000ms exceeded', 'ECONNABORTED'))).toMatchObject({ sent: true });
});

test('a cancelled request, or an aborted signal, is a cancellation', () => {
	expect(describeFailure(new AxiosError('canceled', 'ERR_CANCELED'))).toEqual({ kind: 'cancelled' });
	const controller = new AbortController();
	controller.abort();
	expect(describeFailure(new AxiosError('x', 'ECONNRESET'), controller.signal)).toEqual({ kind: 'cancelled' });
});

test("Zapier's error list is read with its pointer", () => {
	const body = { errors: [{ status: 400, code: 'invalid', title: 'ValidationError', detail: 'Bad email.', source: { pointer: '/data/inputs/email' } }] };
	expect(zapierErrors(body).map(describeZapierError)).toEqual(['Bad email. (at /data/inputs/email)']);
	expect(zapierErrors('not json')).toEqual([]);
	expect(describeZapierError({ code: 'parse_error', source: null })).toBe('parse_error');
});

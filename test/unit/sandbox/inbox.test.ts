/** The sandbox's Trigger Inbox: inboxes, their lifecycle, messages, leases, notifications, and what it shares with the SDK API. */
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SDK_PREFIX, ZapierSandbox } from '../../../sandbox/server';

const sandbox = new ZapierSandbox();
let token = '';

async function api(method: string, path: string, body?: unknown, auth = `JWT ${token}`) {
	const response = await fetch(`${sandbox.inboxUrl}${path}`, {
		method,
		headers: { Authorization: auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}

const SUB = { app_key: 'MailerCLIAPI@1.0.0', action_key: 'new_email', inputs: { folder: 'INBOX' }, connection_id: 1001 };
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** What `check` answers once it answers something (polling every 10 ms). */
async function until<T>(check: () => T | Promise<T>, timeoutMs = 3_000): Promise<NonNullable<T>> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value as NonNullable<T>;
		if (Date.now() > end) throw new Error('Timed out waiting.');
		await sleep(10);
	}
}

/** An inbox of this key, once it is active. */
async function activeInbox(key: string, extra: Record<string, unknown> = {}) {
	const made = await api('PUT', '/inboxes', { key, subscription: SUB, ...extra });
	expect(made.status).toBe(201);
	return await until(async () => {
		const read = await api('GET', `/inboxes/${made.body.id}`);
		return read.body.status === 'active' ? read.body : undefined;
	});
}

const lease = (id: string, body: Record<string, unknown> = {}) => api('POST', `/inboxes/${id}/messages/lease`, body);
const ack = (id: string, body: Record<string, unknown>) => api('POST', `/inboxes/${id}/messages/ack`, body);
const release = (id: string, body: Record<string, unknown>) => api('POST', `/inboxes/${id}/messages/release`, body);

/** A local server that takes notifications, answering each after `delayMs`. */
const receivers: Array<() => Promise<void>> = [];
async function receiver(delayMs = 0) {
	const got: Array<{ body: any; headers: IncomingHttpHeaders; at: number }> = [];
	const server = createServer((req, res) => {
		let text = '';
		req.on('data', (chunk) => (text += chunk));
		req.on('end', () => {
			got.push({ body: JSON.parse(text), headers: req.headers, at: Date.now() });
			setTimeout(() => res.end(), delayMs);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const close = async () => {
		server.closeAllConnections();
		await new Promise((resolve) => server.close(resolve));
	};
	receivers.push(close);
	return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/zapier-news`, got, close };
}

beforeAll(async () => {
	await sandbox.start();
});
afterAll(async () => {
	await sandbox.stop();
});
beforeEach(() => {
	sandbox.reset({ inboxInitMs: 30 });
	token = sandbox.issueClientToken().access_token;
});
afterEach(async () => {
	sandbox.reset();
	await Promise.all(receivers.splice(0).map((close) => close()));
});

describe('inboxes', () => {
	test('ensure (PUT) is idempotent by key; another subscription is a 409; create (POST) always makes one', async () => {
		const made = await api('PUT', '/inboxes', { key: 'k1', subscription: SUB });
		expect(made).toMatchObject({
			status: 201,
			body: {
				id: expect.stringMatching(/^[0-9a-f-]{36}$/),
				created_at: expect.any(String),
				key: 'k1',
				name: 'k1',
				status: 'initializing',
				paused_reason: null,
				notification_url: null,
				subscription: SUB,
			},
		});
		const same = { ...SUB, app_key: 'MailerCLIAPI@latest', inputs: { folder: 'INBOX' }, connection_id: '1001' };
		const again = await api('PUT', '/inboxes', { key: 'k1', subscription: same, notification_url: 'http://127.0.0.1:1/x' });
		expect(again).toMatchObject({ status: 200, body: { id: made.body.id, notification_url: null } });

		const other = { ...SUB, inputs: { folder: 'WORK' } };
		const refused = await api('PUT', '/inboxes', { key: 'k1', subscription: other });
		expect(refused.status).toBe(409);
		expect(refused.body.errors[0]).toEqual({
			code: 'conflict',
			title: 'Conflict',
			detail: 'An inbox with key "k1" already exists with a different subscription.',
			status: 409,
		});
		expect((await api('POST', '/inboxes', { key: 'k1', subscription: other })).body.errors[0].detail).toBe(
			'An inbox with key "k1" already exists with a different subscription.',
		);
		const post = await api('POST', '/inboxes', { key: 'k1', subscription: SUB });
		expect(post.status).toBe(409);
		expect(post.body.errors[0].detail).toMatch(/already exists/);

		const first = await api('POST', '/inboxes', { subscription: SUB });
		const second = await api('POST', '/inboxes', { subscription: SUB });
		expect([first.status, second.status, first.body.key]).toEqual([201, 201, null]);
		expect(first.body.id).not.toBe(second.body.id);
		expect((await api('PUT', '/inboxes', { subscription: SUB })).status).toBe(400);

		const byKey = await api('GET', '/inboxes?key=k1&limit=1');
		expect(byKey.body).toMatchObject({ count: 1, next: null, previous: null, results: [{ id: made.body.id }] });
	});

	test('initialise, then are active; or fail as the switch says, or with a stale connection', async () => {
		sandbox.configure({ inboxInitMs: 200 });
		const made = await api('PUT', '/inboxes', { key: 'k1', subscription: SUB });
		const early = await lease(made.body.id);
		expect(early.status).toBe(409);
		expect(early.body.errors[0]).toMatchObject({ code: 'inbox_not_active', title: expect.any(String), detail: expect.any(String) });
		expect(early.body.inbox_attributes).toBeUndefined();
		await sleep(210);
		expect((await api('GET', `/inboxes/${made.body.id}`)).body.status).toBe('active');

		sandbox.configure({ inboxInitFailure: 'subscribe_failed' });
		const failing = await api('PUT', '/inboxes', { key: 'k2', subscription: SUB });
		sandbox.configure({ inboxInitFailure: null });
		const stale = await api('PUT', '/inboxes', { key: 'k3', subscription: { ...SUB, connection_id: 1002 } });
		expect([failing.body.status, stale.body.status]).toEqual(['initializing', 'initializing']);
		await sleep(210);
		expect((await api('GET', `/inboxes/${failing.body.id}`)).body).toMatchObject({
			status: 'initialization_failure',
			paused_reason: 'subscribe_failed',
		});
		expect((await api('GET', `/inboxes/${stale.body.id}`)).body).toMatchObject({
			status: 'initialization_failure',
			paused_reason: 'authentication',
		});
		expect((await lease(stale.body.id)).body.errors[0].code).toBe('inbox_not_active');
		expect(() => sandbox.emitInboxEvents({ inbox: 'k3' })).toThrow(/initialization_failure/);
	});

	test('are checked, each refusal naming the field', async () => {
		const detail = async (body: Record<string, unknown>, method = 'PUT') => {
			const answer = await api(method, '/inboxes', body);
			expect(answer.status).toBe(400);
			expect(Object.keys(answer.body.errors[0]).sort()).toEqual(['code', 'detail', 'status', 'title']);
			return answer.body.errors[0].detail as string;
		};
		expect(await detail({ key: 'x'.repeat(101), subscription: SUB })).toMatch(/"key"/);
		expect(await detail({ key: '', subscription: SUB }, 'POST')).toMatch(/"key"/);
		expect(await detail({ key: 'k' })).toMatch(/"subscription"/);
		expect(await detail({ key: 'k', subscription: { ...SUB, app_key: 'MailerCLIAPI' } })).toMatch(/app_key/);
		expect(await detail({ key: 'k', subscription: { ...SUB, action_key: 'send_email' } })).toMatch(/action_key.*trigger/);
		expect(await detail({ key: 'k', subscription: { ...SUB, action_key: 'nope' } })).toMatch(/action_key/);
		expect(await detail({ key: 'k', subscription: { ...SUB, inputs: { from_contains: 'a' } } })).toMatch(/inputs.*"folder"/);
		expect(await detail({ key: 'k', subscription: { ...SUB, inputs: [] } })).toMatch(/inputs/);
		const { connection_id: _dropped, ...noConnection } = SUB;
		expect(await detail({ key: 'k', subscription: noConnection })).toMatch(/connection_id.*required/);
		expect(await detail({ key: 'k', subscription: { ...SUB, connection_id: null } })).toMatch(/connection_id/);
		expect(await detail({ key: 'k', subscription: { ...SUB, connection_id: 1004 } })).toMatch(/connection_id/);
		expect(await detail({ key: 'k', subscription: SUB, notification_url: 'ftp://example.com/x' })).toMatch(/notification_url/);
		expect(await detail({ key: 'k', subscription: SUB, notification_url: `https://example.com/${'x'.repeat(2048)}` })).toMatch(
			/notification_url/,
		);
		expect(sandbox.state().inboxes).toEqual([]);
	});

	test('are listed in pages, read, pointed elsewhere, and deleted', async () => {
		sandbox.configure({ inboxInitMs: 60_000 });
		const ids: string[] = [];
		for (const key of ['a', 'b', 'c']) ids.push((await api('PUT', '/inboxes', { key, subscription: SUB })).body.id);
		const first = await api('GET', '/inboxes?limit=2');
		expect(first.body).toMatchObject({ count: 3, previous: null });
		expect(first.body.results.map((inbox: any) => inbox.key)).toEqual(['a', 'b']);
		const next = new URL(first.body.next);
		expect([next.origin, next.searchParams.get('offset'), next.searchParams.get('limit')]).toEqual([sandbox.url, '2', '2']);
		const last = await api('GET', `/inboxes${next.search}`);
		expect(last.body).toMatchObject({ count: 3, next: null, results: [{ key: 'c' }] });
		expect((await api('GET', '/inboxes?status=active')).body.count).toBe(0);
		expect((await api('GET', '/inboxes?status=initializing')).body.count).toBe(3);

		const patched = await api('PATCH', `/inboxes/${ids[0]}`, { notification_url: 'https://example.com/news' });
		expect(patched).toMatchObject({ status: 200, body: { id: ids[0], notification_url: 'https://example.com/news' } });
		expect((await api('PATCH', `/inboxes/${ids[0]}`, { notification_url: null })).body.notification_url).toBeNull();
		expect((await api('PATCH', `/inboxes/${ids[0]}`, { notification_url: null, key: 'z' })).body.errors[0].detail).toMatch(/"key"/);
		expect((await api('PATCH', `/inboxes/${ids[0]}`, {})).status).toBe(400);

		const deleted = await api('DELETE', `/inboxes/${ids[0]}`);
		expect(deleted).toMatchObject({ status: 200, body: { id: ids[0], status: 'deleting' } });
		expect(await api('GET', `/inboxes/${ids[0]}`)).toMatchObject({
			status: 404,
			body: { errors: [{ code: 'not_found', title: 'Not found', detail: `No inbox "${ids[0]}".`, status: 404 }] },
		});
		expect((await api('GET', '/inboxes')).body.count).toBe(2);
		const again = await api('PUT', '/inboxes', { key: 'a', subscription: SUB });
		expect(again.status).toBe(201);
		expect(again.body.id).not.toBe(ids[0]);

		sandbox.configure({ inboxDeleteMs: 100 });
		await api('DELETE', `/inboxes/${ids[1]}`);
		expect((await api('GET', `/inboxes/${ids[1]}`)).body.status).toBe('deleting');
		expect((await lease(ids[1])).body.errors[0].code).toBe('inbox_not_active');
		expect((await api('GET', '/inboxes?key=b')).body.count).toBe(0);
		await sleep(120);
		expect((await api('GET', `/inboxes/${ids[1]}`)).status).toBe(404);

		expect((await api('GET', '/inboxes/')).status).toBe(404);
		expect((await api('GET', `/inboxes/${ids[2]}/`)).status).toBe(404);
	});
});

describe('messages', () => {
	test('are leased oldest first, then acked or released; lease counts grow', async () => {
		const inbox = await activeInbox('k1');
		const queued = sandbox.emitInboxEvents({ inbox: 'k1', count: 5 });
		const numbers = queued.map((message) => Number(String(message.payload.id).replace('email_', '')));
		expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
		expect(queued[0].payload).toEqual({
			id: `email_${numbers[0]}`,
			subject: `Email ${numbers[0]}`,
			from: `sender${numbers[0]}@example.com`,
			received_at: expect.any(String),
		});

		const before = Date.now();
		const one = await lease(inbox.id, { lease_limit: 2 });
		expect(one.status).toBe(200);
		expect(one.body).toMatchObject({ lease_id: expect.any(String), inbox_attributes: { status: 'active', paused_reason: null } });
		expect(Date.parse(one.body.leased_until) - before).toBeGreaterThanOrEqual(299_000);
		expect(one.body.results.map((m: any) => m.id)).toEqual([queued[0].id, queued[1].id]);
		expect(one.body.results[0]).toEqual({
			id: queued[0].id,
			created_at: expect.any(String),
			status: 'leased',
			message_attributes: { lease_count: 1, error_message: null, possible_duplicate_data: false },
			payload: queued[0].payload,
		});
		const two = await lease(inbox.id);
		expect(two.body.results).toHaveLength(3);
		const empty = await lease(inbox.id);
		expect(empty.body).toEqual({
			lease_id: null,
			leased_until: null,
			results: [],
			inbox_attributes: { status: 'active', paused_reason: null },
		});
		expect(sandbox.counters).toMatchObject({ inboxLeases: 2, inboxEmptyLeases: 1, inboxEvents: 5 });

		const acked = await ack(inbox.id, { lease_id: one.body.lease_id, message_ids: [queued[0].id] });
		expect(acked.body).toEqual({
			acked_id: one.body.lease_id,
			results: [{ id: queued[0].id, created_at: expect.any(String), status: 'acked', message_attributes: expect.any(Object) }],
		});
		expect((await ack(inbox.id, { lease_id: one.body.lease_id, message_ids: [queued[0].id] })).status).toBe(200);
		const released = await release(inbox.id, { lease_id: one.body.lease_id, message_ids: [queued[1].id] });
		expect(released.body).toMatchObject({ released_id: one.body.lease_id, results: [{ id: queued[1].id, status: 'available' }] });
		expect((await ack(inbox.id, { lease_id: one.body.lease_id, message_ids: [queued[1].id] })).body.errors[0].detail).toMatch(
			/released already/,
		);
		expect((await release(inbox.id, { lease_id: two.body.lease_id })).body.results).toHaveLength(3);
		expect(sandbox.counters).toMatchObject({ messagesAcked: 1, messagesReleased: 4 });

		const back = await lease(inbox.id);
		expect(back.body.results.map((m: any) => [m.id, m.message_attributes.lease_count])).toEqual(
			queued.slice(1).map((message) => [message.id, 2]),
		);
		const createdAt = back.body.results.map((m: any) => m.created_at as string);
		expect(createdAt).toEqual([...createdAt].sort());
		expect(new Set(createdAt).size).toBe(createdAt.length);
		expect(sandbox.inboxMessages('k1').map((message) => message.status)).toEqual(['acked', 'leased', 'leased', 'leased', 'leased']);
		expect(sandbox.inboxMessages(inbox.id)[0].ackedAt).toEqual(expect.any(Number));
	});

	test('acks and releases are checked: the lease, and the messages it holds', async () => {
		const inbox = await activeInbox('k1');
		sandbox.emitInboxEvents({ inbox: 'k1', count: 2, duplicate: true, payload: (n) => ({ n }) });
		const leased = await lease(inbox.id);
		expect(leased.body.results[0].message_attributes.possible_duplicate_data).toBe(true);
		expect(leased.body.results[0].payload).toEqual({ n: expect.any(Number) });
		const leaseId = leased.body.lease_id;
		const expired = await ack(inbox.id, { lease_id: 'no-such-lease', message_ids: ['x'] });
		expect(expired.status).toBe(400);
		expect(expired.body.errors[0]).toEqual({ code: 'lease_expired', title: 'Lease expired', detail: expect.any(String), status: 400 });
		expect((await ack(inbox.id, { lease_id: leaseId, message_ids: ['stranger'] })).body.errors[0].detail).toMatch(/stranger/);
		expect((await ack(inbox.id, { lease_id: leaseId, message_ids: [] })).body.errors[0].detail).toMatch(/message_ids/);
		const many = Array.from({ length: 101 }, (_, i) => `m${i}`);
		expect((await ack(inbox.id, { lease_id: leaseId, message_ids: many })).body.errors[0].detail).toMatch(/message_ids/);
		expect((await ack(inbox.id, {})).body.errors[0].detail).toMatch(/lease_id/);
		expect((await ack(inbox.id, { lease_id: leaseId })).body.results.map((m: any) => m.status)).toEqual(['acked', 'acked']);
		expect(sandbox.counters.messagesAcked).toBe(2);
	});

	test('come back when their lease ends, and an ended lease can no longer be acked', async () => {
		const inbox = await activeInbox('k1');
		sandbox.emitInboxEvents({ inbox: 'k1', count: 2 });
		const first = await lease(inbox.id, { lease_seconds: 1 });
		expect((await lease(inbox.id)).body.results).toEqual([]);
		await sleep(1_100);
		const second = await lease(inbox.id, { lease_seconds: 1 });
		expect(second.body.results.map((m: any) => m.message_attributes.lease_count)).toEqual([2, 2]);
		const late = await ack(inbox.id, { lease_id: first.body.lease_id });
		expect(late.body.errors[0].code).toBe('lease_expired');

		sandbox.expireLeases();
		expect((await ack(inbox.id, { lease_id: second.body.lease_id })).body.errors[0].code).toBe('lease_expired');
		const third = await lease(inbox.id);
		expect(third.body.results.map((m: any) => m.message_attributes.lease_count)).toEqual([3, 3]);
	});

	test('leases are bounded', async () => {
		const inbox = await activeInbox('k1');
		for (const [field, value] of [
			['lease_limit', 0],
			['lease_limit', 101],
			['lease_limit', 1.5],
			['lease_limit', '10'],
			['lease_seconds', 0],
			['lease_seconds', 3_601],
		] as const) {
			const answer = await lease(inbox.id, { [field]: value });
			expect(answer.status).toBe(400);
			expect(answer.body.errors[0].detail).toContain(`"${field}"`);
		}
		const response = await fetch(`${sandbox.inboxUrl}/inboxes/${inbox.id}/messages/lease`, {
			method: 'POST',
			headers: { Authorization: `JWT ${token}`, 'Content-Type': 'application/json' },
			body: '{"lease_limit": ',
		});
		expect(response.status).toBe(400);
		expect(sandbox.counters.inboxLeases + sandbox.counters.inboxEmptyLeases).toBe(0);
	});

	test('are listed, not acked ones, a page at a time by cursor', async () => {
		const inbox = await activeInbox('k1');
		const queued = sandbox.emitInboxEvents({ inbox: 'k1', count: 3 });
		const leased = await lease(inbox.id, { lease_limit: 1 });
		await ack(inbox.id, { lease_id: leased.body.lease_id });
		const first = await api('GET', `/inboxes/${inbox.id}/messages?limit=1`);
		expect(first.body).toMatchObject({ previous: null, results: [{ id: queued[1].id, status: 'available', payload: queued[1].payload }] });
		expect(first.body.count).toBeUndefined();
		const next = new URL(first.body.next);
		expect(next.origin).toBe(sandbox.url);
		const second = await api('GET', `/inboxes/${inbox.id}/messages${next.search}`);
		expect(second.body).toMatchObject({ next: null, results: [{ id: queued[2].id }] });
		expect((await api('GET', `/inboxes/${inbox.id}/messages?cursor=nonsense`)).status).toBe(400);
	});
});

describe('pause and resume', () => {
	test('a paused inbox drops events, is drained, then answers the paused 409', async () => {
		const inbox = await activeInbox('k1');
		sandbox.emitInboxEvents({ inbox: 'k1', count: 2 });
		expect((await api('POST', `/inboxes/${inbox.id}/pause`)).body).toMatchObject({ status: 'paused', paused_reason: 'user' });
		expect(sandbox.emitInboxEvents({ inbox: 'k1', count: 3 })).toEqual([]);
		expect(sandbox.counters).toMatchObject({ inboxEvents: 5, inboxEventsDropped: 3 });
		const leased = await lease(inbox.id);
		expect(leased.body.results).toHaveLength(2);
		expect(leased.body.inbox_attributes).toEqual({ status: 'paused', paused_reason: 'user' });
		const drained = await lease(inbox.id);
		expect(drained.status).toBe(409);
		expect(drained.body).toEqual({
			detail: 'Inbox is paused and fully drained',
			inbox_attributes: { status: 'paused', paused_reason: 'user' },
		});

		expect((await api('POST', `/inboxes/${inbox.id}/resume`)).body).toMatchObject({ status: 'active', paused_reason: null });
		const notPaused = await api('POST', `/inboxes/${inbox.id}/resume`);
		expect(notPaused.status).toBe(409);
		expect(notPaused.body.errors[0]).toMatchObject({ code: expect.any(String), title: expect.any(String), detail: expect.any(String) });
	});

	test('a pause for the account is lifted only by reconnecting', async () => {
		const inbox = await activeInbox('k1');
		sandbox.pauseInbox('k1', 'authentication');
		expect((await api('GET', `/inboxes/${inbox.id}`)).body).toMatchObject({ status: 'paused', paused_reason: 'authentication' });
		expect((await api('POST', `/inboxes/${inbox.id}/pause`)).body.paused_reason).toBe('authentication');
		const refused = await api('POST', `/inboxes/${inbox.id}/resume`);
		expect(refused.status).toBe(409);
		expect(refused.body.errors[0].detail).toMatch(/reconnect/);
		sandbox.pauseInbox(inbox.id, 'upstream_failures');
		expect((await api('POST', `/inboxes/${inbox.id}/resume`)).status).toBe(200);
	});
});

describe('events', () => {
	test('go to every active inbox when none is named; a paused one drops them; unknown or initialising ones are refused', async () => {
		await activeInbox('a');
		await activeInbox('b');
		sandbox.pauseInbox('b', 'user');
		sandbox.configure({ inboxInitMs: 60_000 });
		await api('PUT', '/inboxes', { key: 'c', subscription: SUB });
		expect(sandbox.emitInboxEvents({ count: 2 })).toHaveLength(2);
		expect(sandbox.state().inboxes.map((inbox) => [inbox.key, inbox.status, inbox.available])).toEqual([
			['a', 'active', 2],
			['b', 'paused', 0],
			['c', 'initializing', 0],
		]);
		expect(sandbox.counters).toMatchObject({ inboxEvents: 4, inboxEventsDropped: 2 });
		expect(() => sandbox.emitInboxEvents({ inbox: 'nope' })).toThrow(/nope/);
		expect(() => sandbox.emitInboxEvents({ inbox: 'c' })).toThrow(/initializing/);
		expect(() => sandbox.emitInboxEventsAtRate({ inbox: 'c', count: 2, perSecond: 10 })).toThrow(/initializing/);
	});

	test('come at a rate, and stop on reset', async () => {
		await activeInbox('k1');
		const started = Date.now();
		await sandbox.emitInboxEventsAtRate({ inbox: 'k1', count: 5, perSecond: 50 });
		expect(Date.now() - started).toBeGreaterThanOrEqual(70);
		expect(sandbox.inboxMessages('k1')).toHaveLength(5);
		const endless = sandbox.emitInboxEventsAtRate({ inbox: 'k1', count: 1_000, perSecond: 100 });
		await sleep(50);
		sandbox.reset();
		await endless;
		expect(sandbox.state().inboxes).toEqual([]);
	});
});

describe('notifications', () => {
	test('are POSTed as JSON, unsigned, coalescing what arrives meanwhile, one at a time', async () => {
		const news = await receiver(400);
		sandbox.configure({ inboxNotifyDelayMs: 30 });
		const inbox = await activeInbox('k1', { notification_url: news.url });
		sandbox.emitInboxEvents({ inbox: 'k1', count: 2 });
		sandbox.emitInboxEvents({ inbox: 'k1', count: 3 });
		await until(() => news.got.length === 1);
		expect(news.got[0].body).toEqual({ inbox_id: inbox.id, received_message_count: 5, redelivery: false });
		expect(news.got[0].headers['content-type']).toBe('application/json');
		expect(Object.keys(news.got[0].headers).filter((name) => /signature/i.test(name))).toEqual([]);
		// While the first is being answered: these wait for it, and go as one.
		sandbox.emitInboxEvents({ inbox: 'k1' });
		await sleep(40);
		sandbox.emitInboxEvents({ inbox: 'k1', count: 2 });
		await until(() => news.got.length === 2);
		expect(news.got[1].body.received_message_count).toBe(3);
		expect(news.got[1].at - news.got[0].at).toBeGreaterThanOrEqual(400);
		await until(() => sandbox.counters.inboxNotifications.length === 2);
		expect(sandbox.counters.inboxNotifications).toEqual([
			{ inboxId: inbox.id, at: expect.any(Number), status: 200, redelivery: false },
			{ inboxId: inbox.id, at: expect.any(Number), status: 200, redelivery: false },
		]);
	});

	test('tell of redelivery when a lease ends; none without a URL or with the switch off; no answer is status 0', async () => {
		const news = await receiver();
		const inbox = await activeInbox('k1', { notification_url: news.url });
		sandbox.emitInboxEvents({ inbox: 'k1', count: 3 });
		await until(() => news.got.length === 1);
		const leased = await lease(inbox.id, { lease_seconds: 1 });
		await ack(inbox.id, { lease_id: leased.body.lease_id, message_ids: [leased.body.results[0].id] });
		await until(() => news.got.length === 2);
		expect(news.got[1].body).toEqual({ inbox_id: inbox.id, received_message_count: 2, redelivery: true });
		await until(() => sandbox.counters.inboxNotifications.length === 2);
		expect(sandbox.counters.inboxNotifications.map((sent) => sent.redelivery)).toEqual([false, true]);

		const quiet = await activeInbox('k2');
		sandbox.emitInboxEvents({ inbox: quiet.key });
		sandbox.configure({ inboxNotifications: false });
		sandbox.emitInboxEvents({ inbox: 'k1' });
		await sleep(50);
		expect(news.got).toHaveLength(2);

		sandbox.configure({ inboxNotifications: true });
		const gone = await receiver();
		await gone.close();
		await api('PATCH', `/inboxes/${inbox.id}`, { notification_url: gone.url });
		sandbox.emitInboxEvents({ inbox: 'k1' });
		await until(() => sandbox.counters.inboxNotifications.length === 3);
		expect(sandbox.counters.inboxNotifications[2]).toMatchObject({ status: 0, redelivery: false });
	});
});

describe('what the inbox shares with the SDK API', () => {
	test('its tokens, counted routes, faults (a committing one does the work) and the rate limit window', async () => {
		expect((await api('GET', '/inboxes', undefined, `Bearer ${token}`)).status).toBe(401);
		expect((await api('GET', '/inboxes', undefined, `JWT ${sandbox.issueTokens().access_token}`)).status).toBe(401);
		const inbox = await activeInbox('k1');
		sandbox.injectRouteFaults('POST /inboxes/:id/messages/lease', { status: 503 });
		expect((await lease(inbox.id)).status).toBe(503);
		expect((await lease(inbox.id)).status).toBe(200);
		expect(sandbox.counters.requests['POST /inboxes/:id/messages/lease']).toBe(2);
		expect(sandbox.counters.requests['PUT /inboxes']).toBe(1);

		// A dropped answer: the lease (or the ack) was made all the same, as when the request reached Zapier.
		sandbox.emitInboxEvents({ inbox: 'k1', count: 2 });
		sandbox.injectRouteFaults('POST /inboxes/:id/messages/lease', { drop: true });
		await expect(lease(inbox.id)).rejects.toThrow();
		expect(sandbox.state().inboxes[0]).toMatchObject({ available: 0, leased: 2 });
		sandbox.expireLeases();
		const leased = await lease(inbox.id);
		expect(leased.body.results.map((m: any) => m.message_attributes.lease_count)).toEqual([2, 2]);
		sandbox.injectRouteFaults('POST /inboxes/:id/messages/ack', { drop: true });
		await expect(ack(inbox.id, { lease_id: leased.body.lease_id })).rejects.toThrow();
		expect(sandbox.state().inboxes[0]).toMatchObject({ leased: 0, acked: 2 });
		// Sent again, it is answered as done (the lease still runs), without acking anything twice.
		const ids = leased.body.results.map((m: any) => m.id);
		const again = await ack(inbox.id, { lease_id: leased.body.lease_id, message_ids: ids });
		expect(again.body.results.map((m: any) => m.status)).toEqual(['acked', 'acked']);
		expect(sandbox.counters.messagesAcked).toBe(2);

		sandbox.configure({ rateLimit: { limit: 1, windowMs: 60_000, cooldownMs: 1_000, retryAfter: 'seconds', reset: 'none' } });
		const sdk = await fetch(`${sandbox.url}${SDK_PREFIX}/v4/authentications`, { headers: { Authorization: `JWT ${token}` } });
		expect(sdk.status).toBe(200);
		const throttled = await api('GET', '/inboxes');
		expect(throttled.status).toBe(429);
		expect(throttled.body.errors[0]).toMatchObject({ code: 'throttled', title: 'Too many requests' });
	});

	test("the trigger's fields: a folder to pick, and an optional filter", async () => {
		const needs = await fetch(`${sandbox.url}${SDK_PREFIX}/v4/implementations/needs/`, {
			method: 'POST',
			headers: { Authorization: `JWT ${token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({
				selected_api: 'MailerCLIAPI@1.0.0',
				action: 'new_email',
				type_of: 'read',
				params: {},
				authentication_id: 1001,
			}),
		});
		const { needs: list } = (await needs.json()) as { needs: any[] };
		expect(list.map((need) => [need.key, need.label, need.required])).toEqual([
			['folder', 'Folder', true],
			['from_contains', 'From Contains', false],
		]);
		expect(list[0].choices.map((choice: any) => [choice.label, choice.value])).toEqual([
			['INBOX', 'INBOX'],
			['Work', 'WORK'],
			['Spam', 'SPAM'],
		]);
	});
});

describe('control routes', () => {
	test('emit, pause, expire leases and list inboxes over HTTP', async () => {
		const inbox = await activeInbox('k1');
		const control = async (method: string, path: string, body?: unknown) => {
			const response = await fetch(`${sandbox.url}/__sandbox/${path}`, {
				method,
				headers: { 'Content-Type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			return { status: response.status, body: (await response.json()) as any };
		};
		const emitted = await control('POST', 'inbox-events', { inbox: 'k1', count: 2, payload: { hello: 'world' } });
		expect(emitted.body.inboxes[0]).toMatchObject({ id: inbox.id, key: 'k1', status: 'active', available: 2, leased: 0, acked: 0 });
		await lease(inbox.id);
		expect((await control('POST', 'inbox-expire-leases')).body.inboxes[0]).toMatchObject({ available: 2, leased: 0 });
		const paused = await control('POST', 'inbox-pause', { inbox: inbox.id, reason: 'upstream_failures' });
		expect(paused.body.inboxes[0]).toMatchObject({ status: 'paused', paused_reason: 'upstream_failures' });
		const listed = await control('GET', 'inboxes');
		expect(listed.body.inboxes[0].messages.map((message: any) => [message.payload, message.lease_count])).toEqual([
			[{ hello: 'world' }, 1],
			[{ hello: 'world' }, 1],
		]);
		expect(await control('POST', 'inbox-events', { inbox: 'nope' })).toMatchObject({ status: 400, body: { error: expect.any(String) } });
		await control('POST', 'inbox-events', { inbox: 'k1', count: 3, perSecond: 100 });
		await until(() => sandbox.counters.inboxEventsDropped === 3);
	});
});

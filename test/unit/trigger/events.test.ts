import { BATCH_SIZE, eventItem, leaseSeconds, remember, REMEMBERED_IDS, sortLease } from '../../../nodes/ZapierTrigger/events';
import { initializationProblem, isResumable, pausedProblem } from '../../../nodes/ZapierTrigger/inboxStates';
import { inboxKey } from '../../../nodes/ZapierTrigger/subscription';
import type { InboxMessage } from '../../../nodes/ZapierActions/transport/api/triggerInboxModel';
import { inboxOf, leaseOf, problemOf } from '../../../nodes/ZapierActions/transport/api/triggerInboxModel';
import { ZapierTrigger } from '../../../nodes/ZapierTrigger/ZapierTrigger.node';

const message = (id: string, extra: Partial<InboxMessage> = {}): InboxMessage => ({
	id,
	createdAt: `2026-12-01T10:00:0${id.length % 10}Z`,
	leaseCount: 1,
	possibleDuplicateData: false,
	payload: { id: `email-${id}`, subject: `Subject ${id}` },
	...extra,
});

describe('the item of an event', () => {
	test("is the trigger's payload, with the message's own facts under _zapier (the payload's id is kept)", () => {
		expect(eventItem(message('m1', { leaseCount: 2, possibleDuplicateData: true }), false)).toEqual({
			json: {
				id: 'email-m1',
				subject: 'Subject m1',
				_zapier: { message_id: 'm1', created_at: '2026-12-01T10:00:02Z', lease_count: 2, possible_duplicate_data: true },
			},
		});
	});

	test('a payload that is not an object is kept whole under payload', () => {
		expect(eventItem(message('m2', { payload: ['a', 'b'] }), false).json.payload).toEqual(['a', 'b']);
		expect(eventItem(message('m3', { payload: 'text' }), false).json.payload).toBe('text');
		expect(eventItem(message('m4', { payload: null }), false).json.payload).toBeNull();
	});

	test('a redelivery is marked', () => {
		expect(eventItem(message('m1'), true).json._zapier).toMatchObject({ redelivered: true });
	});
});

describe('sorting a lease', () => {
	const lease = [message('a'), message('b'), message('c')];

	test("keeps Zapier's order and acknowledges every message", () => {
		const sorted = sortLease(lease, new Set(), 'drop');
		expect(sorted.items.map((item) => (item.json._zapier as { message_id: string }).message_id)).toEqual(['a', 'b', 'c']);
		expect(sorted.messageIds).toEqual(['a', 'b', 'c']);
		expect(sorted.dropped).toEqual([]);
	});

	test('drops what was handed over before, still acknowledging it', () => {
		const sorted = sortLease(lease, new Set(['b']), 'drop');
		expect(sorted.items.map((item) => item.json.id)).toEqual(['email-a', 'email-c']);
		expect(sorted.messageIds).toEqual(['a', 'b', 'c']);
		expect(sorted.dropped).toEqual(['b']);
	});

	test('or outputs it marked', () => {
		const sorted = sortLease(lease, new Set(['b']), 'mark');
		expect(sorted.items.map((item) => (item.json._zapier as { redelivered?: boolean }).redelivered ?? false)).toEqual([false, true, false]);
		expect(sorted.dropped).toEqual([]);
	});

	test('a message listed twice in one lease is one item', () => {
		const sorted = sortLease([message('a'), message('a')], new Set(), 'mark');
		expect(sorted.items).toHaveLength(1);
		expect(sorted.messageIds).toEqual(['a']);
	});

	test('possible duplicate data is marked, never dropped: Zapier only suspects it', () => {
		const sorted = sortLease([message('a', { possibleDuplicateData: true })], new Set(), 'drop');
		expect(sorted.items).toHaveLength(1);
	});
});

describe('remembering handed-over IDs', () => {
	test('adds new IDs once, newest last', () => {
		expect(remember(['a', 'b'], ['b', 'c'])).toEqual(['a', 'b', 'c']);
	});

	test(`keeps the latest ${REMEMBERED_IDS}, forgetting the oldest first`, () => {
		const many = Array.from({ length: REMEMBERED_IDS }, (_, i) => `id-${i}`);
		const remembered = remember(many, ['new-1', 'new-2']);
		expect(remembered).toHaveLength(REMEMBERED_IDS);
		expect(remembered[0]).toBe('id-2');
		expect(remembered.slice(-2)).toEqual(['new-1', 'new-2']);
	});
});

describe('how long a lease lasts', () => {
	test("four request timeouts, at least a minute and at most Zapier's hour", () => {
		expect(leaseSeconds(30_000)).toBe(120);
		expect(leaseSeconds(1_000)).toBe(60);
		expect(leaseSeconds(3_600_000)).toBe(3_600);
		expect(leaseSeconds(1)).toBe(60);
	});
});

test("the Batch Size option's default is the bound's fallback, within Zapier's 1–100", () => {
	const options = new ZapierTrigger().description.properties.find((property) => property.name === 'options')!;
	const batchSize = (options.options as Array<{ name: string; default: unknown }>).find((option) => option.name === 'batchSize')!;
	expect(batchSize.default).toBe(BATCH_SIZE.fallback);
	expect([BATCH_SIZE.min, BATCH_SIZE.max]).toEqual([1, 100]);
});

describe('the inbox key', () => {
	const choices = {
		app: 'MailerCLIAPI',
		trigger: { mode: 'list', value: 'new_email' },
		connection: '1001',
		inputs: { folder: 'INBOX', a: 1 },
	};

	test('is the same for the same workflow, node and choices, whatever the order of the inputs', () => {
		const again = { ...choices, inputs: { a: 1, folder: 'INBOX' } };
		expect(inboxKey('wf1', 'node1', choices)).toBe(inboxKey('wf1', 'node1', again));
		expect(inboxKey('wf1', 'node1', choices)).toMatch(/^n8n-wf1-node1-[0-9a-f]{16}$/);
	});

	test('changes with the workflow, the node or any choice', () => {
		const key = inboxKey('wf1', 'node1', choices);
		expect(inboxKey('wf2', 'node1', choices)).not.toBe(key);
		expect(inboxKey('wf1', 'node2', choices)).not.toBe(key);
		expect(inboxKey('wf1', 'node1', { ...choices, connection: '1003' })).not.toBe(key);
		expect(inboxKey('wf1', 'node1', { ...choices, inputs: { folder: 'WORK', a: 1 } })).not.toBe(key);
		expect(inboxKey('wf1', 'node1', { ...choices, trigger: { mode: 'id', value: 'new_email' } })).not.toBe(key);
	});

	test("stays within Zapier's 100 characters for any IDs", () => {
		const key = inboxKey('w'.repeat(80), 'n'.repeat(80), choices);
		expect(key.length).toBeLessThanOrEqual(100);
		expect(key).not.toBe(inboxKey('w'.repeat(80), 'n'.repeat(79), choices));
	});
});

describe('reading the inbox API', () => {
	test('an inbox, with its key from the deprecated name when need be', () => {
		expect(inboxOf({ id: 'i1', name: 'k', status: 'active', paused_reason: null, notification_url: null })).toEqual({
			ok: true,
			value: { id: 'i1', key: 'k', status: 'active', pausedReason: null, notificationUrl: null },
		});
		expect(inboxOf({ status: 'active' })).toEqual({ ok: false, problem: 'it has no id' });
	});

	test('a lease, messages in order, a missing lease count read as one', () => {
		const lease = leaseOf({
			lease_id: 'L',
			leased_until: '2026-12-01T10:02:00Z',
			results: [
				{ id: 'm1', created_at: 't1', message_attributes: { lease_count: 3, possible_duplicate_data: true }, payload: { a: 1 } },
				{ id: 'm2', created_at: 't2', payload: { a: 2 } },
			],
			inbox_attributes: { status: 'paused', paused_reason: 'user' },
		});
		expect(lease).toEqual({
			ok: true,
			value: {
				leaseId: 'L',
				leasedUntil: '2026-12-01T10:02:00Z',
				inboxStatus: 'paused',
				pausedReason: 'user',
				messages: [
					{ id: 'm1', createdAt: 't1', leaseCount: 3, possibleDuplicateData: true, payload: { a: 1 } },
					{ id: 'm2', createdAt: 't2', leaseCount: 1, possibleDuplicateData: false, payload: { a: 2 } },
				],
			},
		});
	});

	test('an empty lease has no lease ID; messages without one, or without IDs, are refused by name', () => {
		expect(leaseOf({ lease_id: null, results: [] })).toMatchObject({ ok: true, value: { leaseId: null, messages: [] } });
		expect(leaseOf({ results: [{ id: 'm1' }] })).toEqual({ ok: false, problem: '1 messages came without a lease_id' });
		expect(leaseOf({ lease_id: 'L', results: [{ payload: {} }] })).toEqual({ ok: false, problem: 'message 1 has no id' });
		expect(leaseOf({ lease_id: 'L', results: 'x' })).toEqual({ ok: false, problem: '"results" is not a list' });
	});

	test("an error's words: the errors' details, or the top-level detail of a paused inbox's 409", () => {
		expect(
			problemOf({
				errors: [
					{ code: 'x', title: 'T', detail: 'D1' },
					{ code: 'y', title: 'T2' },
				],
			}),
		).toBe('D1; T2');
		expect(problemOf({ detail: 'Inbox is paused and fully drained' })).toBe('Inbox is paused and fully drained');
		expect(problemOf({})).toBe('no reason given');
	});
});

describe("an inbox's problems in words", () => {
	test('each pause reason says why and what to do, and is its own state', () => {
		const problem = pausedProblem('authentication');
		expect(problem.message).toBe("Zapier paused this trigger's inbox: Zapier could not sign in to the app with the chosen connection");
		expect(problem.description).toContain('Reconnect the account in Zapier');
		expect(problem.state).toBe('paused:authentication');
		expect(pausedProblem('user').state).not.toBe(problem.state);
	});

	test('an unknown reason is still told, as Zapier named it', () => {
		expect(pausedProblem('new_reason').description).toContain('reason: new_reason');
		expect(initializationProblem(null).message).toBe(
			"Zapier could not start watching the app's trigger: for a reason Zapier does not give",
		);
	});

	test('only pauses that resuming can cure are resumed', () => {
		expect(['user', 'abandoned', 'upstream_failures', 'unknown', null].map(isResumable)).toEqual([true, true, true, true, true]);
		expect(
			['authentication', 'authentication_access_revoked', 'partner_revoked', 'subscribe_failed', 'migrate_failed'].map(isResumable),
		).toEqual([false, false, false, false, false]);
	});
});

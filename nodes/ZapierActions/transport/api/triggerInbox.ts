/**
 * Zapier's Trigger Inbox (`/api/v0/sdk/trigger-inbox/api/v1`), spoken with the client-credentials
 * credential: an inbox subscribes to one trigger of one app, with a connection and inputs; Zapier
 * queues each event as a message, which is leased, then acknowledged (or released). The requests go
 * through the one door (origin lock, deadlines, rate limit, retries); leases are `create` requests,
 * never sent twice, as each one costs a Zapier task.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ZapierContext, ZapierRequest } from '../request';
import { readAllPages } from '../pages';
import { zapierRequest } from '../request';
import type { Inbox, Lease } from './triggerInboxModel';
import { inboxOf, leaseOf, problemOf } from './triggerInboxModel';

const INBOXES = ['api', 'v0', 'sdk', 'trigger-inbox', 'api', 'v1', 'inboxes'];
/** Messages a lease would not give out. */
const SETTLED = ['acked', 'quarantined'];
/** What a lease that may have been made means for its messages. */
const LEASE = {
	what: 'a lease of messages',
	hint: 'It was not sent again (each lease is a Zapier task): its messages come back to the inbox when the lease ends, and the next poll takes them.',
};

/** What an inbox watches: the versioned app, the trigger's key, its inputs, the connection (null: none). */
export interface Subscription {
	app_key: string;
	action_key: string;
	inputs: IDataObject;
	connection_id: number | string | null;
}

export type LeaseAnswer =
	| ({ kind: 'leased' } & Lease)
	/** Paused, with nothing left to lease (a 409 that names the reason). */
	| { kind: 'drained'; pausedReason: string | null }
	/** Not active yet, or no longer (initialising, failed to initialise, being deleted): its status tells. */
	| { kind: 'inactive' }
	| { kind: 'missing' };

async function send(ctx: ZapierContext, request: Omit<ZapierRequest, 'path'> & { path?: string[] }) {
	return await zapierRequest(ctx, { ...request, path: [...INBOXES, ...(request.path ?? [])] });
}

function inboxFrom(ctx: ZapierContext, body: IDataObject, what: string): Inbox {
	const inbox = inboxOf(body);
	if (inbox.ok) return inbox.value;
	throw new NodeOperationError(ctx.getNode(), `Zapier answered ${what} with an inbox this node cannot read: ${inbox.problem}`, {
		description: "Zapier's Trigger Inbox answered in a shape this version of the node does not know. Try again later, or update the node.",
	});
}

export const triggerInbox = {
	/** The inbox of `key` with this subscription, made if there is none (idempotent); `conflict` when the key has another subscription. */
	async ensure(ctx: ZapierContext, key: string, subscription: Subscription): Promise<Inbox | { conflict: string }> {
		const response = await send(ctx, { method: 'PUT', kind: 'read', body: { key, subscription: { ...subscription } }, accept: [409] });
		if (response.status === 409) return { conflict: problemOf(response.body) };
		return inboxFrom(ctx, response.body, 'the inbox request');
	},

	/** Every inbox of the user whose key starts with `prefix` (one listing, paged). */
	async withKeyPrefix(ctx: ZapierContext, prefix: string): Promise<Inbox[]> {
		const listed = await readAllPages(ctx, { path: INBOXES, query: { limit: '100' }, shape: 'results' });
		return listed
			.filter((inbox) => typeof inbox.key === 'string' && inbox.key.startsWith(prefix))
			.map((inbox) => inboxFrom(ctx, inbox, 'the inbox list'));
	},

	/** The live inbox of `key`, if any. */
	async find(ctx: ZapierContext, key: string): Promise<Inbox | undefined> {
		const response = await send(ctx, { method: 'GET', kind: 'read', query: { key, limit: '1' } });
		const found = (Array.isArray(response.body.results) ? (response.body.results as IDataObject[]) : []).find(
			(inbox) => inbox?.key === key,
		);
		return found ? inboxFrom(ctx, found, 'the inbox list') : undefined;
	},

	async get(ctx: ZapierContext, id: string): Promise<Inbox | undefined> {
		const response = await send(ctx, { method: 'GET', path: [id], kind: 'read', accept: [404] });
		return response.status === 404 ? undefined : inboxFrom(ctx, response.body, 'the inbox read');
	},

	/** Whether the inbox holds any message, leased or not: a look that costs a request, where a lease costs a Zapier task. */
	async hasMessages(ctx: ZapierContext, id: string, deadline: number): Promise<boolean | undefined> {
		const response = await send(ctx, {
			method: 'GET',
			path: [id, 'messages'],
			kind: 'read',
			query: { limit: '100' },
			accept: [404],
			deadline,
		});
		if (response.status === 404) return undefined;
		const messages = Array.isArray(response.body.results) ? (response.body.results as IDataObject[]) : [];
		return messages.some((message) => !SETTLED.includes(String(message?.status)));
	},

	/** Deletes the inbox (Zapier marks it for deletion and drops its messages); one already gone is fine. */
	async remove(ctx: ZapierContext, id: string): Promise<void> {
		await send(ctx, { method: 'DELETE', path: [id], kind: 'read', accept: [404] });
	},

	async setNotificationUrl(ctx: ZapierContext, id: string, url: string | null): Promise<Inbox> {
		const response = await send(ctx, { method: 'PATCH', path: [id], kind: 'read', body: { notification_url: url } });
		return inboxFrom(ctx, response.body, 'the change of its notification URL');
	},

	/** Resumes a paused inbox; Zapier's refusal (a pause only the user can lift in Zapier) is returned. */
	async resume(ctx: ZapierContext, id: string): Promise<{ ok: true } | { ok: false; detail: string }> {
		const response = await send(ctx, { method: 'POST', path: [id, 'resume'], kind: 'read', accept: [400, 409] });
		return response.status < 300 ? { ok: true } : { ok: false, detail: problemOf(response.body) };
	},

	async lease(ctx: ZapierContext, id: string, limit: number, seconds: number, deadline: number): Promise<LeaseAnswer> {
		const response = await send(ctx, {
			method: 'POST',
			path: [id, 'messages', 'lease'],
			kind: 'create',
			creates: LEASE,
			body: { lease_limit: limit, lease_seconds: seconds },
			accept: [404, 409],
			deadline,
		});
		if (response.status === 404) return { kind: 'missing' };
		if (response.status === 409) {
			const attributes = (response.body.inbox_attributes ?? {}) as IDataObject;
			if (attributes.status === 'paused' || typeof attributes.paused_reason === 'string') {
				const reason = typeof attributes.paused_reason === 'string' ? attributes.paused_reason : null;
				return { kind: 'drained', pausedReason: reason };
			}
			return { kind: 'inactive' };
		}
		const lease = leaseOf(response.body);
		if (!lease.ok) {
			throw new NodeOperationError(ctx.getNode(), `Zapier answered a lease with something this node cannot read: ${lease.problem}`, {
				description: LEASE.hint,
			});
		}
		return { kind: 'leased', ...lease.value };
	},

	/**
	 * Acknowledges (done with) or releases (back to the inbox) leased messages. Both may be sent again
	 * safely; a lease that ended meanwhile is `expired`: its messages are back in the inbox.
	 */
	async settle(
		ctx: ZapierContext,
		id: string,
		how: 'ack' | 'release',
		leaseId: string,
		messageIds: string[],
		deadline: number,
	): Promise<'done' | 'expired'> {
		const response = await send(ctx, {
			method: 'POST',
			path: [id, 'messages', how],
			kind: 'read',
			body: { lease_id: leaseId, message_ids: messageIds },
			accept: [400],
			deadline,
		});
		if (response.status < 300) return 'done';
		const errors = Array.isArray(response.body.errors) ? (response.body.errors as IDataObject[]) : [];
		if (errors.some((error) => error?.code === 'lease_expired')) return 'expired';
		throw new NodeOperationError(
			ctx.getNode(),
			`Zapier refused to ${how === 'ack' ? 'acknowledge' : 'release'} messages: ${problemOf(response.body)}`,
			{
				description: 'The messages come back to the inbox when their lease ends.',
			},
		);
	},
};

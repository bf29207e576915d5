/**
 * The Trigger Inbox's messages: the trigger's events, queued in an inbox (inboxEvents.ts), leased
 * oldest first, then acknowledged or released. A lease that ends unsettled (its time is up, or
 * `expireLeases` plays a crash) puts its messages back, with their lease count kept, and the inbox
 * is notified of the redelivery.
 */
import { randomUUID } from 'node:crypto';

import type { Host } from './config';
import type { Replies, Request } from './http';
import type { Inboxes } from './inbox';
import type { Answer, Inbox, InboxMessageView, Lease, Message, MessageStatus } from './inboxModel';
import { COLLECTING, inboxError, invalid, jsonBody, messageStatus, reply, view } from './inboxModel';
import type { InboxNotifier } from './inboxNotifications';
import type { ApiRoute } from './limits';
import { inboxRoute } from './sdk';

const cursorOf = (seq: number) => Buffer.from(`after:${seq}`).toString('base64url');
const seqOfCursor = (cursor: string) => /^after:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))?.[1];

export class InboxMessages {
	readonly routes: ApiRoute[] = [
		inboxRoute('POST /inboxes/:id/messages/lease', this.replies, (request, [id]) =>
			this.inboxes.withInbox(id, (inbox) => this.lease(request, inbox)),
		),
		inboxRoute('POST /inboxes/:id/messages/ack', this.replies, (request, [id]) =>
			this.inboxes.withInbox(id, (inbox) => this.settle(request, inbox, 'ack')),
		),
		inboxRoute('POST /inboxes/:id/messages/release', this.replies, (request, [id]) =>
			this.inboxes.withInbox(id, (inbox) => this.settle(request, inbox, 'release')),
		),
		inboxRoute('GET /inboxes/:id/messages', this.replies, ({ url }, [id]) => this.inboxes.withInbox(id, (inbox) => this.list(url, inbox))),
	];
	private leases = new Map<string, Lease>();

	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
		private readonly inboxes: Inboxes,
		private readonly notifier: InboxNotifier,
	) {}

	/** Stops the lease timers; leases still end when next looked at. */
	stop(): void {
		for (const lease of this.leases.values()) clearTimeout(lease.timer);
	}

	reset(): void {
		this.stop();
		this.leases.clear();
	}

	/** Every lease ends now, as if its holder had crashed: its messages are available again. */
	expireLeases(): void {
		for (const lease of [...this.leases.values()]) this.end(lease);
	}

	/** Forgets a deleted inbox's leases (its messages are dropped: nothing comes back). */
	drop(inbox: Inbox): void {
		for (const lease of [...this.leases.values()]) {
			if (lease.inbox !== inbox) continue;
			clearTimeout(lease.timer);
			this.leases.delete(lease.id);
		}
	}

	/** Every message ever queued in that inbox (or in all), acked ones too. */
	messagesOf(idOrKey?: string): InboxMessageView[] {
		this.endDue();
		const inboxes = idOrKey === undefined ? this.inboxes.all() : [this.inboxes.resolve(idOrKey)];
		return inboxes.flatMap((inbox) => inbox.messages.map(view));
	}

	/** Each inbox, with how many of its messages are available, leased and acked. */
	summaries() {
		this.endDue();
		return this.inboxes.all().map((inbox) => {
			const tally = (status: MessageStatus) => inbox.messages.filter((message) => messageStatus(message) === status).length;
			return {
				id: inbox.id,
				key: inbox.key,
				...this.inboxes.attributes(inbox),
				notification_url: inbox.notificationUrl,
				subscription: inbox.subscription,
				available: tally('available'),
				leased: tally('leased'),
				acked: tally('acked'),
			};
		});
	}

	/** A lease's end: what it still holds is available again, and the inbox is told of the redelivery. */
	private end(lease: Lease): void {
		clearTimeout(lease.timer);
		this.leases.delete(lease.id);
		let back = 0;
		for (const entry of lease.messages.values()) {
			if (entry.outcome !== 'held' || entry.message.lease !== lease) continue;
			entry.message.lease = undefined;
			back++;
		}
		if (lease.inbox.deletedAt === undefined) this.notifier.notify(lease.inbox, back, true);
	}

	/** Ends the leases whose time is up (their timers may not have fired yet). */
	private endDue(): void {
		const now = Date.now();
		for (const lease of [...this.leases.values()]) if (now >= lease.until) this.end(lease);
	}

	private lease(request: Request, inbox: Inbox): Answer {
		const parsed = jsonBody(request);
		if ('problem' in parsed) return reply(400, invalid(parsed.problem));
		const limit = wholeNumber(parsed.body, 'lease_limit', 1, 100, 10);
		if (typeof limit === 'string') return reply(400, invalid(limit));
		const seconds = wholeNumber(parsed.body, 'lease_seconds', 1, 3_600, 300);
		if (typeof seconds === 'string') return reply(400, invalid(seconds));
		this.endDue();
		const attributes = this.inboxes.attributes(inbox);
		if (!COLLECTING.includes(attributes.status)) {
			const detail = `The inbox "${inbox.id}" is ${attributes.status}: messages can be leased once it is active.`;
			return reply(409, inboxError(409, 'inbox_not_active', 'Inbox not active', detail));
		}
		const taken = inbox.messages.filter((message) => messageStatus(message) === 'available').slice(0, limit);
		if (!taken.length && attributes.status === 'paused') {
			// Zapier's one error without `errors[]`: the SDK reads this `detail` and the reason beside it.
			return reply(409, { detail: 'Inbox is paused and fully drained', inbox_attributes: attributes });
		}
		if (!taken.length) {
			this.host.counters.inboxEmptyLeases++;
			return reply(200, { lease_id: null, leased_until: null, results: [], inbox_attributes: attributes });
		}
		const lease: Lease = { id: randomUUID(), inbox, until: Date.now() + seconds * 1000, messages: new Map() };
		for (const message of taken) {
			message.leaseCount++;
			message.lease = lease;
			lease.messages.set(message.id, { message, outcome: 'held' });
		}
		lease.timer = setTimeout(() => this.end(lease), seconds * 1000);
		this.leases.set(lease.id, lease);
		this.host.counters.inboxLeases++;
		return reply(200, {
			lease_id: lease.id,
			leased_until: new Date(lease.until).toISOString(),
			results: taken.map((message) => messageBody(message, true)),
			inbox_attributes: attributes,
		});
	}

	/**
	 * Acks (done with) or releases (back at once, lease count kept) the lease's messages: those named, or
	 * all it holds. Asking again for what was done already is answered as done; the other way round is refused.
	 */
	private settle(request: Request, inbox: Inbox, how: 'ack' | 'release'): Answer {
		const parsed = jsonBody(request);
		if ('problem' in parsed) return reply(400, invalid(parsed.problem));
		const { lease_id: leaseId, message_ids: ids } = parsed.body;
		if (typeof leaseId !== 'string' || !leaseId) return reply(400, invalid('"lease_id" is required: the ID of the lease.'));
		if (
			ids !== undefined &&
			(!Array.isArray(ids) || ids.length < 1 || ids.length > 100 || !ids.every((id) => typeof id === 'string' && id !== ''))
		) {
			return reply(400, invalid('"message_ids" must be a list of 1 to 100 message IDs (omit it for the whole lease).'));
		}
		this.endDue();
		const lease = this.leases.get(leaseId);
		if (!lease || lease.inbox !== inbox) {
			const detail = `The lease "${leaseId}" has expired (or is not this inbox's): its messages are back in the inbox.`;
			return reply(400, inboxError(400, 'lease_expired', 'Lease expired', detail));
		}
		const done = how === 'ack' ? 'acked' : 'released';
		let found = [...lease.messages.values()].filter((entry) => entry.outcome === 'held');
		if (ids !== undefined) {
			const named = [...new Set(ids as string[])];
			const strangers = named.filter((id) => !lease.messages.has(id));
			if (strangers.length) return reply(400, invalid(`"message_ids": not in lease "${leaseId}": ${strangers.join(', ')}.`));
			found = named.map((id) => lease.messages.get(id)!);
		}
		const crossed = found.filter((entry) => entry.outcome !== 'held' && entry.outcome !== done);
		if (crossed.length) {
			const names = crossed.map((entry) => `${entry.message.id} (${entry.outcome} already)`).join(', ');
			return reply(400, invalid(`"message_ids": these can no longer be ${done} through lease "${leaseId}": ${names}.`));
		}
		for (const entry of found) {
			if (entry.outcome !== 'held') continue;
			entry.outcome = done;
			entry.message.lease = undefined;
			if (how === 'ack') {
				entry.message.ackedAt = Date.now();
				this.host.counters.messagesAcked++;
			} else this.host.counters.messagesReleased++;
		}
		const results = found.map((entry) => messageBody(entry.message, false));
		return reply(200, { [how === 'ack' ? 'acked_id' : 'released_id']: lease.id, results });
	}

	/** The messages not acked, oldest first, a page by `limit`; `next` carries the cursor, as an absolute URL. */
	private list(url: URL, inbox: Inbox): Answer {
		this.endDue();
		const query = url.searchParams;
		const most = this.host.config.sdkPageSize;
		const asked = Number(query.get('limit') ?? most);
		const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, most) : most;
		const cursor = query.get('cursor');
		const after = cursor === null || cursor === '' ? 0 : Number(seqOfCursor(cursor) ?? NaN);
		if (Number.isNaN(after)) return reply(400, invalid('"cursor" is not one this API gave: send the one in "next".'));
		const open = inbox.messages.filter((message) => message.ackedAt === undefined && message.seq > after);
		const page = open.slice(0, limit);
		let next: string | null = null;
		if (open.length > limit) {
			const target = new URL(`${this.host.url}${url.pathname}${url.search}`);
			target.searchParams.set('cursor', cursorOf(page[page.length - 1].seq));
			next = target.toString();
		}
		return reply(200, { next, previous: null, results: page.map((message) => messageBody(message, true)) });
	}
}

/** A message as the API writes it; ack and release answers leave the payload out. */
function messageBody(message: Message, withPayload: boolean) {
	return {
		id: message.id,
		created_at: message.createdAt,
		status: messageStatus(message),
		message_attributes: { lease_count: message.leaseCount, error_message: null, possible_duplicate_data: message.duplicate },
		...(withPayload ? { payload: message.payload } : {}),
	};
}

/** The body's whole number `field` within bounds (`fallback` when absent), or what is wrong with it. */
function wholeNumber(body: Record<string, unknown>, field: string, min: number, max: number, fallback: number): number | string {
	const value = body[field];
	if (value === undefined) return fallback;
	if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
	return `"${field}" must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}.`;
}

/**
 * The Trigger Inbox's records, shared by the inboxes (inbox.ts), the events queued in them
 * (inboxEvents.ts), their leases (inboxMessages.ts) and the notifications (inboxNotifications.ts):
 * what an inbox, a message and a lease hold, the API's error bodies, and its clock.
 */
import type { Request } from './http';

/** What an inbox watches, as it was asked for (the app key resolved to its version). */
export interface Subscription {
	app_key: string;
	action_key: string;
	inputs: Record<string, unknown>;
	connection_id: number | string | null;
}

export interface Inbox {
	id: string;
	createdAt: number;
	key: string | null;
	notificationUrl: string | null;
	subscription: Subscription;
	/** When initialising ends, and how: null for `active`, else the paused_reason of its failure. */
	readyAt: number;
	failure: string | null;
	/** Why it is paused (`user`, or Zapier's reason), or null. */
	pausedFor: string | null;
	/** When it was deleted: it reads as `deleting` for `inboxDeleteMs`, then is gone. */
	deletedAt?: number;
	/** Every message it ever queued, oldest first, acked ones too (deletion drops them). */
	messages: Message[];
}

export interface Message {
	id: string;
	/** Global order of events: the default payload's number, and the list's cursor. */
	seq: number;
	createdAt: string;
	payload: Record<string, unknown>;
	leaseCount: number;
	duplicate: boolean;
	/** The lease holding it now, if any. */
	lease?: Lease;
	ackedAt?: number;
}

export interface Lease {
	id: string;
	inbox: Inbox;
	until: number;
	/** Every message it took, by ID, and what became of each: held, or settled by an ack or a release. */
	messages: Map<string, { message: Message; outcome: 'held' | 'acked' | 'released' }>;
	timer?: NodeJS.Timeout;
}

export type MessageStatus = 'available' | 'leased' | 'acked';

export const messageStatus = (message: Message): MessageStatus =>
	message.ackedAt !== undefined ? 'acked' : message.lease ? 'leased' : 'available';

/** A message as the sandbox's methods tell of it. */
export interface InboxMessageView {
	id: string;
	payload: Record<string, unknown>;
	lease_count: number;
	status: MessageStatus;
	ackedAt?: number;
}

export function view(message: Message): InboxMessageView {
	return {
		id: message.id,
		payload: message.payload,
		lease_count: message.leaseCount,
		status: messageStatus(message),
		...(message.ackedAt !== undefined ? { ackedAt: message.ackedAt } : {}),
	};
}

/** The statuses in which an inbox takes events and leases: a paused one drops new events, and is drained. */
export const COLLECTING = ['active', 'paused'];

/**
 * The inbox API's error body. All of code, title and detail are always there: the SDK keeps an
 * error's `code` (such as `lease_expired`) only when the first error has all three.
 */
export const inboxError = (status: number, code: string, title: string, detail: string) => ({
	errors: [{ code, title, detail, status }],
});

/**
 * What a route answers, worked out before it is sent: a committing fault (the request reached Zapier,
 * its answer was lost) does the request's work, and the answer is then not sent, or sent late.
 */
export interface Answer {
	status: number;
	body: unknown;
}

export const reply = (status: number, body: unknown): Answer => ({ status, body });

export const notFound = (id: string) => inboxError(404, 'not_found', 'Not found', `No inbox "${id}".`);
export const invalid = (detail: string) => inboxError(400, 'invalid', 'Bad request', detail);

/** The JSON object a request sent (none at all reads as `{}`), or the detail of a 400. */
export function jsonBody({ req, raw }: Request): { body: Record<string, unknown> } | { problem: string } {
	if (!raw.trim()) return { body: {} };
	if (!req.headers['content-type']?.includes('application/json')) return { problem: 'Send the body as application/json.' };
	let body: unknown;
	try {
		body = JSON.parse(raw);
	} catch {
		return { problem: 'The body is not valid JSON.' };
	}
	if (!body || typeof body !== 'object' || Array.isArray(body)) return { problem: 'Send a JSON object.' };
	return { body: body as Record<string, unknown> };
}

/** An http(s) URL of at most 2,048 characters (Zapier wants HTTPS; the sandbox takes loopback HTTP, to be testable). */
export function isNotificationUrl(value: unknown): value is string {
	if (typeof value !== 'string' || value.length > 2_048) return false;
	try {
		return ['http:', 'https:'].includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

/** JSON with its keys in order, so that two subscriptions compare by content. */
export function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const keys = Object.keys(value).sort();
		return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/**
 * Timestamps each later than the last, in microseconds as Zapier's (Django's) are written: messages
 * are ordered by `created_at`, and many may be queued within one millisecond.
 */
export class Clock {
	private last = 0;

	next(): string {
		const micros = Math.max(Date.now() * 1000, this.last + 1);
		this.last = micros;
		return new Date(Math.floor(micros / 1000)).toISOString().replace('Z', `${String(micros % 1000).padStart(3, '0')}Z`);
	}
}

/**
 * The Trigger Inbox's answers, read into what the trigger works with. Pure: no requests. Zapier's
 * statuses and reasons are open lists, so unknown ones are kept as text; a missing field the node
 * needs is a clear error naming it.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Checked } from '../../helpers/validate';
import { isJsonObject } from '../../helpers/validate';

export interface Inbox {
	id: string;
	key: string | null;
	/** `initializing`, `active`, `paused`, `deleting`, `initialization_failure`, or another Zapier may add. */
	status: string;
	pausedReason: string | null;
	notificationUrl: string | null;
}

export interface InboxMessage {
	id: string;
	createdAt: string;
	leaseCount: number;
	possibleDuplicateData: boolean;
	payload: unknown;
}

export interface Lease {
	/** Null when there was nothing to lease. */
	leaseId: string | null;
	leasedUntil: string | null;
	messages: InboxMessage[];
	inboxStatus: string | null;
	pausedReason: string | null;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

export function inboxOf(body: IDataObject): Checked<Inbox> {
	const id = text(body.id);
	if (!id) return { ok: false, problem: 'it has no id' };
	const status = text(body.status);
	if (!status) return { ok: false, problem: `inbox ${id} has no status` };
	return {
		ok: true,
		value: {
			id,
			key: text(body.key) ?? text(body.name),
			status,
			pausedReason: text(body.paused_reason),
			notificationUrl: text(body.notification_url),
		},
	};
}

function messageOf(raw: unknown, index: number): Checked<InboxMessage> {
	if (!isJsonObject(raw)) return { ok: false, problem: `message ${index + 1} is not an object` };
	const id = text(raw.id);
	if (!id) return { ok: false, problem: `message ${index + 1} has no id` };
	const attributes = isJsonObject(raw.message_attributes) ? raw.message_attributes : {};
	const leaseCount = Number(attributes.lease_count);
	return {
		ok: true,
		value: {
			id,
			createdAt: text(raw.created_at) ?? '',
			leaseCount: Number.isInteger(leaseCount) && leaseCount > 0 ? leaseCount : 1,
			possibleDuplicateData: attributes.possible_duplicate_data === true,
			payload: raw.payload,
		},
	};
}

export function leaseOf(body: IDataObject): Checked<Lease> {
	const results = body.results ?? [];
	if (!Array.isArray(results)) return { ok: false, problem: '"results" is not a list' };
	const messages: InboxMessage[] = [];
	for (const [index, raw] of results.entries()) {
		const message = messageOf(raw, index);
		if (!message.ok) return message;
		messages.push(message.value);
	}
	const leaseId = text(body.lease_id);
	if (messages.length && !leaseId) return { ok: false, problem: `${messages.length} messages came without a lease_id` };
	const attributes = isJsonObject(body.inbox_attributes) ? body.inbox_attributes : {};
	return {
		ok: true,
		value: {
			leaseId,
			leasedUntil: text(body.leased_until),
			messages,
			inboxStatus: text(attributes.status),
			pausedReason: text(attributes.paused_reason),
		},
	};
}

/** What an error answer of the inbox API says: its errors' details, or its top-level detail. */
export function problemOf(body: IDataObject): string {
	const errors = Array.isArray(body.errors) ? body.errors.filter(isJsonObject) : [];
	const details = errors
		.map((error) => text(error.detail) ?? text(error.title) ?? text(error.code))
		.filter((detail): detail is string => !!detail);
	if (details.length) return details.join('; ');
	return text(body.detail) ?? 'no reason given';
}

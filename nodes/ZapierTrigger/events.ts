/**
 * What the trigger makes of leased messages, and how long it leases them. Pure: the delivery
 * (delivery.ts) does the requests.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { NumberBounds } from '../ZapierActions/helpers/validate';
import type { InboxMessage } from '../ZapierActions/transport/api/triggerInboxModel';

/** The most events one lease holds, and one execution gets: Zapier's own bound is 100. */
export const BATCH_SIZE: NumberBounds & { field: string } = { field: 'Batch Size', min: 1, max: 100, fallback: 25, whole: true };

/** How many handed-over message IDs are remembered per inbox to tell a redelivery from a new event. */
export const REMEMBERED_IDS = 500;

export type Redeliveries = 'drop' | 'mark';

/**
 * One item per event: the trigger's payload as the app gives it (what users map), and the message's
 * own facts under `_zapier`, so that they never collide with the payload's fields (its `id`, say).
 */
export function eventItem(message: InboxMessage, redelivered: boolean): INodeExecutionData {
	const payload: IDataObject =
		message.payload !== null && typeof message.payload === 'object' && !Array.isArray(message.payload)
			? (message.payload as IDataObject)
			: { payload: message.payload as IDataObject[] };
	const zapier: IDataObject = {
		message_id: message.id,
		created_at: message.createdAt,
		lease_count: message.leaseCount,
		possible_duplicate_data: message.possibleDuplicateData,
		...(redelivered && { redelivered: true }),
	};
	return { json: { ...payload, _zapier: zapier } };
}

export interface SortedLease {
	/** The events to hand to n8n, in Zapier's order. */
	items: INodeExecutionData[];
	/** Every leased message's ID: each is acknowledged once the items are handed over. */
	messageIds: string[];
	/** Messages already handed over before (their acknowledgement was lost): dropped, still acknowledged. */
	dropped: string[];
}

/** Sorts a lease: messages whose IDs were handed over already are redeliveries, dropped or marked. */
export function sortLease(messages: InboxMessage[], handedOver: ReadonlySet<string>, redeliveries: Redeliveries): SortedLease {
	const sorted: SortedLease = { items: [], messageIds: [], dropped: [] };
	const inLease = new Set<string>();
	for (const message of messages) {
		if (inLease.has(message.id)) continue;
		inLease.add(message.id);
		sorted.messageIds.push(message.id);
		const again = handedOver.has(message.id);
		if (again && redeliveries === 'drop') sorted.dropped.push(message.id);
		else sorted.items.push(eventItem(message, again));
	}
	return sorted;
}

/** The remembered IDs with `ids` added, oldest forgotten first beyond `limit`. */
export function remember(remembered: readonly string[], ids: readonly string[], limit = REMEMBERED_IDS): string[] {
	const fresh = ids.filter((id) => !remembered.includes(id));
	return [...remembered, ...fresh].slice(-limit);
}

/**
 * How long a lease lasts: long enough for the lease, the hand-over and the acknowledgement to be
 * answered even when each takes the credential's whole request timeout; short enough that messages
 * of a process that died come back soon. Zapier's bounds: 1 to 3,600 s.
 */
export function leaseSeconds(requestTimeoutMs: number): number {
	return Math.min(3_600, Math.max(60, Math.ceil((4 * requestTimeoutMs) / 1000)));
}

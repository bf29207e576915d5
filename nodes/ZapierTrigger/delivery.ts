/**
 * The one routine of both ways to receive: lease a batch, make its items, hand them to n8n, then
 * acknowledge. A test (the editor's Fetch Test Event) releases instead: nothing is consumed.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { triggerInbox } from '../ZapierActions/transport/api/triggerInbox';
import { connection } from '../ZapierActions/transport/request';
import type { Redeliveries } from './events';
import { leaseSeconds, remember, sortLease } from './events';
import type { InboxProblem } from './inboxStates';
import { initializationProblem, isResumable, pausedProblem } from './inboxStates';
import { inboxProblem, memoryOf } from './lifecycle';
import type { TriggerContext } from './subscription';

export interface DeliveryOptions {
	batchSize: number;
	redeliveries: Redeliveries;
	resumeWhenPaused: boolean;
	/** Lease and release: show the events without taking them. */
	test: boolean;
	/** Whether Zapier just said there are events; otherwise the inbox is looked at first, as an empty lease still costs a task. */
	notified?: boolean;
}

export type Delivery =
	| { kind: 'events'; items: INodeExecutionData[]; done: () => Promise<void> }
	| { kind: 'problem'; problem: InboxProblem }
	| { kind: 'missing' };

/** Room left before a lease ends for the acknowledgement to arrive in time. */
const LEASE_MARGIN_MS = 10_000;
/**
 * What this process remembers per inbox besides the static data: a notification's webhook writes none,
 * as n8n would save its copy over what the polls saved meanwhile.
 */
const MAX_INBOXES = 1_000;
const handedOverHere = new Map<string, string[]>();
const reportedHere = new Map<string, string>();

function bounded<T>(map: Map<string, T>, key: string, value: T): void {
	map.delete(key);
	map.set(key, value);
	if (map.size > MAX_INBOXES) map.delete(map.keys().next().value!);
}

function handedOver(ctx: TriggerContext, inboxId: string): Set<string> {
	return new Set([...(memoryOf(ctx).handedOver ?? []), ...(handedOverHere.get(inboxId) ?? [])]);
}

function rememberHandedOver(ctx: TriggerContext, inboxId: string, ids: string[], persist: boolean): void {
	const memory = memoryOf(ctx);
	if (persist) memory.handedOver = remember(memory.handedOver ?? [], ids);
	bounded(handedOverHere, inboxId, remember(handedOverHere.get(inboxId) ?? [], ids));
}

/**
 * Leases up to a batch of the inbox's events. `done()`, called as the items go to n8n, acknowledges
 * the batch (or, in a test, releases it). A lease whose acknowledgement is lost comes back: its
 * messages are then known as handed over, and dropped or marked.
 */
export async function leaseEvents(ctx: TriggerContext, inboxId: string, options: DeliveryOptions): Promise<Delivery> {
	const seconds = leaseSeconds((await connection(ctx)).timeoutMs);
	const deadline = Date.now() + seconds * 1000 - LEASE_MARGIN_MS;
	const memory = memoryOf(ctx);
	// Only polls write the static data (n8n saves it after them); a test or a notification leaves it be.
	const persist = !options.test && !options.notified;
	if (!options.notified && !memory.backlog) {
		const any = await triggerInbox.hasMessages(ctx, inboxId, deadline);
		if (any === undefined) return { kind: 'missing' };
		if (!any) return await idleInbox(ctx, inboxId, options);
	}
	let answer = await triggerInbox.lease(ctx, inboxId, options.batchSize, seconds, deadline);
	if (answer.kind === 'drained' && options.resumeWhenPaused && isResumable(answer.pausedReason)) {
		if ((await triggerInbox.resume(ctx, inboxId)).ok) answer = await triggerInbox.lease(ctx, inboxId, options.batchSize, seconds, deadline);
	}
	if (answer.kind === 'missing') return answer;
	if (answer.kind === 'drained') return { kind: 'problem', problem: pausedProblem(answer.pausedReason) };
	if (answer.kind === 'inactive') return await idleInbox(ctx, inboxId, { ...options, resumeWhenPaused: false });
	const { leaseId, messages, inboxStatus, pausedReason } = answer;
	if (!messages.length && inboxStatus === 'initialization_failure')
		return { kind: 'problem', problem: initializationProblem(pausedReason) };
	const full = messages.length >= options.batchSize;
	// Written only on a change: n8n saves the static data whenever it changes.
	if (persist && Boolean(memory.backlog) !== full) memory.backlog = full;
	if (!leaseId || !messages.length) return NOTHING;
	const sorted = sortLease(messages, handedOver(ctx, inboxId), options.redeliveries);
	const settle = async (how: 'ack' | 'release') => {
		try {
			await triggerInbox.settle(ctx, inboxId, how, leaseId, sorted.messageIds, deadline);
		} catch (error) {
			// The items are n8n's already: a lost acknowledgement only brings them back, to be dropped or marked.
			ctx.logger.warn(
				`Zapier Trigger "${ctx.getNode().name}": could not ${how} ${sorted.messageIds.length} messages: ${(error as Error).message}`,
			);
		}
	};
	return {
		kind: 'events',
		items: sorted.items,
		done: async () => {
			if (options.test) return await settle('release');
			rememberHandedOver(ctx, inboxId, sorted.messageIds, persist);
			await settle('ack');
		},
	};
}

const NOTHING: Delivery = { kind: 'events', items: [], done: async () => {} };

/** An inbox with nothing to lease: delivering nothing, or with a problem to tell, by its status. */
async function idleInbox(ctx: TriggerContext, inboxId: string, options: DeliveryOptions): Promise<Delivery> {
	const inbox = await triggerInbox.get(ctx, inboxId);
	if (!inbox || inbox.status === 'deleting') return { kind: 'missing' };
	const problem = await inboxProblem(ctx, inbox, options.resumeWhenPaused);
	return problem ? { kind: 'problem', problem } : NOTHING;
}

/** Whether this problem was reported already (in the static data, or by this process), marking it reported. */
export function isReportedAlready(ctx: TriggerContext, inboxId: string, problem: InboxProblem): boolean {
	const memory = memoryOf(ctx);
	const state = `${inboxId}|${problem.state}`;
	const already = memory.reported === state || reportedHere.get(inboxId) === state;
	memory.reported = state;
	bounded(reportedHere, inboxId, state);
	return already;
}

/** The inbox delivers again: a later problem is news. */
export function clearReported(ctx: TriggerContext, inboxId: string): void {
	const memory = memoryOf(ctx);
	if (memory.reported !== undefined) delete memory.reported;
	reportedHere.delete(inboxId);
}

/**
 * The node's inbox: made (or found again) for its current choices, waited for until Zapier says it
 * is active, and deleted when the workflow is deactivated. Which inbox the node has is kept in the
 * workflow's static data, which n8n stores with the workflow: every process reads the same.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { triggerInbox } from '../ZapierActions/transport/api/triggerInbox';
import type { Inbox } from '../ZapierActions/transport/api/triggerInboxModel';
import { pause } from '../ZapierActions/transport/timing';
import { initializationProblem, isResumable, pausedProblem } from './inboxStates';
import type { TriggerContext } from './subscription';
import { inboxKeyOf, readChoices, subscriptionOf } from './subscription';

/** How long activation waits for Zapier to set an inbox up; one still initialising then is left to the polls. */
const SETUP_WAIT_MS = 60_000;

export interface InboxRecord {
	id: string;
	key: string;
}

/** What the node keeps in the workflow's static data. */
export interface TriggerMemory extends IDataObject {
	inbox?: InboxRecord;
	/** IDs of the latest messages handed to n8n (see events.ts REMEMBERED_IDS). */
	handedOver?: string[];
	/** The problem last reported, so that it is not reported again every poll. */
	reported?: string;
	/** Whether the last lease came back full: more events are waiting, and the next poll leases without looking first. */
	backlog?: boolean;
}

export function memoryOf(ctx: TriggerContext): TriggerMemory {
	return ctx.getWorkflowStaticData('node') as TriggerMemory;
}

/** The remembered inbox, when it was made for the node's current choices. */
export function rememberedInbox(ctx: TriggerContext): InboxRecord | undefined {
	const remembered = memoryOf(ctx).inbox;
	return remembered?.key === inboxKeyOf(ctx, readChoices(ctx)) ? remembered : undefined;
}

export function problemError(ctx: TriggerContext, problem: { message: string; description: string }): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), problem.message, { description: problem.description });
}

async function settledInbox(ctx: TriggerContext, inbox: Inbox): Promise<Inbox> {
	const until = Date.now() + SETUP_WAIT_MS;
	let current = inbox;
	for (let waitMs = 250; current.status === 'initializing' && Date.now() + waitMs < until; waitMs = Math.min(waitMs * 2, 4_000)) {
		await pause(ctx, waitMs);
		current = (await triggerInbox.get(ctx, current.id)) ?? { ...current, status: 'deleting' };
	}
	return current;
}

/**
 * Ensures the inbox of the node's current choices and waits until Zapier has set it up. A failed
 * set-up, or a pause the node may not lift, is the error; the inbox of earlier choices is deleted.
 * `notificationUrl`: where Zapier tells of new events (null: nowhere); undefined leaves it as it is.
 */
export async function ensureInbox(
	ctx: TriggerContext,
	options: { notificationUrl?: string | null; resumeWhenPaused: boolean },
): Promise<InboxRecord> {
	const choices = readChoices(ctx);
	const key = inboxKeyOf(ctx, choices);
	let inbox = await triggerInbox.ensure(ctx, key, await subscriptionOf(ctx, choices));
	if (options.notificationUrl !== undefined && inbox.notificationUrl !== options.notificationUrl) {
		inbox = await triggerInbox.setNotificationUrl(ctx, inbox.id, options.notificationUrl);
	}
	inbox = await settledInbox(ctx, inbox);
	if (inbox.status === 'initialization_failure') throw problemError(ctx, initializationProblem(inbox.pausedReason));
	if (inbox.status === 'deleting') {
		throw new NodeOperationError(ctx.getNode(), 'Zapier is deleting the inbox of this trigger', {
			description: 'It was deleted while being set up. Try again in a minute.',
		});
	}
	if (inbox.status === 'paused') {
		const resumed = options.resumeWhenPaused && isResumable(inbox.pausedReason) && (await triggerInbox.resume(ctx, inbox.id)).ok;
		if (!resumed) throw problemError(ctx, pausedProblem(inbox.pausedReason));
	}
	const memory = memoryOf(ctx);
	const earlier = memory.inbox;
	memory.inbox = { id: inbox.id, key };
	if (earlier && earlier.id !== inbox.id) await triggerInbox.remove(ctx, earlier.id);
	return memory.inbox;
}

/** Deletes the node's inbox (the remembered one, else the one of its current choices), so that no events pile up unread. */
export async function deleteInbox(ctx: TriggerContext): Promise<void> {
	const memory = memoryOf(ctx);
	const id = memory.inbox?.id ?? (await triggerInbox.find(ctx, inboxKeyOf(ctx, readChoices(ctx))))?.id;
	if (id) await triggerInbox.remove(ctx, id);
	delete memory.inbox;
	delete memory.reported;
}

/** Whether the remembered inbox still serves the node's current choices, telling Zapier's news to `notificationUrl`. */
export async function inboxIsCurrent(ctx: TriggerContext, notificationUrl: string | null): Promise<boolean> {
	const remembered = rememberedInbox(ctx);
	if (!remembered) return false;
	const inbox = await triggerInbox.get(ctx, remembered.id);
	return inbox !== undefined && inbox.status === 'active' && inbox.notificationUrl === notificationUrl;
}

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
import type { InboxProblem } from './inboxStates';
import { initializationProblem, isResumable, pausedProblem } from './inboxStates';
import type { TriggerChoices, TriggerContext } from './subscription';
import { inboxKeyOf, nodeKeyPrefix, readChoices, subscriptionOf } from './subscription';

/** How long activation waits for Zapier to set an inbox up; one still initialising then is left to the polls. */
const SETUP_WAIT_MS = 60_000;

export interface InboxRecord {
	id: string;
	key: string;
}

/** What the node keeps in the workflow's static data. */
export interface TriggerMemory extends IDataObject {
	inbox?: InboxRecord;
	/** Where the inbox tells of new events, as activation set it: a poll that has to make the inbox again sets it too. */
	notificationUrl?: string | null;
	/** IDs of the latest messages handed to n8n by polls (see events.ts REMEMBERED_IDS). */
	handedOver?: string[];
	/** The problem last reported, so that it is not reported again every poll. */
	reported?: string;
	/** Whether the last lease came back full: more events are waiting, and the next poll leases without looking first. */
	backlog?: boolean;
}

export function memoryOf(ctx: TriggerContext): TriggerMemory {
	return ctx.getWorkflowStaticData('node') as TriggerMemory;
}

/** Remembers the inbox; what was remembered of another one no longer applies. */
function rememberInbox(memory: TriggerMemory, inbox: InboxRecord): void {
	if (memory.inbox?.id === inbox.id) return;
	for (const stale of ['handedOver', 'backlog', 'reported'] as const) if (memory[stale] !== undefined) delete memory[stale];
	memory.inbox = inbox;
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

/** The inbox of `key`: made if there is none; the one there is when the key is taken (the app's version moved on since it was made). */
async function inboxOfKey(ctx: TriggerContext, key: string, choices: TriggerChoices): Promise<Inbox> {
	const ensured = await triggerInbox.ensure(ctx, key, await subscriptionOf(ctx, choices));
	if (!('conflict' in ensured)) return ensured;
	const taken = await triggerInbox.find(ctx, key);
	if (taken) return taken;
	throw new NodeOperationError(ctx.getNode(), `Zapier refused the inbox "${key}": ${ensured.conflict}`, {
		description: 'Zapier has another inbox under this key. Delete it in Zapier, then try again.',
	});
}

export interface EnsuredInbox {
	inbox: InboxRecord;
	/** Why it delivers nothing: a failed set-up, or a pause the node may not lift. */
	problem?: InboxProblem;
	/** Whether it is the inbox the node had already (not made or found just now). */
	known: boolean;
}

/**
 * Ensures the inbox of the node's current choices and waits until Zapier has set it up; the node's
 * inboxes of earlier choices are deleted. A test (Fetch Test Event) changes nothing of the workflow's:
 * it neither remembers the inbox nor deletes any.
 * `notificationUrl`: where Zapier tells of new events (null: nowhere); undefined keeps what activation set.
 */
export async function ensureInbox(
	ctx: TriggerContext,
	options: { notificationUrl?: string | null; resumeWhenPaused: boolean; test: boolean },
): Promise<EnsuredInbox> {
	const memory = memoryOf(ctx);
	const choices = readChoices(ctx);
	const key = inboxKeyOf(ctx, choices);
	let inbox = await inboxOfKey(ctx, key, choices);
	const url = options.test ? undefined : options.notificationUrl === undefined ? memory.notificationUrl : options.notificationUrl;
	if (url !== undefined && inbox.notificationUrl !== url) inbox = await triggerInbox.setNotificationUrl(ctx, inbox.id, url);
	inbox = await settledInbox(ctx, inbox);
	if (inbox.status === 'deleting') {
		throw new NodeOperationError(ctx.getNode(), 'Zapier is deleting the inbox of this trigger', {
			description: 'It was deleted while being set up. Try again in a minute.',
		});
	}
	const record = { id: inbox.id, key };
	const known = memory.inbox?.id === inbox.id;
	if (!options.test) {
		rememberInbox(memory, record);
		if (options.notificationUrl !== undefined) memory.notificationUrl = options.notificationUrl;
		for (const earlier of await triggerInbox.withKeyPrefix(ctx, nodeKeyPrefix(ctx))) {
			if (earlier.id !== inbox.id && earlier.status !== 'deleting') await triggerInbox.remove(ctx, earlier.id);
		}
	}
	const problem = await inboxProblem(ctx, inbox, options.resumeWhenPaused);
	return problem ? { inbox: record, known, problem } : { inbox: record, known };
}

/**
 * Why an inbox delivers nothing, by its status: a failed set-up, or a pause the node may not (or
 * cannot) lift; a pause it may lift is lifted. Undefined when it delivers.
 */
export async function inboxProblem(ctx: TriggerContext, inbox: Inbox, resumeWhenPaused: boolean): Promise<InboxProblem | undefined> {
	if (inbox.status === 'initialization_failure') return initializationProblem(inbox.pausedReason);
	if (inbox.status !== 'paused') return undefined;
	if (resumeWhenPaused && isResumable(inbox.pausedReason) && (await triggerInbox.resume(ctx, inbox.id)).ok) return undefined;
	return pausedProblem(inbox.pausedReason);
}

/** Deletes every inbox of the node (of its current and any earlier choices), so that no events pile up unread. */
export async function deleteInboxes(ctx: TriggerContext): Promise<void> {
	for (const inbox of await triggerInbox.withKeyPrefix(ctx, nodeKeyPrefix(ctx))) {
		if (inbox.status !== 'deleting') await triggerInbox.remove(ctx, inbox.id);
	}
	const memory = memoryOf(ctx);
	for (const forgotten of ['inbox', 'notificationUrl', 'handedOver', 'backlog', 'reported'] as const) {
		if (memory[forgotten] !== undefined) delete memory[forgotten];
	}
}

/**
 * Whether the node's remembered inbox still serves its current choices, telling Zapier's news to
 * `notificationUrl`. When Zapier cannot be asked, it is taken to: n8n deletes the webhook's inbox
 * (and the events it keeps) when this fails, so an outage at n8n's start must not.
 */
export async function inboxIsCurrent(ctx: TriggerContext, notificationUrl: string | null): Promise<boolean> {
	const remembered = rememberedInbox(ctx);
	if (!remembered) return false;
	let inbox: Inbox | undefined;
	try {
		inbox = await triggerInbox.get(ctx, remembered.id);
	} catch (error) {
		ctx.logger.warn(`Zapier Trigger "${ctx.getNode().name}": could not look at its inbox, kept as it is: ${(error as Error).message}`);
		return true;
	}
	return inbox !== undefined && !['deleting', 'initialization_failure'].includes(inbox.status) && inbox.notificationUrl === notificationUrl;
}

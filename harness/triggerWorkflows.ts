/**
 * Published workflows that start on a Zapier app's trigger (the Zapier Trigger, Mailer's New Email):
 * one polls, one is pushed to by Zapier's notifications. Each item is reported to a capture server,
 * so that a test sees every event each execution got.
 */
import triggerExample from '../examples/start-on-a-zapier-trigger.json';
import type { WorkflowImport } from './n8n';
import { CLIENT_CREDENTIAL } from './stack';
import type { WorkflowNode } from './workflowParts';
import { chain, nodeIds, reportNode } from './workflowParts';

export const POLL_WORKFLOW_ID = 'e2eZtPoll0000000';
export const PUSH_WORKFLOW_ID = 'e2eZtPush0000000';
export const PUSH_WEBHOOK_ID = '00000000-0000-4000-7000-00000000e001';
/** Never published: opened in the editor, where Fetch Test Event runs its poll. */
export const EDITOR_WORKFLOW_ID = 'e2eZtEditor00000';

const id = nodeIds('7000');
const exampleTrigger = triggerExample.nodes[0];

const zapierTrigger = (parameters: Record<string, unknown>, webhookId = id()): WorkflowNode => ({
	...structuredClone(exampleTrigger),
	id: id(),
	webhookId,
	parameters: { ...structuredClone(exampleTrigger.parameters), ...parameters },
	credentials: { zapierClientCredentialsApi: CLIENT_CREDENTIAL },
});

/** One request per item, with the item. */
const report = (url: string) => reportNode(id, url);

/** The inbox key prefix of a workflow's Zapier Trigger. */
export const inboxKeyPrefix = (workflowId: string) => `n8n-${workflowId}-`;

export function triggerWorkflows(captureUrl: string): WorkflowImport[] {
	return [
		// Every minute, n8n's shortest; a batch holds a test's 50 events.
		chain(POLL_WORKFLOW_ID, 'E2E: Zapier Trigger, polling', [
			zapierTrigger({ receive: 'poll', pollTimes: { item: [{ mode: 'everyMinute' }] }, options: { batchSize: 50 } }),
			report(`${captureUrl}/poll`),
		]),
		// Pushed: the schedule, the safety net, only hourly.
		chain(PUSH_WORKFLOW_ID, "E2E: Zapier Trigger, pushed by Zapier's notifications", [
			zapierTrigger({ receive: 'push', pollTimes: { item: [{ mode: 'everyHour', minute: 0 }] } }, PUSH_WEBHOOK_ID),
			report(`${captureUrl}/push`),
		]),
		{ ...chain(EDITOR_WORKFLOW_ID, 'E2E: Zapier Trigger in the editor', [zapierTrigger({ receive: 'poll' })]), publish: false },
	];
}

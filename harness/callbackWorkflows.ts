/**
 * Workflows around Zapier's callbacks: one starts runs that call back, the Zapier Action Run Trigger
 * receives them, and one waits for them. Each passes what it got to a capture server, so that a test
 * sees what every execution produced, and that an execution started at all.
 */
import type { WorkflowImport } from './n8n';
import { NODE_TYPE, PACKAGE_NAME } from './n8n';
import { CLIENT_CREDENTIAL, CREDENTIAL } from './stack';
import { CONNECT_BY, connectedWith, SDK_SEND_EMAIL } from './connectBy';
import type { WorkflowNode } from './workflowParts';
import { chain, nodeIds, splitOutNode, webhookNode, reportNode } from './workflowParts';

export const TRIGGER_WEBHOOK_ID = '00000000-0000-4000-8000-0000000c0001';
export const MARKING_TRIGGER_WEBHOOK_ID = '00000000-0000-4000-8000-0000000c0002';
/** A trigger that takes any run of the credential's account, reading each. */
export const ACCOUNT_TRIGGER_WEBHOOK_ID = '00000000-0000-4000-8000-0000000c0003';
export const triggerUrl = (n8nUrl: string, webhookId = TRIGGER_WEBHOOK_ID) => `${n8nUrl}/webhook/${webhookId}/zapier-action-runs`;

const id = nodeIds('c000');
const webhook = (path: string, responseMode: 'lastNode' | 'onReceived') => webhookNode(id, path, responseMode);

/** The imported credential of the kind the suite connects with (ZAPIER_CONNECT_BY). */
const connected = connectedWith(CONNECT_BY, CONNECT_BY === 'clientCredentials' ? CLIENT_CREDENTIAL : CREDENTIAL);
const action = CONNECT_BY === 'clientCredentials' ? SDK_SEND_EMAIL : 'core:x';

const zapierRun = (parameters: Record<string, unknown>): WorkflowNode => ({
	id: id(),
	name: 'Run',
	type: NODE_TYPE,
	typeVersion: 1,
	position: [0, 0],
	parameters: {
		resource: 'actionRun',
		operation: 'run',
		action,
		inputsMode: 'json',
		inputs: '={{ $json }}',
		...connected.parameters,
		...parameters,
	},
	credentials: connected.credentials,
});

const trigger = (webhookId: string, options: Record<string, unknown>, accept = 'proven'): WorkflowNode => ({
	id: id(),
	name: 'Zapier Action Run Trigger',
	type: `${PACKAGE_NAME}.zapierActionRunTrigger`,
	typeVersion: 1,
	position: [0, 0],
	webhookId,
	parameters: { accept, options, ...connected.parameters },
	credentials: connected.credentials,
});

const allItems: WorkflowNode = {
	id: id(),
	name: 'All Items',
	type: 'n8n-nodes-base.aggregate',
	typeVersion: 1,
	position: [0, 0],
	parameters: { aggregate: 'aggregateAllItemData', destinationFieldName: 'items', options: {} },
};

const report = (url: string) => reportNode(id, url);

/** `keysUrl`: the sandbox's JWKS. `captureUrl`: where each execution reports what it produced. */
export function callbackWorkflows(keysUrl: string, captureUrl: string): WorkflowImport[] {
	return [
		chain('e2eCbStartRuns00', 'E2E: start runs that call back', [
			webhook('e2e-cb-start', 'lastNode'),
			splitOutNode(id, 'body.items'),
			zapierRun({ waitForCompletion: false, options: { callbackUrl: "={{ $('Webhook').item.json.body.callbackUrl }}" } }),
		]),
		chain('e2eCbTrigger0000', 'E2E: finished runs, redeliveries dropped', [
			trigger(TRIGGER_WEBHOOK_ID, { keysUrl }),
			report(`${captureUrl}/trigger`),
		]),
		chain('e2eCbTriggerMark', 'E2E: finished runs, redeliveries marked', [
			trigger(MARKING_TRIGGER_WEBHOOK_ID, { keysUrl, redeliveries: 'mark' }),
			report(`${captureUrl}/trigger-marked`),
		]),
		chain('e2eCbTriggerAcct', "E2E: finished runs of the credential's account", [
			trigger(ACCOUNT_TRIGGER_WEBHOOK_ID, { keysUrl }, 'account'),
			report(`${captureUrl}/trigger-account`),
		]),
		chain('e2eCbWait0000000', "E2E: wait by Zapier's callback", [
			webhook('e2e-cb-wait', 'onReceived'),
			splitOutNode(id, 'body.items'),
			zapierRun({ waitBy: 'callback', options: { timeout: "={{ $('Webhook').item.json.body.timeout }}" } }),
			allItems,
			report(`${captureUrl}/resumed`),
		]),
	];
}

/**
 * The trigger's choices (app, trigger, connection, inputs) read into the inbox that serves them: its
 * key, derived from the workflow, the node and those choices (so reactivating reuses it and a change
 * makes another), and the subscription Zapier is asked for.
 */
import { createHash } from 'node:crypto';

import type { IDataObject, IHookFunctions, IPollFunctions, IWebhookFunctions, ResourceMapperValue } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { mappedInputs } from '../ZapierActions/helpers/fields';
import type { Locator } from '../ZapierActions/helpers/locators';
import { checkAuthentication, readLocator } from '../ZapierActions/helpers/locators';
import type { Checked } from '../ZapierActions/helpers/validate';
import { checkId } from '../ZapierActions/helpers/validate';
import { connectionId, sdkApi } from '../ZapierActions/transport/api/sdk';
import { decodeActionRef } from '../ZapierActions/transport/api/sdkModel';
import type { Subscription } from '../ZapierActions/transport/api/triggerInbox';

export type TriggerContext = IPollFunctions | IHookFunctions | IWebhookFunctions;

export interface TriggerChoices {
	app: string;
	trigger: Locator;
	connection: string | null;
	inputs: IDataObject;
}

/** Zapier's bound on an inbox key. */
const MAX_KEY_LENGTH = 100;
const HASH_LENGTH = 16;

function refuse(ctx: TriggerContext, field: string, problem: string): never {
	throw new NodeOperationError(ctx.getNode(), `${field} ${problem}`, {
		description: `Nothing was asked of Zapier. Fix the "${field}" field of the trigger.`,
	});
}

function need<T>(ctx: TriggerContext, field: string, result: Checked<T>): T {
	return result.ok ? result.value : refuse(ctx, field, result.problem);
}

export function readChoices(ctx: TriggerContext): TriggerChoices {
	const app = need(ctx, 'App', checkId(ctx.getNodeParameter('app', '', { extractValue: true })));
	const trigger = readLocator(ctx.getNodeParameter('action', ''));
	if (!trigger.value) refuse(ctx, 'Trigger', 'is required: pick one from the list');
	const connection = need(ctx, 'Connection', checkAuthentication(ctx.getNodeParameter('authenticationId', '')));
	const mapped = ctx.getNodeParameter('inputFields', null) as ResourceMapperValue | null;
	const inputs = need(ctx, 'Input Fields', mappedInputs(mapped?.value, mapped?.schema));
	return { app, trigger, connection, inputs };
}

/** JSON with keys in order, so that the same choices always hash the same. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object') {
		const entries = Object.entries(value as IDataObject).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${canonical(inner)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** How every inbox key of a workflow's node starts: `n8n-<workflow>-<node>-`, hashed when the IDs would leave too little room. */
export function inboxKeyPrefix(workflowId: string, nodeId: string): string {
	const prefix = `n8n-${workflowId}-${nodeId}-`;
	return prefix.length + HASH_LENGTH <= MAX_KEY_LENGTH ? prefix : `n8n-${sha256(`${workflowId}|${nodeId}`).slice(0, 40)}-`;
}

/** The node's prefix and a hash of its choices: the same choices always name the same inbox. */
export function inboxKey(workflowId: string, nodeId: string, choices: TriggerChoices): string {
	const hash = sha256(canonical({ ...choices, trigger: choices.trigger.value, by: choices.trigger.mode })).slice(0, HASH_LENGTH);
	return `${inboxKeyPrefix(workflowId, nodeId)}${hash}`;
}

export function nodeKeyPrefix(ctx: TriggerContext): string {
	return inboxKeyPrefix(ctx.getWorkflow().id ?? 'unsaved', ctx.getNode().id);
}

export function inboxKeyOf(ctx: TriggerContext, choices: TriggerChoices): string {
	return inboxKey(ctx.getWorkflow().id ?? 'unsaved', ctx.getNode().id, choices);
}

/** What Zapier is asked to watch: the app's current version for a trigger picked from the list, the version in the ID otherwise. */
export async function subscriptionOf(ctx: TriggerContext, choices: TriggerChoices): Promise<Subscription> {
	const base = { inputs: choices.inputs, connection_id: connectionId(choices.connection) ?? null };
	if (choices.trigger.mode !== 'list') {
		const ref = decodeActionRef(choices.trigger.value);
		if (!ref) refuse(ctx, 'Trigger', `"${choices.trigger.value}" is not an ID of Action → Get Many (app@version|type|key|id)`);
		return { ...base, app_key: ref.selectedApi, action_key: ref.key };
	}
	const app = await sdkApi.app(ctx, choices.app);
	if (!app) refuse(ctx, 'App', `"${choices.app}" is not an app Zapier offers`);
	return { ...base, app_key: String(app.selected_api), action_key: choices.trigger.value };
}

import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { appLocator, authenticationLocator, inputFieldsMapper, triggerLocator } from '../ZapierActions/actions/common.descriptions';
import { checkBoundedNumber } from '../ZapierActions/helpers/validate';
import { getInputFields } from '../ZapierActions/methods/resourceMapping';
import { searchApps, searchAuthentications, searchTriggers } from '../ZapierActions/methods/listSearch';
import { CREDENTIAL_KINDS } from '../ZapierActions/transport/credentialKinds';
import { apiBase } from '../ZapierActions/transport/request';
import { checkCallbackUrl, isZapierApi } from '../ZapierActions/transport/url';
import type { Delivery, DeliveryOptions } from './delivery';
import { clearReported, isReportedAlready, leaseEvents } from './delivery';
import type { Redeliveries } from './events';
import { BATCH_SIZE } from './events';
import type { EnsuredInbox } from './lifecycle';
import { deleteInboxes, ensureInbox, inboxIsCurrent, memoryOf, problemError, rememberedInbox } from './lifecycle';
import type { TriggerContext } from './subscription';

type Receive = 'poll' | 'push';

function deliveryOptions(ctx: TriggerContext, test: boolean): DeliveryOptions {
	const options = ctx.getNodeParameter('options', {}) as IDataObject;
	const batchSize = checkBoundedNumber(options.batchSize, BATCH_SIZE);
	if (!batchSize.ok) {
		throw new NodeOperationError(ctx.getNode(), `Batch Size ${batchSize.problem}`, {
			description: 'Fix the option Batch Size of the trigger.',
		});
	}
	return {
		batchSize: batchSize.value,
		redeliveries: options.redeliveries === 'mark' ? 'mark' : ('drop' satisfies Redeliveries),
		resumeWhenPaused: options.resumeWhenPaused === true,
		test,
	};
}

/** Where Zapier tells of new events: the node's webhook for Push (a URL Zapier can reach), nowhere for Poll. */
async function notificationUrl(ctx: IHookFunctions): Promise<string | null> {
	if ((ctx.getNodeParameter('receive', 'poll') as Receive) !== 'push') return null;
	const url = checkCallbackUrl(ctx.getNodeWebhookUrl('default') ?? '', isZapierApi(await apiBase(ctx)));
	if (url.ok) return url.value;
	throw new NodeOperationError(ctx.getNode(), `Zapier cannot notify this trigger: its webhook URL ${url.problem}`, {
		description: "Set n8n's WEBHOOK_URL to the public HTTPS address Zapier can reach, or choose Receive: Poll.",
	});
}

/** The inbox to lease from: the one made on activation, else (a test, or an n8n that gives polls no activation) ensured now. */
async function inboxToLease(ctx: IPollFunctions, options: DeliveryOptions): Promise<EnsuredInbox> {
	const remembered = options.test ? undefined : rememberedInbox(ctx);
	if (remembered) return { inbox: remembered, known: true };
	return await ensureInbox(ctx, { resumeWhenPaused: options.resumeWhenPaused, test: options.test });
}

export class ZapierTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zapier Trigger',
		name: 'zapierTrigger',
		icon: { light: 'file:zapier.svg', dark: 'file:zapier.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["action"].cachedResultName || $parameter["action"].value}}',
		description: "Starts the workflow on any Zapier app's trigger, through Zapier's Trigger Inbox",
		defaults: { name: 'Zapier Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_KINDS.clientCredentials.type, required: true }],
		polling: true,
		// Only an active workflow has the webhook: n8n then makes and deletes the inbox with it, and Zapier's
		// notifications arrive there; a test in the editor (never active) runs the poll instead.
		webhooks: [
			{ name: 'default', httpMethod: '={{$workflow.active ? "POST" : ""}}', responseMode: 'onReceived', path: 'inbox', ndvHideUrl: true },
		],
		properties: [
			{
				displayName:
					'Zapier watches the app for this trigger and keeps each event in an inbox of yours until n8n takes it. Activating the workflow makes the inbox; deactivating deletes it. Each lease of events uses one Zapier task.',
				name: 'usage',
				type: 'notice',
				default: '',
			},
			{ ...appLocator, required: true, description: 'The Zapier app whose trigger starts this workflow' },
			triggerLocator,
			{
				...authenticationLocator,
				description: 'The connected account in Zapier the trigger watches. Leave empty for apps that need no account.',
			},
			inputFieldsMapper,
			{
				displayName: 'Receive',
				name: 'receive',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Poll',
						value: 'poll',
						description: 'Asks Zapier for new events on the Poll Times schedule below. Works behind NAT and firewalls.',
					},
					{
						name: 'Push',
						value: 'push',
						description:
							"Zapier notifies this trigger's webhook when events arrive, and they are taken at once; the schedule still collects anything a notification missed. Needs n8n reachable from the internet (WEBHOOK_URL).",
					},
				],
				default: 'poll',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Batch Size',
						name: 'batchSize',
						type: 'number',
						typeOptions: { minValue: BATCH_SIZE.min, maxValue: BATCH_SIZE.max, numberPrecision: 0 },
						default: 25,
						description: 'The most events one execution gets; more wait for the next poll or notification',
					},
					{
						displayName: 'Redeliveries',
						name: 'redeliveries',
						type: 'options',
						options: [
							{ name: 'Drop', value: 'drop', description: 'An event n8n already got starts nothing' },
							{
								name: 'Output Marked',
								value: 'mark',
								description: 'An event n8n already got comes out again with _zapier.redelivered: true',
							},
						],
						default: 'drop',
						description:
							'What to do with an event Zapier delivers again because its acknowledgement was lost. The latest 500 events are remembered.',
					},
					{
						displayName: 'Resume When Paused',
						name: 'resumeWhenPaused',
						type: 'boolean',
						default: false,
						description:
							'Whether to resume the inbox when Zapier has paused it for a reason that resuming can cure (paused by a user, abandoned, app failures). Otherwise the pause is reported once, with what to do.',
					},
				],
			},
		],
	};

	methods = {
		listSearch: { searchApps, searchTriggers, searchAuthentications },
		resourceMapping: { getInputFields },
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await inboxIsCurrent(this, await notificationUrl(this));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const { resumeWhenPaused } = deliveryOptions(this, false);
				const ensured = await ensureInbox(this, { notificationUrl: await notificationUrl(this), resumeWhenPaused, test: false });
				// A failed activation makes n8n delete the inbox: a pause of one that keeps events is left for the polls to tell.
				if (ensured.problem && (!ensured.known || ensured.problem.state.startsWith('initialization_failure'))) {
					throw problemError(this, ensured.problem);
				}
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				await deleteInboxes(this);
				return true;
			},
		},
	};

	/** Zapier's news of events in the inbox: take a batch at once. */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const inbox = memoryOf(this).inbox;
		const news = this.getBodyData() as IDataObject;
		// Only the inbox's own news costs a lease: anything else is answered and forgotten.
		const about = typeof news.inbox_id === 'string' ? news.inbox_id.toLowerCase() : undefined;
		if (!inbox || about !== inbox.id.toLowerCase() || (this.getNodeParameter('receive', 'poll') as Receive) !== 'push') {
			return { webhookResponse: { received: true, leased: 0 } };
		}
		const delivery = await leaseEvents(this, inbox.id, { ...deliveryOptions(this, false), notified: true });
		if (delivery.kind !== 'events') return { webhookResponse: { received: true, leased: 0 } };
		await delivery.done();
		return delivery.items.length ? { workflowData: [delivery.items] } : { webhookResponse: { received: true, leased: 0 } };
	}

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const test = this.getMode() === 'manual';
		const options = deliveryOptions(this, test);
		let ensured = await inboxToLease(this, options);
		let delivery: Delivery = ensured.problem
			? { kind: 'problem', problem: ensured.problem }
			: await leaseEvents(this, ensured.inbox.id, options);
		if (delivery.kind === 'missing') {
			// Deleted in Zapier (or by another n8n): made again, as activation would.
			ensured = await ensureInbox(this, { resumeWhenPaused: options.resumeWhenPaused, test });
			delivery = ensured.problem ? { kind: 'problem', problem: ensured.problem } : await leaseEvents(this, ensured.inbox.id, options);
		}
		if (delivery.kind === 'missing') {
			throw new NodeOperationError(this.getNode(), 'Zapier deleted the inbox of this trigger as soon as it was made', {
				description:
					'Something in Zapier deletes it (another tool with these client credentials?). Check the inboxes in Zapier, then poll again.',
			});
		}
		if (delivery.kind === 'problem') {
			if (!test && isReportedAlready(this, ensured.inbox.id, delivery.problem)) return null;
			throw problemError(this, delivery.problem);
		}
		clearReported(this, ensured.inbox.id);
		await delivery.done();
		if (delivery.items.length) return [delivery.items];
		if (!test) return null;
		throw new NodeOperationError(this.getNode(), 'No event in the inbox yet', {
			description:
				'Zapier is watching the app for this trigger. Make the app produce an event (for example, add a record it would trigger on), wait for Zapier to notice it (up to a few minutes for apps Zapier polls), then fetch again.',
		});
	}
}

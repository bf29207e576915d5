import type { IDataObject, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { callbackWebhookMethods } from '../ZapierActions/helpers/callbackWebhook';
import { readRun } from '../ZapierActions/actions/actionRun/wait';
import type { ActionRun } from '../ZapierActions/helpers/runStatus';
import { isFinished } from '../ZapierActions/helpers/runStatus';
import { textOr } from '../ZapierActions/helpers/validate';
import { CALLBACK_READS_MS, readSignedCallback, refuseCallback, refuseUnverified } from '../ZapierActions/transport/callbacks';
import { CREDENTIAL_TYPE, ZAPIER_KEYS_URL } from '../ZapierActions/transport/request';
import { seenBefore } from './redeliveries';

export class ZapierActionRunTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zapier Action Run Trigger',
		name: 'zapierActionRunTrigger',
		icon: { light: 'file:zapier.svg', dark: 'file:zapier.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'On a finished action run',
		description: 'Starts the workflow when Zapier calls back with a finished action run',
		defaults: { name: 'Zapier Action Run Trigger' },
		inputs: [],
		// Only to confirm a run with Zapier when its callback's signature does not name it.
		credentials: [{ name: 'zapierOAuth2Api', required: false }],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'zapier-action-runs' }],
		properties: [
			{
				displayName:
					"Use this trigger's Production URL as the Callback URL of a Zapier Actions Run (Options → Callback URL), and activate this workflow. Each finished run starts one execution.",
				name: 'usage',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Redeliveries',
						name: 'redeliveries',
						type: 'options',
						options: [
							{ name: 'Drop', value: 'drop', description: 'A run that arrives again starts nothing' },
							{ name: 'Output Marked', value: 'mark', description: 'A run that arrives again starts an execution with redelivery: true' },
						],
						default: 'drop',
						description:
							'What to do with a run Zapier sends again (it retries a callback whose delivery failed). Remembered by the n8n process that receives the callbacks.',
					},
					{
						displayName: 'Signing Keys URL',
						name: 'keysUrl',
						type: 'string',
						default: ZAPIER_KEYS_URL,
						description:
							"Where the keys (JWKS) that sign Zapier's callbacks are published. A callback not signed by one of them is refused.",
					},
				],
			},
		],
	};

	webhookMethods = callbackWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const callback = await readSignedCallback(this, textOr(options.keysUrl, ZAPIER_KEYS_URL));
		if (!callback.ok) return refuseUnverified(this, callback);
		const confirmed = callback.bound ? { run: callback.value } : await confirmedRun(this, callback.value.id);
		if ('refused' in confirmed) return confirmed.refused;
		const { run } = confirmed;
		const trigger = `${this.getWorkflow().id ?? ''}|${this.getNode().id}`;
		if (seenBefore(trigger, run.id)) {
			if (options.redeliveries !== 'mark') return { webhookResponse: { received: true, redelivery: true } };
			return { workflowData: [[{ json: { ...run, redelivery: true } }]] };
		}
		return { workflowData: [[{ json: run }]] };
	}
}

/**
 * The run as Zapier has it, for a callback whose signature names neither the run nor its body (Zapier
 * documents only `iat` and `exp`): without it, any signed token could carry a made-up outcome.
 */
async function confirmedRun(ctx: IWebhookFunctions, id: string): Promise<{ run: ActionRun } | { refused: IWebhookResponseData }> {
	if (!ctx.getNode().credentials?.[CREDENTIAL_TYPE]) {
		const message =
			"Callback refused: its signature names neither the run nor the body, so the run must be read from Zapier: choose the trigger's Zapier credential";
		return { refused: refuseCallback(ctx, 401, message) };
	}
	try {
		const { run } = await readRun(ctx, id, 0, Date.now() + CALLBACK_READS_MS);
		if (isFinished(run)) return { run };
		return { refused: refuseCallback(ctx, 400, `Callback refused: Zapier says run ${id} is still "${run.status}"`) };
	} catch (error) {
		return { refused: refuseCallback(ctx, 503, `Could not read run ${id} from Zapier: ${(error as Error).message}`) };
	}
}

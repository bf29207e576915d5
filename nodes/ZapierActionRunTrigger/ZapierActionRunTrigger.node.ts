import type { IDataObject, IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { readFinishedRun } from '../ZapierActions/actions/actionRun/callbackWait';
import { checkProof, PROOF_PARAMETER, TRIGGER_PATH, triggerOf } from '../ZapierActions/helpers/callbackProof';
import { textOr } from '../ZapierActions/helpers/validate';
import type { Refusal } from '../ZapierActions/transport/callbacks';
import {
	CALLBACK_READS_MS,
	callbackProofKey,
	checkWithProofKey,
	readSignedCallback,
	refuse,
	refused,
} from '../ZapierActions/transport/callbacks';
import { authenticationChoice, zapierCredentials } from '../ZapierActions/actions/common.descriptions';
import { credentialKindOf } from '../ZapierActions/transport/credentialKinds';
import { ZAPIER_KEYS_URL } from '../ZapierActions/transport/request';
import { delivery } from './redeliveries';

export class ZapierActionRunTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zapier Action Run Trigger',
		name: 'zapierActionRunTrigger',
		icon: { light: 'file:zapier.svg', dark: 'file:zapier.dark.svg' },
		group: ['trigger'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: 'On a finished action run',
		description: 'Starts the workflow when Zapier calls back with a finished action run',
		defaults: { name: 'Zapier Action Run Trigger' },
		inputs: [],
		// The credential of the Zapier Actions nodes that start the runs: it checks their callback URLs' proofs.
		credentials: zapierCredentials,
		outputs: [NodeConnectionTypes.Main],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: TRIGGER_PATH }],
		properties: [
			...authenticationChoice([1], [1.1]),
			{
				displayName:
					"Use this trigger's Production URL as the Callback URL of a Zapier Actions Run (Options → Callback URL), choose the same Zapier credential here, and activate this workflow. Each finished run starts one execution.",
				name: 'usage',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Accept Callbacks Of',
				name: 'accept',
				type: 'options',
				options: [
					{
						name: 'Runs Started by This N8n',
						value: 'proven',
						description:
							"A Zapier Actions node with this credential adds a proof to this trigger's URL when it starts a run; a callback without it is refused. Costs no request.",
					},
					{
						name: "Any Run of the Credential's Account",
						value: 'account',
						description:
							"For a URL pasted by hand elsewhere: each callback's run is read from Zapier with this credential (one request per run), and a run the account does not have is refused",
					},
				],
				default: 'proven',
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

	webhookMethods = {
		default: {
			// Nothing to register with Zapier (each run names its callback URL); activation checks that callbacks can be checked.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				if (this.getNodeParameter('accept', 'proven') === 'proven') await callbackProofKey(this);
				else await this.getCredentials(credentialKindOf(this.getNode()).type);
				return true;
			},
			async create(): Promise<boolean> {
				return true;
			},
			async delete(): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const proven = this.getNodeParameter('accept', 'proven') === 'proven';
		const proof = proven ? await checkedProof(this) : undefined;
		if (proof && !proof.ok) return refuse(this, proof.refusal);
		const callback = await readSignedCallback(this, textOr(options.keysUrl, ZAPIER_KEYS_URL));
		if (!callback.ok) return refuse(this, callback.refusal);
		// A proof says the run is this n8n's; without one, only Zapier's own copy, read with this credential, is believed.
		const confirmed = proof ? { run: callback.run } : await readFinishedRun(this, callback.run.id, 0, Date.now() + CALLBACK_READS_MS);
		if ('refusal' in confirmed) return refuse(this, confirmed.refusal);
		const { run } = confirmed;
		const trigger = `${this.getWorkflow().id ?? ''}|${this.getNode().id}`;
		const seen = delivery(trigger, run.id, proof?.nonce);
		if (seen === 'proof of another run') return refuse(this, refused("its URL's proof was made for another run"));
		if (seen === 'again') {
			if (options.redeliveries !== 'mark') return { webhookResponse: { received: true, redelivery: true } };
			return { workflowData: [[{ json: { ...run, redelivery: true } }]] };
		}
		return { workflowData: [[{ json: run }]] };
	}
}

/** The nonce of the proof the callback's URL carries, made with the trigger's credential for this trigger. */
async function checkedProof(ctx: IWebhookFunctions): Promise<{ ok: true; nonce: string } | { ok: false; refusal: Refusal }> {
	const node = ctx.getNode();
	const target = node.webhookId ?? triggerOf(new URL(ctx.getNodeWebhookUrl('default') ?? 'http://invalid/')) ?? '';
	const proof = (ctx.getQueryData() as IDataObject)[PROOF_PARAMETER];
	let checked;
	try {
		checked = await checkWithProofKey(ctx, (key) => checkProof(proof, key, target, Math.floor(Date.now() / 1000)));
	} catch (error) {
		return { ok: false, refusal: { status: 503, message: 'This trigger cannot check callbacks yet', detail: (error as Error).message } };
	}
	return checked.ok ? { ok: true, nonce: checked.value } : { ok: false, refusal: refused(checked.problem) };
}

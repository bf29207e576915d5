import type { INodeType } from 'n8n-workflow';

/**
 * The lifecycle of the resume webhook Zapier calls back: there is nothing to register with Zapier, which
 * is given the URL with each run (callback_url). So when n8n activates or deactivates a workflow, the
 * webhook is found to exist, and nothing is created or deleted anywhere.
 */
export const callbackWebhookMethods: INodeType['webhookMethods'] = {
	default: {
		async checkExists() {
			return true;
		},
		async create() {
			return true;
		},
		async delete() {
			return true;
		},
	},
};

import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as action from './actions/action/Action.resource';
import * as actionRun from './actions/actionRun/ActionRun.resource';
import { resumeOnCallback } from './actions/actionRun/callbackWait';
import * as app from './actions/app/App.resource';
import * as authentication from './actions/authentication/Authentication.resource';
import type { ResourceOperations } from './actions/operation';
import { authenticationChoice, zapierCredentials } from './actions/common.descriptions';
import { router } from './actions/router';
import { toolDescriptions } from './actions/toolDescription';
import { callbackWebhookMethods } from './helpers/callbackWebhook';
import { getInputFields } from './methods/resourceMapping';
import { searchActions, searchApps, searchAuthentications } from './methods/listSearch';

const RESOURCES: Record<string, ResourceOperations> = {
	actionRun: actionRun.operations,
	app: app.operations,
	action: action.operations,
	authentication: authentication.operations,
};

export class ZapierActions implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zapier Actions',
		name: 'zapierActions',
		icon: { light: 'file:zapier.svg', dark: 'file:zapier.dark.svg' },
		group: ['transform'],
		version: [1, 1.1, 1.2],
		defaultVersion: 1.2,
		subtitle:
			'={{ $parameter["resource"] === "actionRun" ? ($parameter["operation"] === "get" ? "Get action run" : "Run " + ($parameter["action"].cachedResultName || $parameter["action"].value || $parameter["action"] || "an action")) : $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			"Run any Zapier action (send an email, post a message, add a row...) in thousands of apps with your Zapier account's client credentials (or a partner's OAuth2 app), and get its results. Pick the app, the action and the connection, then fill the action's inputs.",
		defaults: { name: 'Zapier Actions' },
		usableAsTool: true,
		// NodeConnectionTypes is the host's: n8n-workflow 2.x exports it, and so does 1.120 (n8n 1.123.x).
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: zapierCredentials,
		// Where Zapier's callback resumes an execution that waits for its runs ("Wait By: Zapier's Callback").
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '', restartWebhook: true }],
		properties: [
			...authenticationChoice([1, 1.1], [1.2]),
			...toolDescriptions,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Action', value: 'action' },
					{ name: 'Action Run', value: 'actionRun' },
					{ name: 'App', value: 'app' },
					{ name: 'Connection', value: 'authentication' },
				],
				default: 'actionRun',
			},
			...actionRun.description,
			...app.description,
			...action.description,
			...authentication.description,
		],
	};

	methods = {
		listSearch: { searchApps, searchActions, searchAuthentications },
		resourceMapping: { getInputFields },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this, RESOURCES);
	}

	webhookMethods = callbackWebhookMethods;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}
}

import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import * as actionRun from './actions/actionRun';
import { router } from './actions/router';

export class ZapierActions implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Zapier Actions',
		name: 'zapierActions',
		icon: { light: 'file:zapier.svg', dark: 'file:zapier.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "get" ? "Get action run" : "Run " + ($parameter["action"] || "an action") }}',
		description: 'Run any Zapier action through the Powered by Zapier API and get its results',
		defaults: { name: 'Zapier Actions' },
		usableAsTool: true,
		// 'main' rather than NodeConnectionTypes.Main, which n8n 1.x hosts before 1.8x lack.
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'zapierOAuth2Api', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Action Run', value: 'actionRun' }],
				default: 'actionRun',
			},
			...actionRun.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}

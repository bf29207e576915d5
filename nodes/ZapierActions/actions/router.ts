import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { cancelSignal } from '../transport/request';
import * as actionRun from './actionRun';
import * as discovery from './discovery';
import type { ExecutionShared } from './shared';
import { executionShared } from './shared';

type Operation = (this: IExecuteFunctions, itemIndex: number, shared: ExecutionShared) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, Operation>> = {
	actionRun: { run: actionRun.run.execute, get: actionRun.get.execute },
	app: { search: discovery.searchApps },
	action: { list: discovery.listAppActions, getInputFields: discovery.getActionInputFields },
	authentication: { list: discovery.listAppAuthentications },
};

function errorItem(error: Error): IDataObject {
	const json: IDataObject = { error: error.message };
	if ('description' in error && error.description) json.description = error.description as string;
	if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	const run = (error as NodeOperationError).context?.run as IDataObject | undefined;
	if (run) json.run = run;
	return json;
}

/** An AI agent gets what the run produced, not the envelope around it. */
function forTool(json: IDataObject): IDataObject {
	if (!('status' in json && 'results' in json)) return json;
	const errors = json.errors as unknown[] | undefined;
	return {
		status: json.status,
		results: json.results,
		...(errors?.length ? { errors } : {}),
		...(json.status !== 'success' ? { id: json.id } : {}),
	};
}

/** Runs each item's operation, keeping input order and `pairedItem`; honours "Continue On Fail". */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const asTool = this.getNode().type.endsWith('Tool');
	const shared = executionShared(this);
	const output: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const operationName = this.getNodeParameter('operation', itemIndex) as string;
		const operation = operations[resource]?.[operationName];
		if (!operation) {
			throw new NodeOperationError(this.getNode(), `The operation "${operationName}" is not supported`, { itemIndex });
		}
		try {
			const results = await operation.call(this, itemIndex, shared);
			for (const result of results) {
				output.push({ json: asTool ? forTool(result.json) : result.json, pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			if (cancelSignal(this)?.aborted) throw error;
			if (this.continueOnFail()) {
				output.push({ json: errorItem(error as Error), pairedItem: { item: itemIndex } });
				continue;
			}
			if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
	}
	return [output];
}

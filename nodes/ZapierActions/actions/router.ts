import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { cancelSignal } from '../transport/request';
import * as actionRun from './actionRun';
import { DEFAULT_CONCURRENCY } from './actionRun/run.operation';
import * as discovery from './discovery';
import { describeOtherRuns } from './itemRuns';
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

function concurrencyOf(ctx: IExecuteFunctions, resource: string, operation: string): number {
	if (resource !== 'actionRun' || operation !== 'run') return 1;
	const value = Math.floor(Number(ctx.getNodeParameter('options.concurrency', 0, DEFAULT_CONCURRENCY)));
	return Number.isFinite(value) && value >= 1 ? Math.min(value, 100) : DEFAULT_CONCURRENCY;
}

/**
 * Runs each item's operation, several at once for Run, keeping input order and `pairedItem`, and
 * honouring "Continue On Fail". Without it, the first failure stops new items from starting; those
 * already going finish, and the failure of the earliest item is reported.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const asTool = this.getNode().type.endsWith('Tool');
	const shared = executionShared(this);
	const outputs: INodeExecutionData[][] = new Array(items.length);
	const failures = new Map<number, Error>();
	let next = 0;

	const runItem = async (itemIndex: number) => {
		const operationName = this.getNodeParameter('operation', itemIndex) as string;
		const operation = operations[resource]?.[operationName];
		if (!operation) {
			throw new NodeOperationError(this.getNode(), `The operation "${operationName}" is not supported`, { itemIndex });
		}
		try {
			const results = await operation.call(this, itemIndex, shared);
			outputs[itemIndex] = results.map((result) => ({
				json: asTool ? forTool(result.json) : result.json,
				pairedItem: { item: itemIndex },
			}));
		} catch (error) {
			if (cancelSignal(this)?.aborted || !this.continueOnFail()) throw error;
			outputs[itemIndex] = [{ json: errorItem(error as Error), pairedItem: { item: itemIndex } }];
		}
	};

	const worker = async () => {
		while (next < items.length && failures.size === 0) {
			const itemIndex = next++;
			await runItem(itemIndex).catch((error: Error) => failures.set(itemIndex, error));
		}
	};
	const operation = this.getNodeParameter('operation', 0) as string;
	const workers = Math.min(concurrencyOf(this, resource, operation), items.length);
	await Promise.all(Array.from({ length: workers }, worker));

	if (failures.size) {
		const itemIndex = Math.min(...failures.keys());
		const failure = failures.get(itemIndex)!;
		const error = failure instanceof NodeApiError || failure instanceof NodeOperationError ? failure : new NodeOperationError(this.getNode(), failure, { itemIndex });
		throw withOtherRuns(error, shared.runs.others(itemIndex));
	}
	return [outputs.flat()];
}

/** The node fails for one item: the runs made for the others are named, so that none is lost from view. */
function withOtherRuns(
	error: NodeApiError | NodeOperationError,
	others: ReturnType<ExecutionShared['runs']['others']>,
): NodeApiError | NodeOperationError {
	const line = describeOtherRuns(others);
	if (!line) return error;
	error.description = error.description ? `${error.description}\n${line}` : line;
	error.context.otherRuns = others.map(({ itemIndex, run }) => ({ itemIndex, id: 'id' in run ? run.id : null }));
	return error;
}

import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItem, toolErrorItem } from '../helpers/output.utils';
import { cancelSignal } from '../transport/timing';
import type { ItemRuns } from './itemRuns';
import { describeOtherRuns } from './itemRuns';
import type { ResourceOperations } from './operation';
import { executionShared } from './operation';

/**
 * Runs the chosen operation for every item, as many at once as the operation allows, keeping input
 * order and `pairedItem`, and honouring "Continue On Fail". Without it, the first failure stops new
 * items from starting; those already going finish, and the failure of the earliest item is reported,
 * naming what was already run for the others.
 */
export async function router(this: IExecuteFunctions, resources: Record<string, ResourceOperations>): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = resources[resource]?.[operationName];
	if (!operation) throw new NodeOperationError(this.getNode(), `The operation "${operationName}" is not supported`);
	const shared = executionShared(this);
	const shape = shared.asTool && operation.toolOutput ? operation.toolOutput : undefined;
	const outputs: INodeExecutionData[][] = new Array(items.length);
	const failures = new Map<number, Error>();
	let next = 0;

	const runItem = async (itemIndex: number) => {
		try {
			const results = await operation.execute.call(this, itemIndex, shared);
			outputs[itemIndex] = results.map((result) => ({ json: shape ? shape(result.json) : result.json, pairedItem: { item: itemIndex } }));
		} catch (error) {
			const cancelled = cancelSignal(this)?.aborted;
			// A failed tool call answers the agent with the error, so that the model can act on it (n8n 1.x
			// would otherwise fail the whole execution).
			if (shared.asTool && !cancelled) outputs[itemIndex] = [{ json: toolErrorItem(error as Error), pairedItem: { item: itemIndex } }];
			else if (cancelled || !this.continueOnFail()) failures.set(itemIndex, error as Error);
			else outputs[itemIndex] = [{ json: errorItem(error as Error), pairedItem: { item: itemIndex } }];
		}
	};
	const worker = async () => {
		while (next < items.length && failures.size === 0) await runItem(next++);
	};
	const workers = Math.max(1, Math.min(operation.concurrency?.(this) ?? 1, items.length));
	await Promise.all(Array.from({ length: workers }, worker));

	if (failures.size) {
		const itemIndex = Math.min(...failures.keys());
		throw withOtherRuns(nodeError(this, failures.get(itemIndex)!, itemIndex), shared.runs, itemIndex);
	}
	const output = outputs.flat();
	await operation.settle?.call(this, output, shared);
	return [output];
}

function nodeError(ctx: IExecuteFunctions, error: Error, itemIndex: number): NodeApiError | NodeOperationError {
	return error instanceof NodeApiError || error instanceof NodeOperationError
		? error
		: new NodeOperationError(ctx.getNode(), error, { itemIndex });
}

/** The node fails for one item: the runs made for the others are named, so that none is lost from view. */
function withOtherRuns(error: NodeApiError | NodeOperationError, runs: ItemRuns, itemIndex: number): NodeApiError | NodeOperationError {
	const others = runs.others(itemIndex);
	const line = describeOtherRuns(others);
	if (!line) return error;
	error.description = error.description ? `${error.description}\n${line}` : line;
	error.context.otherRuns = others.map((other) => ({ itemIndex: other.itemIndex, id: 'id' in other.run ? other.run.id : null }));
	return error;
}

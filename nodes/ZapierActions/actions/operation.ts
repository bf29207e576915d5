import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ActionResolver } from '../transport/actionIds';
import { RunDurations } from '../transport/poll';
import type { ItemRuns } from './itemRuns';
import { itemRunsOf } from './itemRuns';

/** What the items of one execution share: one action lookup per app, how long runs take, the runs made. */
export interface ExecutionShared {
	actions: ActionResolver;
	durations: RunDurations;
	runs: ItemRuns;
	/** Whether an AI agent called the node as a tool. */
	asTool: boolean;
	/** Set by items whose runs call back to resume the execution: how long it may wait for them. */
	callbackDeadline?: number;
}

export function executionShared(ctx: IExecuteFunctions): ExecutionShared {
	return {
		actions: new ActionResolver(ctx),
		durations: new RunDurations(),
		runs: itemRunsOf(ctx),
		asTool: ctx.getNode().type.endsWith('Tool'),
	};
}

/** One operation of a resource: its parameters, what it does for an item, and what the router needs to know. */
export interface OperationModule {
	description: INodeProperties[];
	execute(this: IExecuteFunctions, itemIndex: number, shared: ExecutionShared): Promise<INodeExecutionData[]>;
	/** How many items may run at once (default 1). */
	concurrency?: (ctx: IExecuteFunctions) => number;
	/** What is left to do once every item is through, with the node's output (such as waiting for callbacks). */
	settle?: (this: IExecuteFunctions, output: INodeExecutionData[], shared: ExecutionShared) => Promise<void>;
	/** What an AI agent is given of an output item (default: all of it). */
	toolOutput?: (json: IDataObject) => IDataObject;
}

export type ResourceOperations = Record<string, OperationModule>;

/**
 * The runs this node created for each item, remembered in memory for the rest of the execution, so
 * that when n8n retries the node ("Retry On Fail") an item's run is read again instead of created
 * again, and so that a failing node can name what it already ran for the other items.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

export type ItemRun =
	/** Created: Zapier answered with its ID. */
	| { id: string }
	/** Sent, but whether Zapier created it is unknown (no answer, a 5xx): never sent again. */
	| { mayExist: { message: string; description?: string | null } };

/** Node runs whose item runs are kept; the oldest are forgotten past that. */
const MAX_SCOPES = 1_000;
const scopes = new Map<string, Map<number, ItemRun>>();

export class ItemRuns {
	constructor(private readonly runs = new Map<number, ItemRun>()) {}

	get(itemIndex: number): ItemRun | undefined {
		return this.runs.get(itemIndex);
	}

	set(itemIndex: number, run: ItemRun): void {
		this.runs.set(itemIndex, run);
	}

	/** What was created, or may have been, for every item but `itemIndex`, in item order. */
	others(itemIndex: number): Array<{ itemIndex: number; run: ItemRun }> {
		return [...this.runs]
			.filter(([index]) => index !== itemIndex)
			.sort(([a], [b]) => a - b)
			.map(([index, run]) => ({ itemIndex: index, run }));
	}
}

/**
 * The item runs of this node in this execution, the same across n8n's retries of the node and new
 * in every other execution (or another run of the node in a loop). Without an execution ID (nothing
 * to tell executions apart by) they last for this call only.
 */
/** (`page`: the runs made for that page of a read_bulk action's results; the first is the item's own run.) */
export function itemRunsOf(ctx: IExecuteFunctions, page = 1): ItemRuns {
	const executionId = ctx.getExecutionId();
	if (!executionId) return new ItemRuns();
	const node = ctx.getNode();
	const key = `${executionId}|${node.id ?? node.name}|${String(ctx.getWorkflowDataProxy(0).$runIndex)}|${page}`;
	let runs = scopes.get(key);
	if (!runs) {
		runs = new Map();
		scopes.set(key, runs);
		if (scopes.size > MAX_SCOPES) scopes.delete(scopes.keys().next().value!);
	}
	return new ItemRuns(runs);
}

/** A line that names the runs already made for other items, so that a failing node loses none of them. */
export function describeOtherRuns(others: Array<{ itemIndex: number; run: ItemRun }>): string | undefined {
	if (!others.length) return undefined;
	const listed = others.map(({ itemIndex, run }) =>
		'id' in run ? `item ${itemIndex}: ${run.id}` : `item ${itemIndex}: may have been created (no ID came back)`,
	);
	return `Zapier action runs already created for other items, not created again if the node is retried: ${listed.join('; ')}. Read them with Action Run → Get.`;
}

/**
 * What this n8n process has learnt of a waiting execution's runs from callbacks and reads. Only an
 * optimisation: any process may take any callback, and one that knows nothing reads what it needs.
 * Callbacks of one execution are taken one at a time here, so that the last ones to arrive read
 * nothing again and only one of them hands the execution back to n8n.
 */
import type { ActionRun } from '../../helpers/runStatus';

export interface KnownRuns {
	finished: Map<string, ActionRun>;
	/** The execution was handed back to n8n with every run's outcome. */
	resumed: boolean;
	turn: Promise<unknown>;
}

/** Executions remembered, the least recently called back forgotten first. */
const MAX_EXECUTIONS = 200;
const executions = new Map<string, KnownRuns>();

/** The runs known of the execution whose first waiting run is `key`. */
export function knownRuns(key: string): KnownRuns {
	let known = executions.get(key);
	if (known) executions.delete(key);
	else if (executions.size >= MAX_EXECUTIONS) executions.delete(executions.keys().next().value as string);
	known ??= { finished: new Map(), resumed: false, turn: Promise.resolve() };
	executions.set(key, known);
	return known;
}

/** Runs `work` once the execution's earlier callbacks in this process are through. */
export async function inTurn<T>(known: KnownRuns, work: () => Promise<T>): Promise<T> {
	const done = known.turn.then(work, work);
	known.turn = done.catch(() => undefined);
	return await done;
}

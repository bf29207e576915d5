/**
 * What this n8n process has learnt of a waiting execution's runs from callbacks and reads. Only an
 * optimisation: any process may take any callback, and one that knows nothing reads what it needs.
 * Callbacks of one execution are taken one at a time here, so that the last ones to arrive read
 * nothing again and only one of them hands the execution back to n8n.
 */
import type { ActionRun } from '../../helpers/runStatus';

export interface KnownRuns {
	finished: Map<string, ActionRun>;
	/** Runs read as still going, and when: each will call back when it ends, so a replayed callback need not read them again soon. */
	going: Map<string, number>;
	/** The execution was handed back to n8n with every run's outcome. */
	resumed: boolean;
	turn: Promise<unknown>;
	/** Callbacks taking or waiting for their turn: an entry in use is never forgotten. */
	inUse: number;
}

/** Executions remembered, the least recently called back (and not in use) forgotten first. */
const MAX_EXECUTIONS = 200;
/** How long a read that found a run still going stands for the next callbacks. */
const GOING_READ_MS = 10_000;
const executions = new Map<string, KnownRuns>();

function forgetOneIdle(): void {
	for (const [key, known] of executions) {
		if (known.inUse === 0) {
			executions.delete(key);
			return;
		}
	}
}

/** The runs known of the execution whose first waiting run is `key`. */
export function knownRuns(key: string): KnownRuns {
	let known = executions.get(key);
	if (known) executions.delete(key);
	else if (executions.size >= MAX_EXECUTIONS) forgetOneIdle();
	known ??= { finished: new Map(), going: new Map(), resumed: false, turn: Promise.resolve(), inUse: 0 };
	executions.set(key, known);
	return known;
}

/** Whether a read found the run still going within the last `GOING_READ_MS`. */
export function seenGoingLately(known: KnownRuns, id: string, now: number): boolean {
	const at = known.going.get(id);
	return at !== undefined && now - at < GOING_READ_MS;
}

/** Runs `work` once the execution's earlier callbacks in this process are through. */
export async function inTurn<T>(known: KnownRuns, work: () => Promise<T>): Promise<T> {
	known.inUse++;
	const done = known.turn.then(work, work).finally(() => known.inUse--);
	known.turn = done.catch(() => undefined);
	return await done;
}

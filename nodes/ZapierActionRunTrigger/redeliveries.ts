/**
 * Runs already delivered to a trigger, remembered in this process: Zapier sends a callback again when
 * its delivery failed, so the same run can arrive twice. Bounded both ways: per trigger and in triggers.
 */
const RUNS_PER_TRIGGER = 10_000;
const TRIGGERS = 100;

const seen = new Map<string, Set<string>>();

/** Whether `runId` reached this trigger before; either way it is now the most recent one seen. */
export function seenBefore(trigger: string, runId: string): boolean {
	let runs = seen.get(trigger);
	if (runs) seen.delete(trigger);
	else if (seen.size >= TRIGGERS) seen.delete(seen.keys().next().value as string);
	runs ??= new Set();
	seen.set(trigger, runs);
	const before = runs.delete(runId);
	runs.add(runId);
	if (runs.size > RUNS_PER_TRIGGER) runs.delete(runs.values().next().value as string);
	return before;
}

/**
 * Runs already delivered to a trigger, remembered in this process: Zapier sends a callback again when
 * its delivery failed, so the same run can arrive twice. A callback URL's proof is made for one run:
 * a proof seen with another run is refused. Bounded both ways: per trigger and in triggers.
 */
const RUNS_PER_TRIGGER = 10_000;
const TRIGGERS = 100;

interface Delivered {
	/** Run ID to the nonce of the proof it came with. */
	runs: Map<string, string | undefined>;
	/** Nonce to the run it came with. */
	nonces: Map<string, string>;
}
const seen = new Map<string, Delivered>();

export type Delivery = 'first' | 'again' | 'proof of another run';

/** Whether `runId` (with its proof's `nonce`) reached this trigger before; it is now the most recent one seen. */
export function delivery(trigger: string, runId: string, nonce?: string): Delivery {
	let delivered = seen.get(trigger);
	if (delivered) seen.delete(trigger);
	else if (seen.size >= TRIGGERS) seen.delete(seen.keys().next().value as string);
	delivered ??= { runs: new Map(), nonces: new Map() };
	seen.set(trigger, delivered);
	const owner = nonce === undefined ? undefined : delivered.nonces.get(nonce);
	if (owner !== undefined && owner !== runId) return 'proof of another run';
	const before = delivered.runs.has(runId);
	const earlierNonce = delivered.runs.get(runId);
	delivered.runs.delete(runId);
	delivered.runs.set(runId, nonce ?? earlierNonce);
	if (nonce !== undefined) delivered.nonces.set(nonce, runId);
	if (delivered.runs.size > RUNS_PER_TRIGGER) {
		const [oldest, oldestNonce] = delivered.runs.entries().next().value as [string, string | undefined];
		delivered.runs.delete(oldest);
		if (oldestNonce !== undefined) delivered.nonces.delete(oldestNonce);
	}
	return before ? 'again' : 'first';
}

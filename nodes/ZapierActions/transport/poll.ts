/**
 * When to look at a run again. Staged like Zapier's own SDK: quick checks while a run is young,
 * slower ones as it ages, with 0–50 % jitter so that many waiting runs do not poll in lockstep.
 */
const EARLY_DELAYS_MS = [50, 125, 250, 500];

const STAGES: Array<{ untilMs: number; delayMs: number }> = [
	{ untilMs: 10_000, delayMs: 1_000 },
	{ untilMs: 30_000, delayMs: 2_500 },
	{ untilMs: 60_000, delayMs: 5_000 },
	{ untilMs: Infinity, delayMs: 10_000 },
];

export function baseDelayMs(attempt: number, elapsedMs: number, skipEarly = false): number {
	if (!skipEarly && attempt < EARLY_DELAYS_MS.length) return EARLY_DELAYS_MS[attempt];
	return STAGES.find((stage) => elapsedMs < stage.untilMs)!.delayMs;
}

/**
 * How long before the timeout the last look at a run starts (at most 1 s, a quarter of short
 * timeouts), so that its answer comes within the timeout rather than after it.
 */
export function lastLookMarginMs(timeoutMs: number): number {
	return Math.min(1_000, timeoutMs / 4);
}

/** When, counted from the start of the wait, the last look at a run starts. */
export function lastLookAtMs(timeoutMs: number): number {
	return timeoutMs - lastLookMarginMs(timeoutMs);
}

/**
 * Delay before poll number `attempt` (0-based), never past the last look, so that the run is looked
 * at right before the timeout rather than one long interval after it.
 */
export function nextPollDelayMs(
	attempt: number,
	elapsedMs: number,
	timeoutMs: number,
	random: () => number = Math.random,
	skipEarly = false,
): number {
	const jittered = baseDelayMs(attempt, elapsedMs, skipEarly) * (1 + random() * 0.5);
	return Math.max(0, Math.min(Math.round(jittered), lastLookAtMs(timeoutMs) - elapsedMs));
}

/**
 * What one execution has learned about how long its runs take: each finished run gives the middle
 * of the interval in which it finished (last look still going, first look finished).
 */
export class RunDurations {
	private readonly samples: number[] = [];

	record(lastPendingMs: number, firstFinishedMs: number): void {
		this.samples.push((lastPendingMs + firstFinishedMs) / 2);
		if (this.samples.length > 200) this.samples.shift();
	}

	/** The q-quantile of the durations seen, once there are enough to trust. */
	quantile(q: number): number | undefined {
		if (this.samples.length < 3) return undefined;
		const sorted = [...this.samples].sort((a, b) => a - b);
		return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
	}
}

/** Under rate pressure, a run is first looked at when most runs like it are done: requests are scarce. */
export const LEARNED_QUANTILE = 0.9;

export function pollDelayMs(options: {
	attempt: number;
	elapsedMs: number;
	timeoutMs: number;
	underPressure: boolean;
	learnedMs?: number;
	random?: () => number;
}): number {
	// Under pressure the sub-second first looks are skipped: each costs a request another run needs.
	const staged = nextPollDelayMs(options.attempt, options.elapsedMs, options.timeoutMs, options.random, options.underPressure);
	if (!options.underPressure || options.learnedMs === undefined) return staged;
	const untilLikelyDone = Math.min(options.learnedMs - options.elapsedMs, lastLookAtMs(options.timeoutMs) - options.elapsedMs);
	return Math.max(staged, Math.round(untilLikelyDone));
}

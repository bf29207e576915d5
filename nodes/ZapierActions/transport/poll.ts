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

export function baseDelayMs(attempt: number, elapsedMs: number): number {
	if (attempt < EARLY_DELAYS_MS.length) return EARLY_DELAYS_MS[attempt];
	return STAGES.find((stage) => elapsedMs < stage.untilMs)!.delayMs;
}

/**
 * Delay before poll number `attempt` (0-based), never past the deadline, so the last look at a
 * run happens right at the timeout rather than one long interval after it.
 */
export function nextPollDelayMs(
	attempt: number,
	elapsedMs: number,
	timeoutMs: number,
	random: () => number = Math.random,
): number {
	const jittered = baseDelayMs(attempt, elapsedMs) * (1 + random() * 0.5);
	return Math.max(0, Math.min(Math.round(jittered), timeoutMs - elapsedMs));
}

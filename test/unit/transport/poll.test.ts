import { baseDelayMs, lastLookAtMs, nextPollDelayMs, pollDelayMs, RunDurations } from '../../../nodes/ZapierActions/transport/poll';

const noJitter = () => 0;
const fullJitter = () => 1;

test('the first looks come quickly, then the schedule slows as the run ages', () => {
	expect([0, 1, 2, 3].map((attempt) => baseDelayMs(attempt, 0))).toEqual([50, 125, 250, 500]);
	expect(baseDelayMs(4, 5_000)).toBe(1_000);
	expect(baseDelayMs(10, 15_000)).toBe(2_500);
	expect(baseDelayMs(20, 45_000)).toBe(5_000);
	expect(baseDelayMs(30, 90_000)).toBe(10_000);
});

test('jitter adds between 0 and 50 %', () => {
	expect(nextPollDelayMs(4, 5_000, 180_000, noJitter)).toBe(1_000);
	expect(nextPollDelayMs(4, 5_000, 180_000, fullJitter)).toBe(1_500);
	expect(nextPollDelayMs(30, 90_000, 180_000, () => 0.5)).toBe(12_500);
});

test('never waits past the last look, which starts early enough to be answered within the timeout', () => {
	expect(nextPollDelayMs(30, 175_000, 180_000, fullJitter)).toBe(4_000);
	expect(nextPollDelayMs(30, 179_000, 180_000, fullJitter)).toBe(0);
	expect(nextPollDelayMs(30, 181_000, 180_000, fullJitter)).toBe(0);
	expect(lastLookAtMs(180_000)).toBe(179_000);
	expect(lastLookAtMs(1_000)).toBe(750);
});

test('a whole 180 s wait costs a bounded number of reads', () => {
	let elapsed = 0;
	let reads = 0;
	while (elapsed < lastLookAtMs(180_000)) {
		elapsed += nextPollDelayMs(reads, elapsed, 180_000, noJitter);
		reads++;
	}
	expect(elapsed).toBe(179_000);
	expect(reads).toBe(4 + 10 + 8 + 6 + 12);
});

describe('learned polling', () => {
	test('needs three runs before it trusts what it learned', () => {
		const durations = new RunDurations();
		durations.record(0, 1_000);
		durations.record(1_000, 2_000);
		expect(durations.quantile(0.8)).toBeUndefined();
		durations.record(2_000, 3_000);
		expect(durations.quantile(0.5)).toBe(1_500);
		expect(durations.quantile(0.9)).toBe(2_500);
	});

	test('without pressure the staged schedule rules; under pressure the first look waits for the learned time', () => {
		const base = { attempt: 0, elapsedMs: 100, timeoutMs: 180_000, learnedMs: 2_000, random: () => 0 };
		expect(pollDelayMs({ ...base, underPressure: false })).toBe(50);
		expect(pollDelayMs({ ...base, underPressure: true })).toBe(1_900);
		expect(pollDelayMs({ ...base, underPressure: true, elapsedMs: 3_000, attempt: 5 })).toBe(1_000);
		expect(pollDelayMs({ ...base, underPressure: true, learnedMs: undefined })).toBe(1_000);
		expect(pollDelayMs({ ...base, underPressure: true, learnedMs: 500_000, timeoutMs: 10_000 })).toBe(8_900);
	});
});

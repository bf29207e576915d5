import { limiterFor, RateLimiter } from '../../nodes/ZapierActions/transport/rateLimit';
import { pollDelayMs, RunDurations } from '../../nodes/ZapierActions/transport/poll';

describe('the rate limiter', () => {
	test('lets `limit` requests through at once, then one per freed place, with a margin of 2 % (at least 250 ms)', () => {
		const limiter = new RateLimiter(3, 1_000);
		expect([0, 0, 0].map(() => limiter.reserve(0))).toEqual([0, 0, 0]);
		expect(limiter.reserve(0)).toBe(1_250);
		expect(limiter.reserve(0)).toBe(1_250);
		expect(limiter.reserve(500)).toBe(750);
		expect(limiter.reserve(500)).toBe(2_000);
	});

	test('never allows more than `limit` in any window, however the requests arrive', () => {
		const limiter = new RateLimiter(5, 1_000);
		const sends: number[] = [];
		for (let now = 0; now < 5_000; now += 37) sends.push(now + limiter.reserve(now));
		for (const start of sends) expect(sends.filter((at) => at >= start && at < start + 1_000).length).toBeLessThanOrEqual(5);
	});

	test('a cooldown holds every request of the credential until it ends', () => {
		const limiter = new RateLimiter(60, 60_000);
		limiter.coolDown(10_000);
		expect(limiter.isCoolingDown(5_000)).toBe(true);
		expect(limiter.reserve(5_000)).toBe(5_000);
		expect(limiter.isCoolingDown(10_000)).toBe(false);
		limiter.coolDown(2_000);
		expect(limiter.reserve(10_000)).toBe(0);
	});

	test('pressure is the share of the window in use', () => {
		const limiter = new RateLimiter(4, 1_000);
		limiter.reserve(0);
		limiter.reserve(0);
		expect(limiter.pressure(0)).toBe(0.5);
		expect(limiter.pressure(2_000)).toBe(0);
		limiter.coolDown(3_000);
		expect(limiter.pressure(2_000)).toBe(1);
	});

	test('one limiter per credential and limit, shared by whoever asks', () => {
		expect(limiterFor('cred-a', 60, 60_000)).toBe(limiterFor('cred-a', 60, 60_000));
		expect(limiterFor('cred-a', 60, 60_000)).not.toBe(limiterFor('cred-b', 60, 60_000));
		expect(limiterFor('cred-a', 60, 60_000)).not.toBe(limiterFor('cred-a', 150, 60_000));
	});
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
		expect(pollDelayMs({ ...base, underPressure: true, learnedMs: 500_000, timeoutMs: 10_000 })).toBe(9_900);
	});
});

import { knownLimiters, limiterFor, RateLimiter } from '../../../nodes/ZapierActions/transport/rateLimit';
import { seeded } from '../../../harness/seeded';

describe('the rate limiter', () => {
	test('spreads `limit` requests evenly over the window, then waits for a freed place, with a margin of 2 % (at least 250 ms)', () => {
		const limiter = new RateLimiter(3, 1_000);
		expect([0, 0, 0].map(() => Math.round(limiter.reserve(0)))).toEqual([0, 333, 667]);
		expect(limiter.reserve(0)).toBe(1_250);
		expect(Math.round(limiter.reserve(0))).toBe(1_583);
	});

	test('never allows more than `limit` in any window, however the requests arrive', () => {
		const limiter = new RateLimiter(5, 1_000);
		const sends: number[] = [];
		for (let now = 0; now < 5_000; now += 37) sends.push(limiter.reserve(now));
		for (const start of sends) expect(sends.filter((at) => at >= start && at < start + 1_000).length).toBeLessThanOrEqual(5);
	});

	test('slots given back, such as those of a cancelled batch, are free for the next caller at once', () => {
		const limiter = new RateLimiter(2, 10_000);
		limiter.reserve(0);
		const cancelled = [limiter.reserve(0), limiter.reserve(0), limiter.reserve(0)];
		expect(cancelled).toEqual([5_000, 10_250, 15_250]);
		for (const slot of cancelled.slice(1)) limiter.release(slot);
		expect(limiter.reserve(100)).toBe(10_250);
		expect(limiter.isIdle(20_000)).toBe(true);
	});

	test('the limit holds however slots are booked and given back', () => {
		const random = seeded(7);
		const limiter = new RateLimiter(4, 1_000);
		const used: number[] = [];
		for (let now = 0; now < 20_000; now += Math.floor(random() * 200)) {
			const slot = limiter.reserve(now);
			if (random() < 0.3) limiter.release(slot);
			else used.push(slot);
		}
		for (const start of used) expect(used.filter((at) => at >= start && at < start + 1_000).length).toBeLessThanOrEqual(4);
	});

	test('a cooldown holds every request of the credential until it ends', () => {
		const limiter = new RateLimiter(60, 60_000);
		limiter.coolDown(10_000);
		expect(limiter.isCoolingDown(5_000)).toBe(true);
		expect(limiter.reserve(5_000)).toBe(10_000);
		expect(limiter.isCoolingDown(10_000)).toBe(false);
		limiter.coolDown(2_000);
		expect(limiter.isCoolingDown(10_000)).toBe(false);
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

	test('the process keeps a bounded number of limiters, forgetting idle ones first', () => {
		const busy = limiterFor('busy', 1, 60_000);
		busy.reserve(Date.now());
		busy.reserve(Date.now());
		for (let i = 0; i < 500; i++) limiterFor(`credential-${i}`, 60, 60_000);
		expect(knownLimiters()).toBeLessThanOrEqual(100);
		expect(limiterFor('busy', 1, 60_000)).toBe(busy);
	});
});

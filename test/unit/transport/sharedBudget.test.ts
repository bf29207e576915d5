import { readBudgetNews, SharedBudget } from '../../../nodes/ZapierActions/transport/sharedBudget';

describe("reading Zapier's news of the budget", () => {
	test('remaining and reset, as epoch seconds or seconds from now', () => {
		expect(readBudgetNews({ 'X-RateLimit-Remaining': '12', 'X-RateLimit-Reset': '30' }, 1_000)).toEqual({ remaining: 12, resetAt: 31_000 });
		expect(readBudgetNews({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1764590000' }, 0)).toEqual({
			remaining: 0,
			resetAt: 1_764_590_000_000,
		});
	});

	test('no news without both, or with values that are not counts', () => {
		expect(readBudgetNews({ 'X-RateLimit-Remaining': '12' }, 0)).toBeUndefined();
		expect(readBudgetNews({ 'X-RateLimit-Reset': '30' }, 0)).toBeUndefined();
		expect(readBudgetNews({ 'X-RateLimit-Remaining': 'many', 'X-RateLimit-Reset': '30' }, 0)).toBeUndefined();
		expect(readBudgetNews({ 'X-RateLimit-Remaining': '-1', 'X-RateLimit-Reset': '30' }, 0)).toBeUndefined();
		expect(readBudgetNews({ 'X-RateLimit-Remaining': '', 'X-RateLimit-Reset': '' }, 0)).toBeUndefined();
	});
});

describe('a budget shared with processes one cannot see', () => {
	test('alone, a process spreads what is left evenly until the earliest reset the whole seconds allow, a quarter of its share at once', () => {
		const budget = new SharedBudget(60, 6_000);
		budget.observe({ remaining: 50, resetAt: 6_000 }, 0);
		const share = (50 * 0.97) / 1.25;
		const spacing = 5_000 / share;
		const burst = Math.floor(share / 4);
		for (let i = 0; i < burst; i++) expect(budget.claim(0)).toBe(true);
		expect(budget.nextAt(0)).toBeCloseTo(spacing);
		expect(budget.claim(spacing - 100)).toBe(false);
		expect(budget.claim(spacing)).toBe(true);
		expect(budget.claim(spacing)).toBe(false);
	});

	test('three spending alike: the count falls three times as fast as its own answers, and it takes a third', () => {
		const budget = new SharedBudget(60, 6_000);
		let remaining = 59;
		budget.observe({ remaining, resetAt: 6_000 }, 0);
		for (let at = 1; at <= 6; at++) budget.observe({ remaining: (remaining -= 3), resetAt: 6_000 }, at * 100);
		expect(budget.activeSpenders()).toBe(3);
	});

	test('a 429 is not counted by Zapier, and says nothing of who spends', () => {
		const budget = new SharedBudget(60, 6_000);
		budget.observe({ remaining: 10, resetAt: 6_000 }, 0);
		for (let at = 1; at <= 5; at++) budget.observe({ remaining: 0, resetAt: 6_000 }, at, true);
		expect(budget.activeSpenders()).toBe(1);
	});

	test("nothing left: no request before the reset; past it, a full window's share spread evenly, a quarter of it at once", () => {
		const budget = new SharedBudget(60, 6_000);
		budget.observe({ remaining: 0, resetAt: 4_000 }, 1_000);
		expect(budget.nextAt(1_000)).toBe(4_000);
		// Past it, what a window was seen to hold (60 here, from an earlier answer), shared with a quarter of one more.
		budget.observe({ remaining: 59, resetAt: 4_000 }, 1_500);
		const fullShare = (60 * 0.97) / 1.25;
		for (let i = 0; i < Math.floor(fullShare / 4); i++) expect(budget.claim(4_000)).toBe(true);
		expect(budget.nextAt(4_000)).toBeCloseTo(4_000 + 6_000 / fullShare);
	});

	test("a place taken a few ms before the reset, with nothing left, is paced as the next window's", () => {
		const budget = new SharedBudget(60, 6_000);
		budget.observe({ remaining: 60, resetAt: 6_000 }, 0);
		budget.observe({ remaining: 0, resetAt: 6_000 }, 5_500);
		expect(budget.nextAt(5_500)).toBe(6_000);
		expect(budget.claim(5_997)).toBe(true);
		const next = budget.nextAt(6_000)!;
		expect(Number.isFinite(next)).toBe(true);
		expect(next).toBeLessThan(6_000 + 6_000);
	});

	test("never more than the ceiling in one of Zapier's windows", () => {
		const budget = new SharedBudget(5, 6_000);
		budget.observe({ remaining: 1_000, resetAt: 6_000 }, 0);
		let sent = 0;
		for (let at = 0; at < 5_000; at += 10) if (budget.claim(at)) sent++;
		expect(sent).toBe(5);
	});

	test('without news: a 429 leaves the process its own part of the full budget, once per window, then it probes for more after quiet windows', () => {
		const budget = new SharedBudget(60, 6_000);
		expect(budget.paceWithoutNews(0)).toEqual({ spacingMs: 100, burst: 15 });
		budget.rateLimited(0, 20);
		budget.rateLimited(100, 5);
		expect(budget.paceWithoutNews(100)).toEqual({ spacingMs: 6_000 / 18, burst: 4 });
		// Held for four windows, then a thirtieth of the limit per quiet window.
		expect(budget.paceWithoutNews(24_000).spacingMs).toBe(6_000 / 18);
		expect(budget.paceWithoutNews(30_000).spacingMs).toBe(6_000 / 20);
		expect(budget.paceWithoutNews(600_000).burst).toBe(15);
	});

	test('a 429 never raises the allowance, and leaves at least one request per window', () => {
		const budget = new SharedBudget(60, 6_000);
		budget.rateLimited(0, 0);
		expect(budget.paceWithoutNews(0).spacingMs).toBe(6_000);
		budget.rateLimited(6_000, 50);
		expect(budget.paceWithoutNews(6_000).spacingMs).toBe(6_000);
	});

	test('news says nothing once a window has passed after its reset: then the process is paced as without news', () => {
		const budget = new SharedBudget(60, 6_000);
		budget.observe({ remaining: 10, resetAt: 6_000 }, 0);
		expect(budget.hasNews(11_999)).toBe(true);
		expect(budget.hasNews(12_000)).toBe(false);
		expect(budget.nextAt(12_000)).toBeUndefined();
		expect(budget.claim(12_000)).toBe(true);
	});
});

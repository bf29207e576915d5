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
	test('alone, a process spreads what is left evenly until the reset, keeping 5 % back', () => {
		const budget = new SharedBudget(60, 6_000);
		budget.observe({ remaining: 57, resetAt: 6_000 }, 0, 0);
		expect(budget.pace(0)).toEqual({ from: 0, resetAt: 6_000, spacingMs: 6_000 / (57 * 0.95) });
		expect(budget.pace(6_000)).toBeUndefined();
	});

	test('three spending alike: the fall is three times its own, and it takes a third', () => {
		const budget = new SharedBudget(60, 6_000);
		let remaining = 60;
		for (let at = 0; at < 10; at++) {
			remaining -= 3;
			budget.observe({ remaining, resetAt: 6_000 }, 1, at * 100);
		}
		expect(budget.activeSpenders()).toBeGreaterThan(2.8);
		const pace = budget.pace(1_000)!;
		expect((pace.resetAt - pace.from) / pace.spacingMs).toBeCloseTo((remaining * 0.95) / budget.activeSpenders());
	});

	test('when the others stop, the fall is its own again and it takes the whole budget', () => {
		const budget = new SharedBudget(60, 6_000);
		let remaining = 60;
		for (let at = 0; at < 5; at++) budget.observe({ remaining: (remaining -= 3), resetAt: 6_000 }, 1, at);
		for (let at = 5; at < 25; at++) budget.observe({ remaining: (remaining -= 1), resetAt: 6_000 + 6_000 * Math.floor(at / 20) }, 1, at);
		expect(budget.activeSpenders()).toBeLessThan(1.1);
	});

	test('nothing left: no request before the reset', () => {
		const budget = new SharedBudget(60, 6_000);
		budget.observe({ remaining: 0, resetAt: 4_000 }, 0, 1_000);
		expect(budget.pace(1_000)).toEqual({ from: 1_000, resetAt: 4_000, spacingMs: Infinity });
	});

	test('without news: the allowance halves on each 429 and grows by a tenth of the limit per quiet window', () => {
		const budget = new SharedBudget(60, 6_000);
		expect(budget.perWindow(0)).toBe(60);
		budget.rateLimited(0);
		budget.rateLimited(0);
		expect(budget.perWindow(0)).toBe(15);
		expect(budget.perWindow(6_000)).toBe(21);
		expect(budget.perWindow(60_000)).toBe(60);
		for (let i = 0; i < 10; i++) budget.rateLimited(60_000);
		expect(budget.perWindow(60_000)).toBe(1);
	});
});

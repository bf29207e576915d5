/**
 * Processes that cannot talk, each with its own limiter, against one server-side limit: a simulation
 * on a simulated clock (no timers), with the server's X-RateLimit headers on every answer or none.
 */
import { RateLimiter } from '../../../nodes/ZapierActions/transport/rateLimit';
import { readBudgetNews } from '../../../nodes/ZapierActions/transport/sharedBudget';

const LIMIT = 60;
const WINDOW_MS = 6_000;
const LATENCY_MS = 40;
/** When the simulated clock starts, on the epoch: a little past a whole second, as Date.now() is at any moment. */
const EPOCH_MS = 1_764_590_000_370;

interface Outcome {
	/** When the last request was answered. */
	endMs: number;
	sent: number;
	rateLimited: number;
	/** The most requests the server admitted in one of its windows. */
	fullest: number;
}

/** `demand[i]`: how many requests process i has, with `concurrency` at once, all from time 0. */
function simulate(demand: number[], options: { headers: boolean; reset?: 'seconds' | 'epoch'; concurrency?: number }): Outcome {
	const limiters = demand.map(() => new RateLimiter(LIMIT, WINDOW_MS));
	const left = [...demand];
	const events: Array<{ at: number; run: (now: number) => void }> = [];
	const schedule = (at: number, run: (now: number) => void) => {
		events.push({ at, run });
	};
	const server = { start: -Infinity, count: 0, windows: [] as number[] };
	const outcome: Outcome = { endMs: 0, sent: 0, rateLimited: 0, fullest: 0 };

	const admit = (now: number): { ok: boolean; headers: Record<string, string> } => {
		if (now >= server.start + WINDOW_MS) {
			server.windows.push(server.count);
			server.start = now;
			server.count = 0;
		}
		const ok = server.count < LIMIT;
		if (ok) server.count++;
		// Whole seconds, rounded up: from now, or since the epoch.
		const resetSeconds =
			options.reset === 'epoch' ? Math.ceil((server.start + WINDOW_MS) / 1000) : Math.ceil((server.start + WINDOW_MS - now) / 1000);
		const headers: Record<string, string> = {
			'X-RateLimit-Remaining': String(LIMIT - server.count),
			'X-RateLimit-Reset': String(resetSeconds),
		};
		return { ok, headers: options.headers ? headers : {} };
	};

	const loop = (p: number, now: number) => {
		if (left[p] <= 0) return;
		left[p]--;
		const attempt = (at: number) => {
			const slot = limiters[p].reserve(at);
			schedule(slot, (woken) => {
				if (!limiters[p].mayUse(woken)) {
					limiters[p].release(slot);
					return attempt(woken);
				}
				outcome.sent++;
				const answer = admit(woken + LATENCY_MS / 2);
				schedule(woken + LATENCY_MS, (answeredAt) => {
					limiters[p].observe(readBudgetNews(answer.headers, answeredAt), !answer.ok, answeredAt);
					if (!answer.ok) {
						outcome.rateLimited++;
						limiters[p].coolDown(answeredAt + 6_000);
						return attempt(answeredAt);
					}
					outcome.endMs = Math.max(outcome.endMs, answeredAt - EPOCH_MS);
					loop(p, answeredAt);
				});
			});
		};
		attempt(now);
	};
	demand.forEach((_, p) => {
		for (let i = 0; i < (options.concurrency ?? 20); i++) loop(p, EPOCH_MS);
	});
	while (events.length) {
		events.sort((a, b) => a.at - b.at);
		const next = events.shift()!;
		next.run(next.at);
	}
	server.windows.push(server.count);
	outcome.fullest = Math.max(...server.windows);
	return outcome;
}

/** The time `requests` take at the server's limit. */
const idealMs = (requests: number) => (requests / LIMIT) * WINDOW_MS;

describe('processes sharing one Zapier limit without talking', () => {
	test("three busy processes, the server's headers on every answer: within 1.15× the ideal, 429s under 1 %", () => {
		const outcome = simulate([400, 400, 400], { headers: true });
		expect(outcome.fullest).toBeLessThanOrEqual(LIMIT);
		expect(outcome.rateLimited / outcome.sent).toBeLessThan(0.01);
		expect(outcome.endMs / idealMs(1_200)).toBeLessThan(1.15);
	});

	test("the same with the reset as epoch seconds (the same in every answer of a window: the window's first answer narrows down its end)", () => {
		const outcome = simulate([400, 400, 400], { headers: true, reset: 'epoch' });
		expect(outcome.fullest).toBeLessThanOrEqual(LIMIT);
		expect(outcome.rateLimited / outcome.sent).toBeLessThan(0.01);
		expect(outcome.endMs / idealMs(1_200)).toBeLessThan(1.15);
	});

	test('one busy process with two idle ones takes nearly the whole budget', () => {
		const outcome = simulate([600, 0, 0], { headers: true });
		expect(outcome.rateLimited).toBe(0);
		expect(outcome.endMs / idealMs(600)).toBeLessThan(1.15);
	});

	test('without headers, each 429 teaches each process its part of the budget: 429s under 2 %, within 1.3× the ideal', () => {
		const outcome = simulate([400, 400, 400], { headers: false });
		expect(outcome.sent - outcome.rateLimited).toBe(1_200);
		expect(outcome.rateLimited / outcome.sent).toBeLessThan(0.02);
		expect(outcome.endMs / idealMs(1_200)).toBeLessThan(1.3);
		// The figures, for the benchmark's notes.
		console.log(
			`without headers: ${outcome.rateLimited} 429s of ${outcome.sent}, ${(outcome.endMs / idealMs(1_200)).toFixed(2)}× the ideal`,
		);
	});

	test('without headers, one process alone is never rate-limited and keeps the whole budget', () => {
		const outcome = simulate([600, 0, 0], { headers: false });
		expect(outcome.rateLimited).toBe(0);
		expect(outcome.endMs / idealMs(600)).toBeLessThan(1.15);
	});
});

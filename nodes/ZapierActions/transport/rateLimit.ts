import type { BudgetNews } from './sharedBudget';
import { SharedBudget } from './sharedBudget';

/**
 * One client-side rate limit per credential, shared by every item and every execution in this
 * process: never more than `limit` requests in any `windowMs`, and after a 429 the whole credential
 * waits out the cooldown, not just the request that got it. Other processes spend the same Zapier
 * budget: the limiter takes its share of what Zapier's answers say is left (see sharedBudget.ts).
 */
export class RateLimiter {
	/** Slots booked, ascending: sent, or waited for (in the future). Older ones than a window are dropped. */
	private readonly slots: number[] = [];
	private cooldownUntil = 0;
	/**
	 * The window is counted a little longer than the server's: a request reaches it some time after
	 * its slot, and a burst that starts the server's window late must not end in the next one.
	 */
	private readonly spacingMs: number;
	private readonly budget: SharedBudget;
	/** Without news: when the allowance's pace lets the next slot go (up to a burst's worth of spacings earlier). */
	private paced = -Infinity;
	/** When Zapier's answers of the last window came, 429s aside: this process's part of the budget. */
	private readonly admitted: number[] = [];

	/** `limit` and `windowMs` must be whole and at least 1 (see `rateLimitSettings`). */
	constructor(
		readonly limit: number,
		readonly windowMs: number,
	) {
		this.spacingMs = windowMs + Math.min(1_000, Math.max(250, windowMs * 0.02));
		this.budget = new SharedBudget(limit, windowMs);
	}

	/** Books the earliest free slot and returns its time. Give it back with `release` if it goes unused. */
	reserve(now: number): number {
		while (this.slots.length && this.slots[0] <= now - this.spacingMs) this.slots.shift();
		let at = Math.max(now, this.cooldownUntil, this.slots[this.slots.length - 1] ?? 0);
		// With Zapier's news of its window, the ceiling holds within that window (see SharedBudget.claim).
		if (!this.budget.hasNews(now)) {
			const limit = this.budget.perWindow(now);
			if (this.slots.length >= limit) at = Math.max(at, this.slots[this.slots.length - limit] + this.spacingMs);
			const { spacingMs, burst } = this.budget.paceWithoutNews(now);
			at = Math.max(at, this.paced - (burst - 1) * spacingMs);
			this.paced = Math.max(this.paced, at) + spacingMs;
		}
		at = Math.max(at, this.budget.nextAt(now) ?? 0);
		this.slots.push(at);
		return at;
	}

	/**
	 * Whether a slot booked earlier, now due, is still this process's to use: news that came meanwhile
	 * may have moved its place (then book again).
	 */
	mayUse(now: number): boolean {
		if (this.isCoolingDown(now)) return false;
		return !this.budget.hasNews(now) || this.budget.claim(now);
	}

	/** What Zapier's answer said of the budget (its headers), or a 429 without a word of it. */
	observe(news: BudgetNews | undefined, rateLimited: boolean, now: number): void {
		if (news) this.budget.observe(news, now, rateLimited);
		else if (rateLimited) this.budget.rateLimited(now, this.admitted.length);
		if (!rateLimited) this.admitted.push(now);
		while (this.admitted.length && this.admitted[0] <= now - this.windowMs) this.admitted.shift();
	}

	/** Gives back a slot that was booked but not used (the wait was cancelled or ran past its deadline). */
	release(slot: number): void {
		const index = this.slots.lastIndexOf(slot);
		if (index < 0) return;
		this.slots.splice(index, 1);
		if (!this.budget.hasNews(slot)) this.paced -= this.budget.paceWithoutNews(slot).spacingMs;
	}

	coolDown(until: number): void {
		this.cooldownUntil = Math.max(this.cooldownUntil, until);
	}

	isCoolingDown(now: number): boolean {
		return now < this.cooldownUntil;
	}

	/** Whether no slot is booked ahead of `now` and no cooldown runs: nobody is waiting on it. */
	isIdle(now: number): boolean {
		return !this.isCoolingDown(now) && (this.slots[this.slots.length - 1] ?? 0) <= now;
	}

	/** How much of the window's budget is used or booked: 1 means requests are queueing. */
	pressure(now: number): number {
		if (this.isCoolingDown(now)) return 1;
		return (this.slots.length - this.firstAfter(now - this.windowMs)) / this.limit;
	}

	/** The index of the first slot after `time` (the slots are ascending). */
	private firstAfter(time: number): number {
		let low = 0;
		let high = this.slots.length;
		while (low < high) {
			const middle = (low + high) >> 1;
			if (this.slots[middle] > time) high = middle;
			else low = middle + 1;
		}
		return low;
	}
}

/** Credentials whose limiters are kept; past that, the least recently used idle one is forgotten. */
const MAX_LIMITERS = 100;
const limiters = new Map<string, RateLimiter>();

/** The process-wide limiter of a credential (a new one when its limit is changed). */
export function limiterFor(key: string, limit: number, windowMs: number, now = Date.now()): RateLimiter {
	const id = `${key}|${limit}|${windowMs}`;
	const limiter = limiters.get(id) ?? new RateLimiter(limit, windowMs);
	limiters.delete(id);
	limiters.set(id, limiter);
	if (limiters.size > MAX_LIMITERS) {
		const idle = [...limiters].find(([, candidate]) => candidate.isIdle(now));
		limiters.delete(idle?.[0] ?? limiters.keys().next().value!);
	}
	return limiter;
}

export function knownLimiters(): number {
	return limiters.size;
}

/**
 * One Zapier budget shared by n8n processes that cannot talk to each other (queue mode's workers):
 * each process paces itself from what Zapier's answers say of the budget, and from its own 429s when
 * they say nothing. Pure: the clock is passed in.
 *
 * With `X-RateLimit-Remaining` and `-Reset`, every process sees the same count fall. The part of the
 * fall that is not its own is the others': from the two, a process knows how many are spending (the
 * ratio of the whole fall to its own) and takes its share of what is left until the reset, spread
 * evenly. When the others stop, the fall is all its own, and it takes the whole budget.
 * Without them, the budget is found by its 429s: the allowance halves on each, and grows by a tenth
 * of the credential's limit per window without one (additive increase, multiplicative decrease).
 */

/** What an answer says of the budget: its size, what is left of it, and when it starts again (epoch ms). */
export interface BudgetNews {
	limit?: number;
	remaining: number;
	resetAt: number;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	return Array.isArray(value) ? value[0] : value;
}

/** `X-RateLimit-Remaining` and `X-RateLimit-Reset` (epoch seconds, or seconds from now: both are seen), when both make sense. */
export function readBudgetNews(headers: Record<string, string | string[] | undefined>, now: number): BudgetNews | undefined {
	const remaining = Number(header(headers, 'x-ratelimit-remaining'));
	const reset = Number(header(headers, 'x-ratelimit-reset'));
	if (header(headers, 'x-ratelimit-remaining') === undefined || !Number.isFinite(remaining) || remaining < 0) return undefined;
	if (header(headers, 'x-ratelimit-reset') === undefined || !Number.isFinite(reset) || reset < 0) return undefined;
	const resetAt = reset > 1_000_000_000 ? reset * 1000 : now + reset * 1000;
	const limit = Number(header(headers, 'x-ratelimit-limit'));
	return { remaining: Math.floor(remaining), resetAt, ...(Number.isFinite(limit) && limit > 0 && { limit }) };
}

/** How far back the others' spending is weighed: about two of Zapier's windows' worth of news. */
const SMOOTHING = 0.3;
/** Kept back from what is left, for the requests already on their way from every process. */
const RESERVE = 0.05;

export class SharedBudget {
	private news?: BudgetNews & { at: number; ownSinceNews: number; spacing: number };
	/** How many processes' worth of spending the budget's fall shows (1: only this one). */
	private spenders = 1;
	/** Without news: this process's allowance per window (additive increase, multiplicative decrease). */
	private allowance: number;
	private lastIncrease = 0;

	constructor(
		/** The credential's Rate Limit: the ceiling per process, whatever the news. */
		private readonly ceiling: number,
		private readonly windowMs: number,
	) {
		this.allowance = ceiling;
	}

	/** A request of this process was sent. */
	sent(): void {
		if (this.news) this.news.ownSinceNews++;
	}

	/** An answer's news of the budget. */
	observe(news: BudgetNews, now: number): void {
		const previous = this.news;
		if (previous && news.resetAt <= previous.resetAt + 1_000 && previous.remaining >= news.remaining) {
			const fall = previous.remaining - news.remaining;
			const own = Math.max(previous.ownSinceNews, 1);
			if (fall > 0) this.spenders += SMOOTHING * (Math.max(1, fall / own) - this.spenders);
		}
		// This process's share of what is left, spread evenly until the reset (Infinity: wait for it).
		const share = (news.remaining * (1 - RESERVE)) / this.spenders;
		this.news = { ...news, at: now, ownSinceNews: 0, spacing: share >= 1 ? Math.max(0, news.resetAt - now) / share : Infinity };
	}

	/** A 429: without news, the allowance halves (with news, the reset that comes with it is the cooldown). */
	rateLimited(now: number): void {
		this.allowance = Math.max(1, Math.floor(this.allowance / 2));
		this.lastIncrease = now;
	}

	/** The most requests this process may send per window now. */
	perWindow(now: number): number {
		if (!this.news || now >= this.news.resetAt) {
			const windows = Math.floor((now - this.lastIncrease) / this.windowMs);
			if (windows > 0 && this.allowance < this.ceiling) {
				this.allowance = Math.min(this.ceiling, this.allowance + windows * Math.max(1, Math.round(this.ceiling / 10)));
				this.lastIncrease = now;
			}
			return this.allowance;
		}
		return this.ceiling;
	}

	/**
	 * The earliest time this process may send its next request by the news: its share of what is left
	 * spread evenly until the reset; nothing left, the reset. Undefined without (current) news.
	 */
	notBefore(now: number): number | undefined {
		const news = this.news;
		if (!news || now >= news.resetAt) return undefined;
		if (!Number.isFinite(news.spacing)) return news.resetAt;
		return Math.min(news.resetAt, Math.max(now, news.at + news.ownSinceNews * news.spacing));
	}

	/** How many processes' worth of spending the news shows (for the figures). */
	activeSpenders(): number {
		return this.spenders;
	}
}

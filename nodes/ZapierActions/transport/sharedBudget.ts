/**
 * One Zapier budget shared by n8n processes that cannot talk to each other (queue mode's workers):
 * each process paces itself from what Zapier's answers say of the budget, and from its own 429s when
 * they say nothing. Pure: the clock and the process's own counts are passed in.
 *
 * With `X-RateLimit-Remaining` and `-Reset`, every process sees the same count fall. The whole fall
 * against the part of it that is its own tells a process how many are spending; it takes its share
 * of what is left until the reset, spread evenly. When the others stop, the fall is all its own, and
 * it takes the whole budget. Without them, the budget is found by 429s: the allowance halves on
 * each, and grows by a tenth of the credential's limit per window without one.
 */

/** What an answer says of the budget: what is left of it, and when it starts again (epoch ms). */
export interface BudgetNews {
	remaining: number;
	resetAt: number;
}

/** How this process may spend until the reset: a request every `spacingMs` from `from` (Infinity: none). */
export interface Pace {
	from: number;
	spacingMs: number;
	resetAt: number;
}

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
	const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
	const value = key === undefined ? undefined : headers[key];
	return Array.isArray(value) ? value[0] : value;
}

/** `X-RateLimit-Remaining` and `X-RateLimit-Reset` (epoch seconds, or seconds from now: both are seen), when both make sense. */
export function readBudgetNews(headers: Headers, now: number): BudgetNews | undefined {
	const [remaining, reset] = [header(headers, 'x-ratelimit-remaining'), header(headers, 'x-ratelimit-reset')].map((value) =>
		value === undefined || value.trim() === '' ? NaN : Number(value),
	);
	if (!Number.isFinite(remaining) || remaining < 0 || !Number.isFinite(reset) || reset < 0) return undefined;
	return { remaining: Math.floor(remaining), resetAt: reset > 1_000_000_000 ? reset * 1000 : now + reset * 1000 };
}

/** How much each piece of news moves the estimate of how many are spending. */
const SMOOTHING = 0.3;
/** Kept back from what is left, for the requests already on their way from every process. */
const RESERVE = 0.05;
/** News within this of the last reset is the same window (a reset in whole seconds moves a little). */
const SAME_WINDOW_MS = 1_500;

export class SharedBudget {
	private news?: BudgetNews & { at: number };
	/** How many processes' worth of spending the budget's fall shows (1: only this one). */
	private spenders = 1;
	/** Without news: this process's allowance per window. */
	private allowance: number;
	private grownAt = 0;

	constructor(
		/** The credential's Rate Limit: the ceiling per process, whatever the news. */
		private readonly ceiling: number,
		private readonly windowMs: number,
	) {
		this.allowance = ceiling;
	}

	/** An answer's news of the budget; `ownSince`: how many requests this process sent since the news before. */
	observe(news: BudgetNews, ownSince: number, now: number): void {
		const previous = this.news;
		const sameWindow = previous && Math.abs(news.resetAt - previous.resetAt) <= SAME_WINDOW_MS;
		if (previous && sameWindow && previous.remaining > news.remaining) {
			const seen = Math.max(1, (previous.remaining - news.remaining) / Math.max(1, ownSince));
			this.spenders += SMOOTHING * (seen - this.spenders);
		} else if (previous && sameWindow && ownSince > 0) {
			// Own requests and no fall: they were counted before; nobody else is spending.
			this.spenders += SMOOTHING * (1 - this.spenders);
		}
		this.news = { ...news, at: now };
	}

	/** A 429 without news: the allowance halves. */
	rateLimited(now: number): void {
		this.allowance = Math.max(1, Math.floor(this.allowance / 2));
		this.grownAt = now;
	}

	/** The most requests this process may send per window: the ceiling with news, the allowance without. */
	perWindow(now: number): number {
		if (this.pace(now)) return this.ceiling;
		const windows = Math.floor((now - this.grownAt) / this.windowMs);
		if (windows > 0) {
			this.allowance = Math.min(this.ceiling, this.allowance + windows * Math.max(1, Math.round(this.ceiling / 10)));
			this.grownAt = now;
		}
		return this.allowance;
	}

	/** This process's share of what the last news left, spread evenly until its reset; undefined without current news. */
	pace(now: number): Pace | undefined {
		const news = this.news;
		if (!news || now >= news.resetAt) return undefined;
		const share = (news.remaining * (1 - RESERVE)) / this.spenders;
		return { from: news.at, resetAt: news.resetAt, spacingMs: share >= 1 ? (news.resetAt - news.at) / share : Infinity };
	}

	/** How many processes' worth of spending the news shows. */
	activeSpenders(): number {
		return this.spenders;
	}
}

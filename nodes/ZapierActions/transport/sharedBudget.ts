/**
 * One Zapier budget shared by n8n processes that cannot talk to each other (queue mode's workers):
 * each process paces itself from what Zapier's answers say of the budget, and from its own 429s when
 * they say nothing. Pure: the clock and the process's own counts are passed in.
 *
 * With `X-RateLimit-Remaining` and `-Reset`, every process sees the same count fall. The whole fall
 * against the part of it that is its own tells a process how many are spending; it takes its share
 * of what is left until the reset, spread evenly. When the others stop, the fall is all its own, and
 * it takes the whole budget. Without them, the budget is found by 429s: a 429 says the budget was
 * full, and the process's own part of it is what it takes from then on, spread evenly; it probes for
 * more (a thirtieth of the credential's limit per window) after a few quiet windows.
 */

/**
 * What an answer says of the budget: what is left of it, and when it starts again (epoch ms). Zapier
 * gives the reset in whole seconds, rounded up: it lies between `resetAt - 1 s` and `resetAt`.
 */
export interface BudgetNews {
	remaining: number;
	resetAt: number;
}

/** The reset at its earliest: what is left is spread until then, so that it is spent in any case. */
const earliestReset = (news: BudgetNews) => news.resetAt - 1_000;

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

/** How this process spends its share: a request every `spacingMs` (Infinity: none), `burst` of them at once after a pause. */
export interface Pace {
	spacingMs: number;
	burst: number;
}

/** The part of a share that may go at once: small batches are not held back, and processes that start together stay within the budget. */
const BURST = 0.25;

/** A share spread over `untilMs`. */
const paceOf = (share: number, untilMs: number): Pace =>
	share >= 1 && untilMs > 0
		? { spacingMs: untilMs / share, burst: Math.max(1, Math.floor(share * BURST)) }
		: { spacingMs: Infinity, burst: 1 };

/** Kept back from what is left, for the requests already on their way from all the processes: 3 %. */
const RESERVE = 0.03;
/** Answers within a window before its count's fall tells how many are spending (until then the last window's estimate holds). */
const MIN_ANSWERS = 3;
/** News whose reset lies within this of the window's first news is of the same window. */
const SAME_WINDOW_MS = 1_500;
/** Quiet windows after a 429 before the allowance grows again (without news). */
const HOLD_WINDOWS = 4;

export class SharedBudget {
	/** The latest news, its window narrowed down, and the pace it gives: its share. */
	private news?: { resetAt: number; earliest: number } & Pace;
	/** How many processes' worth of spending the budget's fall shows (1: only this one). */
	private spenders = 1;
	/** The window the news is of: what was left at its first news, this process's answers since, the latest count. */
	private window?: { base: number; own: number; last: number; resetAt: number; earliest: number; latest: number };
	/** Without news: this process's allowance per window. */
	private allowance: number;
	private grownAt = 0;
	private decreasedAt = -Infinity;
	/** Requests this process sent in the window the news is of: at most the ceiling. */
	private sentInWindow = 0;
	/** The most the budget was seen to hold: what a window starts with. */
	private fullBudget = 1;
	/** When the pace lets the next request go (up to a burst's worth of spacings earlier). */
	private paced = -Infinity;

	constructor(
		/** The credential's Rate Limit: the ceiling per process, whatever the news. */
		private readonly ceiling: number,
		private readonly windowMs: number,
	) {
		this.allowance = ceiling;
	}

	/**
	 * An answer's news of the budget. Each answer Zapier counted is one request of this process: within
	 * a window, what the count fell by since the window's first news, against this process's answers
	 * since, is how many processes' worth are spending. A 429 was not counted, and tells nothing of that.
	 */
	observe(news: BudgetNews, now: number, rateLimited = false): void {
		this.fullBudget = Math.max(this.fullBudget, news.remaining + 1);
		const window = this.window;
		const sameWindow = window && Math.abs(news.resetAt - window.resetAt) <= SAME_WINDOW_MS && news.remaining <= window.last;
		if (!rateLimited && (!window || !sameWindow)) {
			this.sentInWindow = 0;
			this.window = {
				base: news.remaining,
				own: 0,
				last: news.remaining,
				resetAt: news.resetAt,
				earliest: earliestReset(news),
				// The window began before this answer: it ends within a window from now, when that agrees with the reset.
				latest:
					Math.abs(news.resetAt - (now + this.windowMs)) <= SAME_WINDOW_MS ? Math.min(news.resetAt, now + this.windowMs) : news.resetAt,
			};
		} else if (window) {
			// Each answer's reset, in whole seconds, narrows down when the window really ends.
			window.earliest = Math.max(window.earliest, earliestReset(news));
			window.latest = Math.max(window.earliest, Math.min(window.latest, news.resetAt));
		}
		if (!rateLimited && window && sameWindow) {
			window.own++;
			window.last = news.remaining;
			if (window.own >= MIN_ANSWERS) this.spenders = Math.max(1, (window.base - news.remaining) / window.own);
		}
		// This process's share of what is left, spread evenly until the earliest reset.
		const share = (news.remaining * (1 - RESERVE)) / this.sharers();
		const { earliest, latest } = this.window ?? { earliest: earliestReset(news), latest: news.resetAt };
		const until = earliest - now;
		this.news = { resetAt: latest, earliest, ...paceOf(share, until) };
	}

	/**
	 * Whom what is left is shared among: the spenders seen, and room for one more that starts meanwhile
	 * (a quarter of one while none other is seen, so that a process alone is not slowed much). Taken
	 * again at each answer, a share still spends what is left by the reset.
	 */
	private sharers(): number {
		return this.spenders + 0.25;
	}

	/**
	 * A 429 without news: the budget was full when it came, and this process's requests of the last
	 * window were its part of it. The allowance falls to that part (less a tenth), at most half of it,
	 * once per window: the 429s of requests already on their way say nothing more. It grows again only
	 * after a few quiet windows, so that the processes probe for more rarely.
	 */
	rateLimited(now: number, admittedLastWindow: number): void {
		if (now < this.decreasedAt + this.windowMs) return;
		this.allowance = Math.max(1, Math.min(this.allowance - 1, Math.floor(admittedLastWindow * 0.9)));
		this.grownAt = now + HOLD_WINDOWS * this.windowMs;
		this.decreasedAt = now;
	}

	/**
	 * Whether Zapier has told of its budget lately (then it is paced by what it says, and by its 429s
	 * otherwise): news older than the window after its reset says nothing of today's budget.
	 */
	hasNews(now: number): boolean {
		return this.news !== undefined && now < this.news.resetAt + this.windowMs;
	}

	/**
	 * The earliest time the news lets this process send its next request (undefined: no news). Past the
	 * news' window, until the next window's first news, its share of a full window: all the processes
	 * start the next window at once.
	 */
	nextAt(now: number): number | undefined {
		const news = this.news;
		if (!news || !this.hasNews(now)) return undefined;
		const inWindow = now < news.resetAt;
		if (inWindow && this.sentInWindow >= this.ceiling) return news.resetAt;
		const { spacingMs, burst } = this.pace(now);
		if (!Number.isFinite(spacingMs)) return news.resetAt;
		const next = Math.max(now, this.paced - (burst - 1) * spacingMs);
		// What the share left by the earliest reset waits for the latest one.
		return inWindow && next >= news.earliest ? news.resetAt : next;
	}

	private pace(now: number): Pace {
		const news = this.news!;
		if (now < news.resetAt) return news;
		return paceOf((this.fullBudget * (1 - RESERVE)) / this.sharers(), this.windowMs);
	}

	/** Takes the next place the news gives, when it has come (a few ms early is on time: timers are not exact). */
	claim(now: number): boolean {
		const next = this.nextAt(now);
		if (next === undefined) return true;
		if (now < next - 5) return false;
		// Paced from the place taken: one taken just before the reset is the next window's.
		const at = Math.max(now, next);
		this.sentInWindow++;
		this.paced = Math.max(this.paced, at) + this.pace(at).spacingMs;
		return true;
	}

	/** Without news: the allowance spread over the window, a quarter of it at once after a pause. */
	paceWithoutNews(now: number): Pace {
		return paceOf(this.perWindow(now), this.windowMs);
	}

	/** The most requests this process may send per window: the ceiling with news, the allowance without. */
	perWindow(now: number): number {
		if (this.hasNews(now)) return this.ceiling;
		const windows = Math.floor((now - this.grownAt) / this.windowMs);
		// (grownAt lies ahead while the allowance holds after a 429.)
		if (windows > 0) {
			this.allowance = Math.min(this.ceiling, this.allowance + windows * Math.max(1, Math.round(this.ceiling / 30)));
			this.grownAt = now;
		}
		return this.allowance;
	}

	/** How many processes' worth of spending the news shows. */
	activeSpenders(): number {
		return this.spenders;
	}
}

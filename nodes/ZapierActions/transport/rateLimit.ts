/**
 * One client-side rate limit per credential, shared by every item and every execution in this
 * process: never more than `limit` requests in any `windowMs`, and after a 429 the whole credential
 * waits out the cooldown, not just the request that got it.
 */
export class RateLimiter {
	/** Send times of the latest requests (at most `limit`), ascending; some may lie in the future. */
	private readonly sent: number[] = [];
	private cooldownUntil = 0;
	/**
	 * The window is counted a little longer than the server's: a request reaches it some time after
	 * its slot, and a burst that starts the server's window late must not end in the next one.
	 */
	private readonly spacingMs: number;

	constructor(
		readonly limit: number,
		readonly windowMs: number,
	) {
		this.spacingMs = windowMs + Math.min(1_000, Math.max(250, windowMs * 0.02));
	}

	/** Books the earliest slot and returns how long to wait for it (0: send now). */
	reserve(now: number): number {
		let at = Math.max(now, this.cooldownUntil, this.sent[this.sent.length - 1] ?? 0);
		if (this.sent.length >= this.limit) at = Math.max(at, this.sent[this.sent.length - this.limit] + this.spacingMs);
		this.sent.push(at);
		if (this.sent.length > this.limit) this.sent.shift();
		return at - now;
	}

	coolDown(until: number): void {
		this.cooldownUntil = Math.max(this.cooldownUntil, until);
	}

	isCoolingDown(now: number): boolean {
		return now < this.cooldownUntil;
	}

	/** How much of the window's budget is used or booked: 1 means requests are queueing. */
	pressure(now: number): number {
		if (this.isCoolingDown(now)) return 1;
		const recent = this.sent.filter((at) => at > now - this.windowMs).length;
		return recent / this.limit;
	}
}

const limiters = new Map<string, RateLimiter>();

/** The process-wide limiter of a credential (a new one when its limit is changed). */
export function limiterFor(key: string, limit: number, windowMs: number): RateLimiter {
	const id = `${key}|${limit}|${windowMs}`;
	let limiter = limiters.get(id);
	if (!limiter) {
		limiter = new RateLimiter(limit, windowMs);
		limiters.set(id, limiter);
	}
	return limiter;
}

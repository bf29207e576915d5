/**
 * The keys that sign Zapier's callbacks, kept in memory. They are fetched once, again in the background
 * once older than their maximum age (the JWKS's Cache-Control `max-age`, within bounds), and again when
 * a token does not verify against keys older than a minute (Zapier may have rotated them). A failed
 * fetch keeps the last good keys and is remembered for a minute, so that neither a made-up key ID nor
 * a failing URL makes every callback fetch again.
 */
import type { Jwk, KeySnapshot, KeySource } from './callbackSignature';
import { KeysUnavailable } from './callbackSignature';

export interface FetchedKeys {
	keys: Jwk[];
	/** From the answer's Cache-Control, when it gives one. */
	maxAgeMs?: number;
}

export const KEY_REFRESH_MS = 60_000;
export const DEFAULT_KEYS_MAX_AGE_MS = 15 * 60_000;
const LONGEST_KEYS_MAX_AGE_MS = 24 * 3_600_000;

/** The maximum age a Cache-Control header gives, in ms, if it gives one. */
export function cacheMaxAgeMs(cacheControl: unknown): number | undefined {
	if (typeof cacheControl !== 'string') return undefined;
	if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(cacheControl)) return 0;
	const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl);
	return match ? Number(match[1]) * 1000 : undefined;
}

export class KeySet implements KeySource {
	private snapshot?: KeySnapshot & { maxAgeMs: number };
	private fetching?: Promise<KeySnapshot>;
	private failure?: { at: number; error: KeysUnavailable };

	constructor(
		private readonly fetchKeys: () => Promise<FetchedKeys>,
		private readonly clock: () => number = () => Date.now(),
	) {}

	/** The keys to check a token against: fetched if there are none yet, refreshed in the background once too old. */
	async current(): Promise<KeySnapshot> {
		if (!this.snapshot) return await this.fetchUnlessFailedLately();
		if (this.clock() - this.snapshot.fetchedAt >= this.snapshot.maxAgeMs && !this.failedLately()) {
			void this.fetch().catch(() => undefined);
		}
		return this.snapshot;
	}

	/** Keys fetched anew, unless the last fetch is under a minute old (the same snapshot then). */
	async refresh(): Promise<KeySnapshot> {
		if (this.snapshot && this.clock() - this.snapshot.fetchedAt < KEY_REFRESH_MS) return this.snapshot;
		return await this.fetchUnlessFailedLately();
	}

	private failedLately(): boolean {
		return this.failure !== undefined && this.clock() - this.failure.at < KEY_REFRESH_MS;
	}

	private async fetchUnlessFailedLately(): Promise<KeySnapshot> {
		if (this.failedLately()) throw this.failure!.error;
		return await this.fetch();
	}

	private async fetch(): Promise<KeySnapshot> {
		this.fetching ??= this.fetchKeys().then(
			({ keys, maxAgeMs }) => {
				const bounded = Math.min(Math.max(maxAgeMs ?? DEFAULT_KEYS_MAX_AGE_MS, KEY_REFRESH_MS), LONGEST_KEYS_MAX_AGE_MS);
				this.snapshot = { keys, fetchedAt: this.clock(), maxAgeMs: bounded };
				this.failure = undefined;
				this.fetching = undefined;
				return this.snapshot;
			},
			(error: Error) => {
				this.failure = { at: this.clock(), error: error instanceof KeysUnavailable ? error : new KeysUnavailable(error.message) };
				this.fetching = undefined;
				throw this.failure.error;
			},
		);
		return await this.fetching;
	}
}

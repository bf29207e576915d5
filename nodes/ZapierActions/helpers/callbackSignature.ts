/**
 * Zapier signs the callback of a finished run with an RS256 JWT (header `Zapier-Callback-Signature`,
 * valid for 5 minutes), checked against its JWKS. Only RS256 is accepted, whatever the token's header
 * says, so that neither `alg: none` nor an HMAC keyed with the public key can pass; a claim that names
 * the run or the body's hash must match the body.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

import type { Checked } from './validate';
import { isJsonObject } from './validate';

export interface Jwk {
	kty: string;
	kid?: string;
	n?: string;
	e?: string;
	alg?: string;
	use?: string;
}

export type Claims = Record<string, unknown>;

/** The signing keys: as last fetched, or fetched again (`refresh`) when a token names one not among them. */
export type KeySource = (refresh: boolean) => Promise<Jwk[]>;

/** Seconds that the clocks of Zapier and n8n may differ by. */
export const CLOCK_SKEW_SECONDS = 60;

function decodeJson(part: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
		return isJsonObject(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

async function keyFor(kid: unknown, keys: KeySource): Promise<Jwk | undefined> {
	const matching = (set: Jwk[]) => set.find((key) => key.kty === 'RSA' && (kid === undefined || key.kid === kid));
	return matching(await keys(false)) ?? matching(await keys(true));
}

function signedBy(key: Jwk, signingInput: string, signature: string): boolean {
	try {
		const publicKey = createPublicKey({ key: { kty: 'RSA', n: key.n, e: key.e }, format: 'jwk' });
		return verify('RSA-SHA256', Buffer.from(signingInput), publicKey, Buffer.from(signature, 'base64url'));
	} catch {
		return false;
	}
}

/** What the claims say of the body, where they say anything: the run's ID, or the body's SHA-256. */
function bodyMismatch(claims: Claims, body: string): string | undefined {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		return 'the body is not JSON';
	}
	const data = isJsonObject(parsed) && isJsonObject(parsed.data) ? parsed.data : {};
	for (const claim of ['run_id', 'id']) {
		if (claims[claim] !== undefined && claims[claim] !== data.id) return `the token's ${claim} is not the body's run`;
	}
	const hash = claims.body_sha256 ?? claims.sha256;
	if (hash !== undefined) {
		const digest = createHash('sha256').update(body);
		const expected = [digest.copy().digest('hex'), digest.copy().digest('base64url'), digest.digest('base64')];
		if (!expected.includes(String(hash))) return "the body does not match the token's hash";
	}
	return undefined;
}

/**
 * Whether the claims tie the token to its body (the run's ID or the body's hash). Zapier documents only
 * `iat` and `exp`: a token without these proves Zapier sent a callback, not that it sent this body.
 */
export function bindsBody(claims: Claims): boolean {
	return ['run_id', 'id', 'body_sha256', 'sha256'].some((claim) => claims[claim] !== undefined);
}

/** Refused because its key is not (yet) in the JWKS: Zapier may have rotated its keys, so worth a retry. */
export const UNKNOWN_KEY = 'no signing key';

/** The claims of a valid signature of `body`, or why it is not one. `now` is in seconds. */
export async function verifyCallbackSignature(
	token: string | undefined,
	body: string,
	keys: KeySource,
	now: number,
): Promise<Checked<Claims>> {
	if (!token) return { ok: false, problem: 'the request is not signed' };
	const parts = token.trim().split('.');
	if (parts.length !== 3) return { ok: false, problem: 'the signature is not a JWT' };
	const [headerPart, claimsPart, signature] = parts;
	const header = decodeJson(headerPart);
	const claims = decodeJson(claimsPart);
	if (!header || !claims) return { ok: false, problem: 'the signature is not a JWT' };
	if (header.alg !== 'RS256') return { ok: false, problem: `the signature's algorithm "${String(header.alg)}" is not RS256` };
	const key = await keyFor(header.kid, keys);
	if (!key) return { ok: false, problem: `${UNKNOWN_KEY} "${String(header.kid)}" in the JWKS` };
	if (!signedBy(key, `${headerPart}.${claimsPart}`, signature)) return { ok: false, problem: 'the signature does not verify' };
	if (typeof claims.exp !== 'number' || now > claims.exp + CLOCK_SKEW_SECONDS) return { ok: false, problem: 'the signature has expired' };
	if (typeof claims.iat === 'number' && claims.iat > now + CLOCK_SKEW_SECONDS)
		return { ok: false, problem: 'the signature is issued in the future' };
	if (typeof claims.nbf === 'number' && claims.nbf > now + CLOCK_SKEW_SECONDS)
		return { ok: false, problem: 'the signature is not valid yet' };
	const mismatch = bodyMismatch(claims, body);
	return mismatch ? { ok: false, problem: mismatch } : { ok: true, value: claims };
}

/**
 * A JWKS kept in memory: fetched once, fetched again for an unknown key at most once a minute, so that
 * tokens naming made-up keys cannot make every callback fetch it.
 */
export class KeySet {
	private keys?: Promise<Jwk[]>;
	private fetchedAt = 0;

	constructor(
		private readonly fetchKeys: () => Promise<Jwk[]>,
		private readonly minRefreshMs = 60_000,
		private readonly clock: () => number = Date.now,
	) {}

	readonly source: KeySource = async (refresh) => {
		const stale = refresh && this.clock() - this.fetchedAt >= this.minRefreshMs;
		if (!this.keys || stale) {
			this.fetchedAt = this.clock();
			const fetched = this.fetchKeys();
			this.keys = fetched;
			fetched.catch(() => this.keys === fetched && (this.keys = undefined));
		}
		return await this.keys;
	};
}

/**
 * Zapier signs the callback of a finished run with an RS256 JWT (header `Zapier-Callback-Signature`,
 * valid for 5 minutes), checked against its JWKS. The check is strict, so that one token has one
 * spelling: canonical base64url, UTF-8 JSON, RS256 only whatever the header says (neither `alg: none`
 * nor an HMAC keyed with the public key can pass), no `crit`, claims of their types, a lifetime no
 * longer than Zapier's. A claim that names the run or the body's hash must match the body.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';

import type { Checked } from './validate';
import { isJsonObject } from './validate';

export interface Jwk {
	kty: string;
	kid?: string;
	n: string;
	e: string;
	alg?: string;
	use?: string;
	key_ops?: string[];
}

export type Claims = Record<string, unknown>;

/** Keys as last fetched, with when; `refresh` fetches again unless they are too recent to (then the same snapshot). */
export interface KeySnapshot {
	keys: Jwk[];
	fetchedAt: number;
}
export interface KeySource {
	current(): Promise<KeySnapshot>;
	refresh(): Promise<KeySnapshot>;
}

/** Seconds that the clocks of Zapier and n8n may differ by. */
export const CLOCK_SKEW_SECONDS = 60;
/** Zapier's tokens are valid for 5 minutes. */
const TOKEN_LIFETIME_SECONDS = 300;
const MIN_MODULUS_BITS = 2048;
const PRIVATE_PARTS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The bytes of a canonical base64url part (no padding, no other alphabet, no stray bits), or undefined. */
export function decodeBase64url(part: string): Buffer | undefined {
	if (!BASE64URL.test(part) || part.length % 4 === 1) return undefined;
	const bytes = Buffer.from(part, 'base64url');
	return bytes.toString('base64url') === part ? bytes : undefined;
}

function decodeJson(part: string): Record<string, unknown> | undefined {
	const bytes = decodeBase64url(part);
	if (!bytes) return undefined;
	try {
		const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
		return isJsonObject(value) ? (value as Record<string, unknown>) : undefined;
	} catch {
		return undefined;
	}
}

function modulusBits(n: string): number {
	const bytes = decodeBase64url(n);
	if (!bytes?.length) return 0;
	const first = bytes.findIndex((byte) => byte !== 0);
	return first < 0 ? 0 : (bytes.length - first - 1) * 8 + Math.floor(Math.log2(bytes[first])) + 1;
}

/** The keys of a JWKS fit to verify RS256 signatures: public RSA keys of 2,048 bits or more, meant for signing. */
export function signingKeysOf(jwks: unknown): Jwk[] {
	const keys = isJsonObject(jwks) && Array.isArray(jwks.keys) ? (jwks.keys as unknown[]) : [];
	return keys.filter((key): key is Jwk => {
		if (!isJsonObject(key) || key.kty !== 'RSA' || typeof key.n !== 'string' || typeof key.e !== 'string') return false;
		if (key.kid !== undefined && typeof key.kid !== 'string') return false;
		if (key.use !== undefined && key.use !== 'sig') return false;
		if (key.alg !== undefined && key.alg !== 'RS256') return false;
		if (key.key_ops !== undefined && !(Array.isArray(key.key_ops) && (key.key_ops as unknown[]).includes('verify'))) return false;
		if (PRIVATE_PARTS.some((part) => key[part] !== undefined)) return false;
		return modulusBits(key.n) >= MIN_MODULUS_BITS && decodeBase64url(key.e) !== undefined;
	});
}

function signedBy(key: Jwk, signingInput: string, signature: Buffer): boolean {
	try {
		const publicKey = createPublicKey({ key: { kty: 'RSA', n: key.n, e: key.e }, format: 'jwk' });
		return verify('RSA-SHA256', Buffer.from(signingInput), publicKey, signature);
	} catch {
		return false;
	}
}

/** The claims' types and times, as Zapier issues them. */
function claimsProblem(claims: Claims, now: number): string | undefined {
	for (const claim of ['iat', 'exp', 'nbf']) {
		const value = claims[claim];
		if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) return `the token's ${claim} is not a number`;
	}
	for (const claim of ['run_id', 'id', 'body_sha256', 'sha256']) {
		if (claims[claim] !== undefined && typeof claims[claim] !== 'string') return `the token's ${claim} is not a string`;
	}
	const { iat, exp, nbf } = claims as { iat?: number; exp?: number; nbf?: number };
	if (exp === undefined || now > exp + CLOCK_SKEW_SECONDS) return 'the signature has expired';
	if (iat === undefined) return 'the token does not say when it was issued (iat)';
	if (iat > now + CLOCK_SKEW_SECONDS) return 'the signature is issued in the future';
	if (nbf !== undefined && nbf > now + CLOCK_SKEW_SECONDS) return 'the signature is not valid yet';
	if (exp - iat > TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) return `the token is valid longer than Zapier's ${TOKEN_LIFETIME_SECONDS} s`;
	return undefined;
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

/** Whether the token binds the body's bytes (its SHA-256): Zapier documents only `iat` and `exp`. */
export function bindsBody(claims: Claims): boolean {
	return claims.body_sha256 !== undefined || claims.sha256 !== undefined;
}

/** Why a token's keys could not be had: worth Zapier's retry, unlike a refusal. */
export class KeysUnavailable extends Error {}

type Parsed = { header: Record<string, unknown>; claims: Claims; signingInput: string; signature: Buffer };

function parseToken(token: string): Checked<Parsed> {
	const parts = token.split('.');
	if (parts.length !== 3) return { ok: false, problem: 'the signature is not a JWT' };
	const [headerPart, claimsPart, signaturePart] = parts;
	const header = decodeJson(headerPart);
	const claims = decodeJson(claimsPart);
	const signature = decodeBase64url(signaturePart);
	if (!header || !claims || !signature?.length) return { ok: false, problem: 'the signature is not a JWT' };
	if (header.alg !== 'RS256') return { ok: false, problem: `the signature's algorithm "${String(header.alg)}" is not RS256` };
	if (header.crit !== undefined) return { ok: false, problem: 'the token names critical extensions (crit)' };
	if (header.kid !== undefined && typeof header.kid !== 'string') return { ok: false, problem: "the token's kid is not a string" };
	return { ok: true, value: { header, claims, signingInput: `${headerPart}.${claimsPart}`, signature } };
}

/** Whether a key of the snapshot (the one the token names, or each when it names none) signed the token. */
function verifiesWith(snapshot: KeySnapshot, token: Parsed): 'signed' | 'no key' | 'not signed' {
	const { kid } = token.header;
	const candidates = snapshot.keys.filter((key) => kid === undefined || key.kid === kid);
	if (!candidates.length) return 'no key';
	return candidates.some((key) => signedBy(key, token.signingInput, token.signature)) ? 'signed' : 'not signed';
}

/**
 * The claims of a valid signature of `body`, or why it is not one. `now` is in seconds. A signature that
 * fails against keys fetched more than a minute ago is checked once more against keys fetched anew
 * (Zapier may have rotated them); `KeysUnavailable` is thrown when no keys could be had for it.
 */
export async function verifyCallbackSignature(
	token: string | undefined,
	body: string,
	keys: KeySource,
	now: number,
): Promise<Checked<Claims>> {
	if (!token) return { ok: false, problem: 'the request is not signed' };
	const parsed = parseToken(token);
	if (!parsed.ok) return parsed;
	const problem = claimsProblem(parsed.value.claims, now);
	if (problem) return { ok: false, problem };
	const snapshot = await keys.current();
	let verdict = verifiesWith(snapshot, parsed.value);
	if (verdict !== 'signed') {
		const fresh = await keys.refresh();
		if (fresh !== snapshot) verdict = verifiesWith(fresh, parsed.value);
	}
	if (verdict === 'no key') return { ok: false, problem: `no signing key "${String(parsed.value.header.kid)}" in the JWKS` };
	if (verdict === 'not signed') return { ok: false, problem: 'the signature does not verify' };
	const mismatch = bodyMismatch(parsed.value.claims, body);
	return mismatch ? { ok: false, problem: mismatch } : { ok: true, value: parsed.value.claims };
}

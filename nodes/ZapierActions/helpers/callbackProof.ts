/**
 * A trigger's callback URL, as this package sends it to Zapier, carries a proof that it was made with
 * the Zapier credential: an HMAC, keyed from the credential's client secret, over the trigger it is
 * for, when it was made and a nonce of its own. Zapier signs every account's callbacks with the same
 * keys, so its signature alone cannot tell this n8n's runs from a stranger's; the proof can, without a
 * request to Zapier.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { Checked } from './validate';

export const PROOF_PARAMETER = 'zapier_proof';
/** The last path segment of the trigger's webhook: the one before it names the trigger (its webhook ID). */
export const TRIGGER_PATH = 'zapier-action-runs';
/** Zapier keeps a run 7 days: a proof older than that (and a minute's clock skew) is not one of a live run. */
export const PROOF_LIFETIME_SECONDS = 7 * 24 * 3600 + 60;
const VERSION = 'v1';

/** The key that proofs are made with: derived from the credential's secret, and only for them. */
export function proofKey(secret: string): Buffer {
	return createHmac('sha256', secret).update('n8n-nodes-zapier-actions callback proof').digest();
}

function mac(key: Buffer, target: string, issuedAt: number, nonce: string): Buffer {
	return createHmac('sha256', key).update(`${VERSION}|${target}|${issuedAt}|${nonce}`).digest();
}

/** The trigger a callback URL is for (the path segment before `zapier-action-runs`), if it is a trigger's. */
export function triggerOf(url: URL): string | undefined {
	const segments = url.pathname.split('/').filter(Boolean);
	const last = segments.length;
	if (last < 2 || segments[last - 1] !== TRIGGER_PATH) return undefined;
	try {
		return decodeURIComponent(segments[last - 2]);
	} catch {
		return undefined;
	}
}

/** `url` with a proof for the trigger it names; other URLs are left as they are (a proof is for triggers only). */
export function withProof(url: string, key: Buffer, now: number, nonce = randomBytes(12).toString('base64url')): string {
	const parsed = new URL(url);
	const target = triggerOf(parsed);
	if (target === undefined) return url;
	parsed.searchParams.set(PROOF_PARAMETER, `${VERSION}.${now}.${nonce}.${mac(key, target, now, nonce).toString('base64url')}`);
	return parsed.href;
}

/** The proof's nonce, when `proof` was made with `key` for `target` and is still within its lifetime. */
export function checkProof(proof: unknown, key: Buffer, target: string, now: number): Checked<string> {
	if (typeof proof !== 'string' || proof === '') return { ok: false, problem: 'its URL carries no proof that this n8n started the run' };
	const [version, issued, nonce, given, ...rest] = proof.split('.');
	const issuedAt = Number(issued);
	if (version !== VERSION || rest.length || !nonce || !given || !/^\d{1,12}$/.test(issued ?? '')) {
		return { ok: false, problem: "its URL's proof is malformed" };
	}
	const expected = mac(key, target, issuedAt, nonce);
	const received = Buffer.from(given, 'base64url');
	if (received.length !== expected.length || !timingSafeEqual(received, expected) || received.toString('base64url') !== given) {
		return { ok: false, problem: "its URL's proof was not made with this credential for this trigger" };
	}
	if (issuedAt > now + 60 || now - issuedAt > PROOF_LIFETIME_SECONDS) return { ok: false, problem: "its URL's proof has expired" };
	return { ok: true, value: nonce };
}

/**
 * Zapier's callbacks: when a run that was given a `callback_url` ends, its outcome is POSTed there,
 * signed with an RS256 JWT in `Zapier-Callback-Signature` (5 minutes valid) whose key is served as a
 * JWKS. Switches deliver late, twice or never, and sign with a forged key or an expired token; the key
 * can be rotated (under the same kid or a new one) or withdrawn from the JWKS while still signing,
 * and the JWKS can be served slowly, hugely, through a redirect, or not at all.
 */
import type { KeyObject } from 'node:crypto';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

import type { ServerResponse } from 'node:http';

import type { Host } from './config';
import type { Replies, Route } from './http';

export type CallbackDelivery = 'once' | 'twice' | 'never';
export type CallbackSignature = 'valid' | 'unbound' | 'forged' | 'expired' | 'none';
/** `same-kid`/`new-kid`: a new key signs and the JWKS serves it alone; `withdraw`: the JWKS drops the key that still signs. */
export type KeyRotation = 'same-kid' | 'new-kid' | 'withdraw';

const JWKS_PATH = '/.well-known/jwks.json';
const DELIVERY_ATTEMPTS = 3;
const RETRY_DELAY_MS = 1_000;

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject; kid: string } {
	return { ...generateKeyPairSync('rsa', { modulusLength: 2048 }), kid: `sandbox-${randomBytes(4).toString('hex')}` };
}

export class Callbacks {
	readonly routes: Route[] = [{ method: 'GET', pattern: JWKS_PATH, name: `GET ${JWKS_PATH}`, handler: ({ res }) => this.serveJwks(res) }];
	private readonly original = keyPair();
	private key = this.original;
	/** The keys the JWKS lists: the signing key, unless it was withdrawn. */
	private published = [this.original];
	/** Signs what the switch `forged` sends: a key of the same name that the JWKS does not hold. */
	private readonly forger = { ...keyPair(), kid: this.original.kid };
	private timers = new Set<NodeJS.Timeout>();

	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
	) {}

	get jwksUrl(): string {
		return `${this.host.url}${JWKS_PATH}`;
	}

	jwks(): { keys: object[] } {
		return {
			keys: this.published.map((key) => ({
				...(key.publicKey.export({ format: 'jwk' }) as object),
				kid: key.kid,
				alg: 'RS256',
				use: 'sig',
			})),
		};
	}

	/** Changes the signing key as Zapier might: see `KeyRotation`. */
	rotateKey(rotation: KeyRotation): void {
		if (rotation === 'withdraw') {
			this.published = [keyPair()];
			return;
		}
		this.key = { ...keyPair(), ...(rotation === 'same-kid' ? { kid: this.key.kid } : {}) };
		this.published = [this.key];
	}

	private serveJwks(res: ServerResponse): void {
		const { jwksServing, jwksMaxAgeSeconds } = this.host.config;
		const headers: Record<string, string> = jwksMaxAgeSeconds === null ? {} : { 'Cache-Control': `public, max-age=${jwksMaxAgeSeconds}` };
		if (jwksServing === 'down') return this.replies.json(res, 503, { error: 'unavailable' });
		if (jwksServing === 'redirect') {
			res.writeHead(302, { Location: `http://localhost:${new URL(this.host.url).port}${JWKS_PATH}` });
			return void res.end();
		}
		if (jwksServing === 'huge') {
			const padding = Array.from({ length: 30_000 }, (_, n) => ({ kty: 'oct', kid: `padding-${n}`, k: 'A'.repeat(1_000) }));
			return this.replies.json(res, 200, { keys: [...this.jwks().keys, ...padding] }, headers);
		}
		// One byte every 100 ms: each byte is on time, the whole is not.
		if (jwksServing === 'slow') this.replies.slow(res, 100);
		this.replies.json(res, 200, this.jwks(), headers);
	}

	/** Reports the run at `url` once it has ended, as the switches say, with the body its dialect reads a finished run with. */
	schedule(url: string, runId: string, endsInMs: number, body: () => object): void {
		const { callbackDelivery, callbackDelayMs } = this.host.config;
		if (callbackDelivery === 'never') return;
		const deliver = () => void this.deliver(url, body(), runId);
		this.later(endsInMs + callbackDelayMs, () => {
			deliver();
			if (callbackDelivery === 'twice') this.later(50, deliver);
		});
	}

	/** Forgets what is still to be delivered, and signs with the first key again. */
	reset(): void {
		this.key = this.original;
		this.published = [this.original];
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	private later(ms: number, action: () => void): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			action();
		}, ms);
		this.timers.add(timer);
	}

	/** As Zapier does: tried again after a 5xx or no answer, up to 3 times in all, within seconds; a 4xx is final. */
	private async deliver(url: string, payload: object, runId: string, attempt = 1): Promise<void> {
		const body = JSON.stringify(payload);
		const signature = this.signature(body, runId);
		this.host.counters.callbacksSent++;
		const status = await fetch(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', ...(signature ? { 'Zapier-Callback-Signature': signature } : {}) },
			body,
		}).then(
			(response) => response.status,
			() => 0,
		);
		this.host.counters.callbackAnswers.push({ runId, at: Date.now(), status });
		if ((status === 0 || status >= 500) && attempt < DELIVERY_ATTEMPTS) {
			this.later(RETRY_DELAY_MS * attempt, () => void this.deliver(url, payload, runId, attempt + 1));
		}
	}

	private signature(body: string, runId: string): string | undefined {
		const mode = this.host.config.callbackSignature;
		if (mode === 'none') return undefined;
		const now = Math.floor(Date.now() / 1000);
		const iat = mode === 'expired' ? now - 600 : now;
		// `unbound`: only what Zapier documents (iat, exp), so that the token does not name the run or the body.
		const binding = mode === 'unbound' ? {} : { run_id: runId, body_sha256: createHash('sha256').update(body).digest('hex') };
		const claims = { iat, exp: iat + 300, ...binding };
		const signer = mode === 'forged' ? this.forger : this.key;
		const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
		const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: signer.kid })}.${encode(claims)}`;
		return `${input}.${sign('RSA-SHA256', Buffer.from(input), signer.privateKey).toString('base64url')}`;
	}
}

/**
 * Zapier's client-credentials token (the API behind Zapier's SDK): exchanged at the credential's
 * token URL, shared by every request of this process that needs one at the same time, and replaced
 * shortly before it expires or once Zapier refuses it.
 */
import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';

export const TOKEN_URL = 'https://zapier.com/oauth/token/';
/** What the token endpoint's refusal or absence is thrown as: it proves the request it was for did nothing. */
export const CREDENTIALS_REFUSED = 'ZAPIER_CREDENTIALS_REFUSED';
export const TOKEN_UNAVAILABLE = 'ZAPIER_TOKEN_UNAVAILABLE';

const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;
const EXCHANGE_TIMEOUT_MS = 30_000;
const DEFAULT_LIFETIME_S = 3_600;

export interface IssuedToken {
	accessToken: string;
	/** Epoch ms after which the token is replaced before use. */
	renewAt: number;
}

/** When a token that lives `lifetimeMs` from `now` is replaced: 5 minutes before it expires, or after 90% of a shorter life. */
export function renewalTime(now: number, lifetimeMs: number): number {
	return now + lifetimeMs - Math.min(RENEW_BEFORE_EXPIRY_MS, lifetimeMs / 10);
}

export function isRenewalDue(renewAt: unknown, now: number): boolean {
	return typeof renewAt === 'number' && renewAt > 0 && now >= renewAt;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Zapier reads a JWT-shaped token under the `JWT` scheme, any other under `Bearer`. */
export function authorizationHeader(token: string): string {
	return `${JWT_SHAPE.test(token) ? 'JWT' : 'Bearer'} ${token}`;
}

function tokenError(code: string, message: string): Error {
	return Object.assign(new Error(message), { code });
}

function tokenUrlOf(raw: unknown): URL {
	let url: URL | undefined;
	try {
		url = new URL(typeof raw === 'string' && raw.trim() ? raw.trim() : TOKEN_URL);
	} catch {
		url = undefined;
	}
	if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password) {
		throw tokenError(CREDENTIALS_REFUSED, `The credential's Token URL "${String(raw)}" is not an http(s) URL without a user name`);
	}
	return url;
}

type Exchange = { pending: Promise<IssuedToken> } | { token: IssuedToken };
const exchanges = new Map<string, Exchange>();

/**
 * A token for the credential: the exchange under way when there is one, else the token this process
 * holds when it is fresh and is not the one the credential just failed with, else a new exchange.
 */
export async function issuedToken(
	helpers: IHttpRequestHelper['helpers'],
	credentials: ICredentialDataDecryptedObject,
): Promise<IssuedToken> {
	const url = tokenUrlOf(credentials.tokenUrl);
	const clientId = String(credentials.clientId ?? '').trim();
	const clientSecret = String(credentials.clientSecret ?? '');
	if (!clientId || !clientSecret) throw tokenError(CREDENTIALS_REFUSED, 'The credential needs its Client ID and Client Secret');
	const key = [url.href, clientId, createHash('sha256').update(clientSecret).digest('hex')].join('\n');
	const known = exchanges.get(key);
	const now = Date.now();
	if (known && 'pending' in known) return await known.pending;
	if (known && 'token' in known && known.token.accessToken !== credentials.accessToken && now < known.token.renewAt) return known.token;

	// The requests that ask while it is under way share its outcome; a failure is not kept beyond it.
	const pending = exchange(helpers, url, clientId, clientSecret);
	exchanges.set(key, { pending });
	const outcome = await pending.then(
		(token) => ({ token }),
		(failure: Error) => ({ failure }),
	);
	if ('failure' in outcome) {
		exchanges.delete(key);
		throw outcome.failure;
	}
	exchanges.set(key, outcome);
	return outcome.token;
}

interface TokenAnswer {
	access_token?: unknown;
	expires_in?: unknown;
	error?: unknown;
	error_description?: unknown;
}

async function exchange(helpers: IHttpRequestHelper['helpers'], url: URL, clientId: string, clientSecret: string): Promise<IssuedToken> {
	const form = new URLSearchParams({
		grant_type: 'client_credentials',
		client_id: clientId,
		client_secret: clientSecret,
		scope: 'external',
		audience: 'zapier.com',
	});
	let answer: TokenAnswer;
	try {
		answer = (await helpers.httpRequest({
			method: 'POST',
			url: url.href,
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
			body: form.toString(),
			json: false,
			disableFollowRedirect: true,
			timeout: EXCHANGE_TIMEOUT_MS,
		})) as TokenAnswer;
		if (typeof answer === 'string') answer = JSON.parse(answer) as TokenAnswer;
	} catch (error) {
		throw refusal(error as { response?: { status?: number; data?: unknown }; code?: string });
	}
	const token = typeof answer?.access_token === 'string' ? answer.access_token : '';
	if (!token) throw tokenError(TOKEN_UNAVAILABLE, "Zapier's token endpoint answered without an access token");
	const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : DEFAULT_LIFETIME_S;
	return { accessToken: token, renewAt: renewalTime(Date.now(), Math.min(lifetime, 86_400 * 365) * 1000) };
}

/** Why the exchange failed, without the secret: Zapier's OAuth error code when it gave one. */
function refusal(error: { response?: { status?: number; data?: unknown }; code?: string }): Error {
	const status = error.response?.status;
	if (!status) return tokenError(TOKEN_UNAVAILABLE, `Could not reach Zapier's token endpoint (${error.code ?? 'network error'})`);
	let body = error.response?.data as TokenAnswer | string | undefined;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body) as TokenAnswer;
		} catch {
			body = undefined;
		}
	}
	const oauth = typeof body === 'object' && body ? body : {};
	const reason = [oauth.error, oauth.error_description].filter((part) => typeof part === 'string' && part).join(': ');
	if (status === 400 || status === 401 || status === 403) {
		return tokenError(CREDENTIALS_REFUSED, `Zapier refused the client credentials (HTTP ${status}${reason ? `, ${reason}` : ''})`);
	}
	return tokenError(TOKEN_UNAVAILABLE, `Zapier's token endpoint answered HTTP ${status}${reason ? ` (${reason})` : ''}`);
}

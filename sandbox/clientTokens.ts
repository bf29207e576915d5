/**
 * The client-credentials grant of Zapier's token endpoint (the API behind Zapier's SDK) and the
 * JWT-shaped tokens it hands out, which only the SDK routes take, under the `JWT` scheme.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Host } from './config';
import type { Replies } from './http';

export interface ClientToken {
	access_token: string;
	token_type: string;
	expires_in: number;
	scope: string;
}

/** The SDK API's 401: one error, whatever was wrong with the token. */
export const invalidToken = (detail: string) => ({ errors: [{ code: 'invalid_token', title: 'Unauthorized', detail }] });

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class ClientTokens {
	private tokens = new Map<string, { expiresAt: number }>();
	/** Signs the tokens, so that they are real JWTs; nothing outside the sandbox can check them, nor needs to. */
	private readonly secret = randomBytes(32);

	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
	) {}

	/** A token for the configured client credentials, as an exchange would give (not counted as one). */
	issue(scope = 'external'): ClientToken {
		const ttl = this.host.config.clientTokenTtlSeconds;
		const now = Math.floor(Date.now() / 1000);
		const claims = {
			iss: this.host.url,
			aud: 'zapier.com',
			sub: this.host.config.clientCredentials.clientId,
			scope,
			iat: now,
			exp: now + ttl,
			jti: randomUUID(),
		};
		const input = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
		const token = `${input}.${createHmac('sha256', this.secret).update(input).digest('base64url')}`;
		this.tokens.set(token, { expiresAt: Date.now() + ttl * 1000 });
		this.host.counters.tokensIssued++;
		return { access_token: token, token_type: 'Bearer', expires_in: ttl, scope };
	}

	expire(): void {
		for (const token of this.tokens.values()) token.expiresAt = 0;
	}

	/** `grant_type=client_credentials`, as the SDK sends it: a form with the credentials, `scope` and `audience`. */
	exchange(req: IncomingMessage, form: URLSearchParams, res: ServerResponse): void {
		if (!req.headers['content-type']?.includes('application/x-www-form-urlencoded')) {
			return this.refuse(res, 400, 'invalid_request', 'Send the grant as an application/x-www-form-urlencoded form.');
		}
		const { clientId, clientSecret } = this.host.config.clientCredentials;
		const sent = { id: form.get('client_id'), secret: form.get('client_secret') };
		// Zapier takes these credentials in the body only: a client that sends them as HTTP Basic is caught here.
		if (sent.id === null && /^Basic\s/i.test(req.headers.authorization ?? '')) {
			return this.refuse(res, 401, 'invalid_client', 'Send client_id and client_secret in the form body, not as HTTP Basic.');
		}
		if (sent.id !== clientId || sent.secret !== clientSecret) {
			return this.refuse(res, 401, 'invalid_client', 'Client authentication failed.');
		}
		const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
		if (!scopes.includes('external')) return this.refuse(res, 400, 'invalid_scope', 'The scope must include "external".');
		if (form.get('audience') !== 'zapier.com') return this.refuse(res, 400, 'invalid_request', 'The audience must be "zapier.com".');
		this.host.counters.clientCredentialsExchanges++;
		this.replies.json(res, 200, this.issue([...new Set(scopes)].sort().join(' ')));
	}

	/** Whether the request carries a live token of this grant under the `JWT` scheme; answers 401 when not. */
	authenticate(req: IncomingMessage, res: ServerResponse): boolean {
		const [, scheme = '', token = ''] = /^(\S+)\s+(\S+)$/.exec(req.headers.authorization ?? '') ?? [];
		const known = this.tokens.get(token);
		let problem: string | undefined;
		if (!token) problem = 'Authentication credentials were not provided.';
		else if (scheme.toLowerCase() !== 'jwt') {
			// The SDK sends a JWT-shaped token as `JWT <token>`; a client that says Bearer is caught here.
			problem = known ? `Send this token as "Authorization: JWT <token>", not "${scheme}".` : 'Invalid token.';
		} else if (!known) problem = 'Invalid token.';
		else if (known.expiresAt <= Date.now()) problem = 'The access token has expired.';
		if (problem === undefined) return true;
		this.replies.json(res, 401, invalidToken(problem));
		return false;
	}

	private refuse(res: ServerResponse, status: number, error: string, description: string): void {
		this.replies.json(res, status, { error, error_description: description });
	}
}

/**
 * Zapier's OAuth2 endpoints (authorize, token) and the tokens they hand out, with rotation of refresh
 * tokens; the token endpoint passes the client-credentials grant (the SDK's) on to ClientTokens.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { ClientTokens } from './clientTokens';
import type { Host } from './config';
import type { Replies, Request, Route } from './http';
import { apiError } from './http';

export interface TokenPair {
	access_token: string;
	refresh_token: string;
	token_type: string;
	expires_in: number;
	scope: string;
}

export class OAuth {
	readonly routes: Route[] = [
		{ pattern: '/oauth/authorize', name: 'GET /oauth/authorize', handler: (request) => this.authorize(request) },
		{ pattern: '/v2/authorize', name: 'GET /oauth/authorize', handler: (request) => this.authorize(request) },
		{ method: 'POST', pattern: '/oauth/token', name: 'POST /oauth/token/', handler: (request) => this.token(request) },
	];
	private accessTokens = new Map<string, { expiresAt: number }>();
	private refreshTokens = new Set<string>();
	private codes = new Set<string>();

	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
		private readonly clientTokens: ClientTokens,
	) {}

	/** A connected token pair, as if a user had just authorised. */
	issue(): TokenPair {
		const access = `at_${randomBytes(12).toString('hex')}`;
		const refresh = `rt_${randomBytes(12).toString('hex')}`;
		this.accessTokens.set(access, { expiresAt: Date.now() + this.host.config.tokenTtlSeconds * 1000 });
		this.refreshTokens.add(refresh);
		this.host.counters.tokensIssued++;
		return {
			access_token: access,
			refresh_token: refresh,
			token_type: 'Bearer',
			expires_in: this.host.config.tokenTtlSeconds,
			scope: 'zap zap:write action:run connection:read',
		};
	}

	expireAccessTokens(): void {
		for (const token of this.accessTokens.values()) token.expiresAt = 0;
	}

	revokeRefreshTokens(): void {
		this.refreshTokens.clear();
	}

	isRefreshTokenValid(token: string): boolean {
		return this.refreshTokens.has(token);
	}

	/** Whether the request carries a live access token; answers 401 when not. */
	authenticate(req: IncomingMessage, res: ServerResponse): boolean {
		const auth = req.headers.authorization ?? '';
		const token = this.accessTokens.get(auth.replace(/^Bearer\s+/i, ''));
		if (!/^Bearer\s+/i.test(auth) || !token) {
			this.replies.json(
				res,
				401,
				apiError(401, 'not_authenticated', 'NotAuthenticated', 'Authentication credentials were not provided or are invalid.'),
			);
			return false;
		}
		if (token.expiresAt <= Date.now()) {
			this.replies.json(res, 401, apiError(401, 'token_expired', 'NotAuthenticated', 'The access token has expired.'));
			return false;
		}
		return true;
	}

	private authorize({ url, res }: Request): void {
		const redirect = url.searchParams.get('redirect_uri');
		if (url.searchParams.get('client_id') !== this.host.config.clientId || !redirect) {
			return this.replies.json(res, 400, { error: 'invalid_request', error_description: 'Unknown client_id or no redirect_uri.' });
		}
		const code = `code_${randomBytes(8).toString('hex')}`;
		this.codes.add(code);
		const target = new URL(redirect);
		target.searchParams.set('code', code);
		const state = url.searchParams.get('state');
		if (state !== null) target.searchParams.set('state', state);
		res.writeHead(302, { Location: target.toString() });
		res.end();
	}

	private token({ req, raw, res }: Request): void {
		const { config, counters } = this.host;
		const form = req.headers['content-type']?.includes('json') ? new URLSearchParams(JSON.parse(raw || '{}')) : new URLSearchParams(raw);
		const down = config.tokenEndpointStatus;
		if (down !== null && ['refresh_token', 'client_credentials'].includes(form.get('grant_type') ?? '')) {
			const error = down >= 500 ? 'server_error' : down === 429 ? 'temporarily_unavailable' : 'invalid_request';
			return this.replies.json(res, down, { error });
		}
		if (form.get('grant_type') === 'client_credentials') return this.clientTokens.exchange(req, form, res);
		const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
		const [clientId, clientSecret] = basic
			? Buffer.from(basic[1], 'base64').toString().split(':').map(decodeURIComponent)
			: [form.get('client_id'), form.get('client_secret')];
		if (clientId !== config.clientId || clientSecret !== config.clientSecret) {
			return this.replies.json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
		}
		const grant = form.get('grant_type');
		if (grant === 'authorization_code') {
			const code = form.get('code') ?? '';
			if (!this.codes.delete(code))
				return this.replies.json(res, 400, { error: 'invalid_grant', error_description: 'Unknown or used code.' });
			return this.replies.json(res, 200, this.issue());
		}
		if (grant === 'refresh_token') {
			const refresh = form.get('refresh_token') ?? '';
			// Rotation: a refresh token works once; the answer carries its successor.
			if (!this.refreshTokens.delete(refresh)) {
				return this.replies.json(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token.' });
			}
			counters.refreshes++;
			return this.replies.json(res, 200, this.issue());
		}
		this.replies.json(res, 400, { error: 'unsupported_grant_type' });
	}
}

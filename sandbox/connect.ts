/**
 * Connects a Zapier OAuth2 credential to a sandbox as n8n's OAuth2 callback does: the
 * authorization-code grant against its authorize and token endpoints. Returns the credential's data.
 */
export interface SandboxCredentialData {
	[key: string]: string | number | Record<string, unknown>;
	clientId: string;
	clientSecret: string;
	apiBaseUrl: string;
	authUrl: string;
	accessTokenUrl: string;
	grantType: string;
	authentication: string;
	scope: string;
	oauthTokenData: Record<string, unknown>;
	rateLimit: number;
	callbackKeysUrl: string;
}

export const SCOPE = 'zap zap:write action:run connection:read';

export async function connectToSandbox(
	url: string,
	client: { clientId: string; clientSecret: string },
	redirectUri = 'http://127.0.0.1:5678/rest/oauth2-credential/callback',
	/** The sandbox has no rate limit unless one is switched on: the client's may be generous. */
	rateLimit = 1_000,
): Promise<SandboxCredentialData> {
	const authorize = new URL(`${url}/oauth/authorize`);
	authorize.search = new URLSearchParams({
		response_type: 'code',
		client_id: client.clientId,
		redirect_uri: redirectUri,
		scope: SCOPE,
		state: 'connect',
	}).toString();
	const redirect = await fetch(authorize, { redirect: 'manual' });
	const location = redirect.headers.get('location');
	if (!location) throw new Error(`The sandbox did not authorise: HTTP ${redirect.status}`);
	const code = new URL(location).searchParams.get('code') ?? '';
	const basic = Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64');
	const token = await fetch(`${url}/oauth/token/`, {
		method: 'POST',
		headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
	});
	if (!token.ok) throw new Error(`The sandbox refused the code: HTTP ${token.status}`);
	return {
		...client,
		apiBaseUrl: url,
		authUrl: `${url}/oauth/authorize`,
		accessTokenUrl: `${url}/oauth/token/`,
		grantType: 'authorizationCode',
		authentication: 'header',
		scope: SCOPE,
		oauthTokenData: (await token.json()) as Record<string, unknown>,
		rateLimit,
		callbackKeysUrl: `${url}/.well-known/jwks.json`,
	};
}

import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * Zapier's "Powered by Zapier" OAuth2 (authorization code). The URLs are visible and editable so that
 * a credential can point at a proxy or at a local Zapier sandbox: n8n ignores stored values of
 * hidden fields.
 */
export class ZapierOAuth2Api implements ICredentialType {
	name = 'zapierOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Zapier OAuth2 API';

	icon: Icon = { light: 'file:zapier.svg', dark: 'file:zapier.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-zapier-actions/n8n-nodes-zapier-actions#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: 'https://api.zapier.com',
			description: "Zapier's API, or a proxy or local sandbox that speaks it",
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'string',
			default: 'https://api.zapier.com/v2/authorize',
			required: true,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'string',
			default: 'https://zapier.com/oauth/token/',
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'zap zap:write action:run connection:read',
			description:
				'Space-separated. Running actions needs action:run; the pickers need zap, zap:write and connection:read (older Zapier apps: authentication).',
		},
		{
			displayName: 'Rate Limit (Requests)',
			name: 'rateLimit',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10_000, numberPrecision: 0 },
			default: 60,
			description:
				'At most this many requests per window, shared by every item and execution in this n8n process (Zapier: 60 a minute per IP, 150 per partner)',
		},
		{
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindowSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 86_400 },
			default: 60,
			description: 'The window of the rate limit, at most a day',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 3_600 },
			default: 30,
			description:
				'A request without a complete answer by then (body included) is abandoned: a read is tried again, a run creation never is. At most an hour.',
		},
		{
			displayName: 'Callback Signing Keys URL',
			name: 'callbackKeysUrl',
			type: 'string',
			default: 'https://zapier.com/.well-known/jwks.json',
			description:
				'Where Zapier publishes the keys (JWKS) that sign its callbacks. A run waiting by callback resumes only for a callback signed by one of them.',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'response_mode=query',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
	];
}

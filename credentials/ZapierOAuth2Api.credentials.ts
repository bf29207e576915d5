import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { requestSettings } from './zapierSettings';

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
		...requestSettings('Zapier: 60 a minute per IP, 150 per partner'),
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

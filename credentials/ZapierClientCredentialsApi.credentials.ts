import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { authorizationHeader, issuedToken, TOKEN_URL } from '../nodes/ZapierActions/transport/clientCredentials';
import { CREDENTIAL_KINDS } from '../nodes/ZapierActions/transport/credentialKinds';
import { requestSettings } from './zapierSettings';

/**
 * Zapier's client credentials, which every Zapier user can create (`npx zapier-sdk
 * create-client-credentials`): the API behind Zapier's SDK, acting as that user on their own
 * connections. n8n asks for a token when it has none and again after a 401.
 */
const DEFAULT_BASE_URL = CREDENTIAL_KINDS.clientCredentials.defaultBaseUrl;

export class ZapierClientCredentialsApi implements ICredentialType {
	name = 'zapierClientCredentialsApi';

	displayName = 'Zapier Client Credentials API';

	icon: Icon = { light: 'file:zapier.svg', dark: 'file:zapier.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-zapier-actions/n8n-nodes-zapier-actions#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'From `npx zapier-sdk create-client-credentials`',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description: "The API behind Zapier's SDK, or a proxy or local sandbox that speaks it",
		},
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: TOKEN_URL,
			description: 'Where the client credentials are exchanged for an access token',
		},
		...requestSettings('Zapier does not publish a limit for this API; a 429 pauses every request of the credential'),
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Renew At',
			name: 'renewAt',
			type: 'hidden',
			default: 0,
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return { ...(await issuedToken(this.helpers, credentials)) };
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: authorizationHeader(String(credentials.accessToken ?? '')) },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ ($credentials.apiBaseUrl || "${DEFAULT_BASE_URL}").replace(/\\/+$/, "") }}`,
			url: '/api/v0/sdk/zapier/api/v4/authentications',
			qs: { owner: 'me', limit: 1 },
			disableFollowRedirect: true,
		},
	};
}

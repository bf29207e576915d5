/**
 * Which Zapier credential the engine tests, the demo and the benchmark connect with: the Partner
 * OAuth2, or (ZAPIER_CONNECT_BY=clientCredentials) a Zapier user's client credentials.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeCredentials } from 'n8n-workflow';

import type { ConnectBy } from '../nodes/ZapierActions/transport/credentialKinds';
import { CREDENTIAL_KINDS } from '../nodes/ZapierActions/transport/credentialKinds';

export type { ConnectBy };

export const CONNECT_BY: ConnectBy = process.env.ZAPIER_CONNECT_BY === 'clientCredentials' ? 'clientCredentials' : 'oAuth2';

/** The node's Authentication parameter and credential for a way to connect. */
export function connectedWith(
	connectBy: ConnectBy,
	credential: { id: string; name: string },
): { parameters: IDataObject; credentials: INodeCredentials } {
	return { parameters: { authentication: connectBy }, credentials: { [CREDENTIAL_KINDS[connectBy].type]: credential } };
}

/** A Zapier Client Credentials API credential for the sandbox at `url`, before its first token. */
export function clientCredentialsFor(url: string, client: { clientId: string; clientSecret: string }): ICredentialDataDecryptedObject {
	return {
		...client,
		apiBaseUrl: url,
		tokenUrl: `${url}/oauth/token/`,
		callbackKeysUrl: `${url}/.well-known/jwks.json`,
		accessToken: '',
		renewAt: 0,
	};
}

/** The SDK API's route, as the sandbox counts it, for what a Partner API route does. */
const SDK_ROUTE_OF: Record<string, string> = {
	'POST /v2/action-runs': 'POST /actions/v1/runs',
	'GET /v2/action-runs/:id': 'GET /actions/v1/runs/:id',
	'GET /v2/apps': 'GET /v4/implementations-meta/lookup/',
	'GET /v2/actions': 'GET /v4/implementations/',
	'GET /v2/authentications': 'GET /v4/authentications',
	'POST /v2/actions/:id/inputs': 'POST /v4/implementations/needs/',
	'POST /v2/actions/:id/inputs/:input/choices': 'POST /v4/implementations/choices/',
};

export const PARTNER_ROUTE_OF: Record<string, string> = Object.fromEntries(
	Object.entries(SDK_ROUTE_OF).map(([partner, sdk]) => [sdk, partner]),
);

/** The route of the credential's API for what a Partner API route (as tests name them) does. */
export const routeOf = (connectBy: ConnectBy, route: string) =>
	connectBy === 'clientCredentials' ? (SDK_ROUTE_OF[route] ?? route) : route;

export const isApiRoute = (route: string) => ['/v2/', '/v4/', '/actions/v1/'].some((part) => route.includes(part));

/**
 * Under client credentials, an action given by a free-form ID (the Partner API takes any, e.g.
 * `core:x`) stands for the sandbox's Send Email: the SDK API's action IDs name a real action.
 */
export const SDK_SEND_EMAIL = 'MailerCLIAPI@1.0.0|write|send_email|core:101';

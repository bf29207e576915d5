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

/** The two ways to connect to Zapier, chosen by the node's Authentication parameter, and the credential each one uses. */
import type { INode } from 'n8n-workflow';

export type ConnectBy = 'oAuth2' | 'clientCredentials';

export interface CredentialKind {
	connectBy: ConnectBy;
	/** The n8n credential type. */
	type: string;
	displayName: string;
	defaultBaseUrl: string;
}

export const CREDENTIAL_KINDS: Record<ConnectBy, CredentialKind> = {
	oAuth2: { connectBy: 'oAuth2', type: 'zapierOAuth2Api', displayName: 'Zapier OAuth2 API', defaultBaseUrl: 'https://api.zapier.com' },
	clientCredentials: {
		connectBy: 'clientCredentials',
		type: 'zapierClientCredentialsApi',
		displayName: 'Zapier Client Credentials API',
		defaultBaseUrl: 'https://sdkapi.zapier.com',
	},
};

/** The node's way to connect: its Authentication parameter, else (a workflow written by hand) the credential it has. */
export function credentialKindOf(node: INode): CredentialKind {
	const chosen = node.parameters?.authentication;
	if (chosen === 'clientCredentials' || chosen === 'oAuth2') return CREDENTIAL_KINDS[chosen];
	return node.credentials?.[CREDENTIAL_KINDS.clientCredentials.type] && !node.credentials?.[CREDENTIAL_KINDS.oAuth2.type]
		? CREDENTIAL_KINDS.clientCredentials
		: CREDENTIAL_KINDS.oAuth2;
}

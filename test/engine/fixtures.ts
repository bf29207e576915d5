import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import example from '../../examples/run-an-action.json';
import { ZapierOAuth2Api } from '../../credentials/ZapierOAuth2Api.credentials';
import { ZapierActions } from '../../nodes/ZapierActions/ZapierActions.node';
import { ZapierSandbox } from '../../sandbox/server';
import type { WorkflowJson } from './harness';
import { CredentialStore, NodeTypes } from './harness';

export const NODE_TYPE = 'n8n-nodes-zapier-actions.zapierActions';
export const CREDENTIAL_ID = 'zapier-sandbox';
export const ZAPIER_NODE = 'Zapier Actions';

/**
 * Connects a credential as n8n's OAuth2 callback does: the authorization-code grant against the
 * sandbox's authorize and token endpoints.
 */
export async function connectCredential(sandbox: ZapierSandbox, store: CredentialStore): Promise<void> {
	const { clientId, clientSecret } = sandbox.config;
	const authorize = new URL(`${sandbox.url}/oauth/authorize`);
	authorize.search = new URLSearchParams({
		response_type: 'code',
		client_id: clientId,
		redirect_uri: 'http://127.0.0.1:5678/rest/oauth2-credential/callback',
		scope: 'zap zap:write action:run connection:read',
		state: 'engine-test',
	}).toString();
	const redirect = await fetch(authorize, { redirect: 'manual' });
	const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
	const token = await fetch(`${sandbox.url}/oauth/token/`, {
		method: 'POST',
		headers: {
			Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
			'Content-Type': 'application/x-www-form-urlencoded',
		},
		body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:5678/rest/oauth2-credential/callback' }),
	});
	store.set(CREDENTIAL_ID, {
		clientId,
		clientSecret,
		apiBaseUrl: sandbox.url,
		authUrl: `${sandbox.url}/oauth/authorize`,
		accessTokenUrl: `${sandbox.url}/oauth/token/`,
		grantType: 'authorizationCode',
		authentication: 'header',
		scope: 'zap zap:write action:run connection:read',
		oauthTokenData: (await token.json()) as IDataObject,
	});
}

export interface Engine {
	sandbox: ZapierSandbox;
	credentials: CredentialStore;
	nodeTypes: NodeTypes;
}

/** A sandbox on loopback and a connected credential, for one test file. */
export async function startEngine(): Promise<Engine> {
	const sandbox = new ZapierSandbox();
	await sandbox.start();
	const credentials = new CredentialStore({
		zapierOAuth2Api: new ZapierOAuth2Api(),
		oAuth2Api: { name: 'oAuth2Api', displayName: 'OAuth2 API', properties: [] },
	});
	await connectCredential(sandbox, credentials);
	const nodeTypes = new NodeTypes({ [NODE_TYPE]: new ZapierActions() });
	return { sandbox, credentials, nodeTypes };
}

/**
 * The example workflow with the Zapier node's parameters replaced, fed `items` (as pin data on the
 * trigger) and with "Continue On Fail" when asked.
 */
export function workflow(parameters: INodeParameters, options: { items?: IDataObject[]; continueOnFail?: boolean } = {}): WorkflowJson {
	const json = structuredClone(example) as unknown as WorkflowJson;
	const trigger = json.nodes[0];
	const zapier = json.nodes.find((node) => node.name === ZAPIER_NODE) as INode;
	zapier.parameters = { resource: 'actionRun', operation: 'run', ...parameters };
	if (options.continueOnFail) zapier.onError = 'continueRegularOutput';
	if (options.items) json.pinData = { [trigger.name]: options.items.map((json) => ({ json })) };
	return json;
}

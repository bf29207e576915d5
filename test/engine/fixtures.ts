import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import example from '../../examples/run-an-action.json';
import { ZapierOAuth2Api } from '../../credentials/ZapierOAuth2Api.credentials';
import { ZapierActions } from '../../nodes/ZapierActions/ZapierActions.node';
import { connectToSandbox } from '../../sandbox/connect';
import { ZapierSandbox } from '../../sandbox/server';
import type { WorkflowJson } from './harness';
import { CredentialStore, NodeTypes } from './harness';

export const NODE_TYPE = 'n8n-nodes-zapier-actions.zapierActions';
export const CREDENTIAL_ID = 'zapier-sandbox';
export const ZAPIER_NODE = 'Zapier Actions';

export async function connectCredential(sandbox: ZapierSandbox, store: CredentialStore): Promise<void> {
	// A high client-side limit: only the rate-limit tests want it to bite, and they set their own.
	const data = { ...(await connectToSandbox(sandbox.url, sandbox.config)), rateLimit: 100_000 };
	store.set(CREDENTIAL_ID, data as ICredentialDataDecryptedObject);
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
export function workflow(parameters: IDataObject, options: { items?: IDataObject[]; continueOnFail?: boolean } = {}): WorkflowJson {
	const json = structuredClone(example) as unknown as WorkflowJson;
	const trigger = json.nodes[0];
	const zapier = json.nodes.find((node) => node.name === ZAPIER_NODE) as INode;
	zapier.parameters = { resource: 'actionRun', operation: 'run', inputsMode: 'json', ...parameters } as INodeParameters;
	if (options.continueOnFail) zapier.onError = 'continueRegularOutput';
	if (options.items) json.pinData = { [trigger.name]: options.items.map((json) => ({ json })) };
	return json;
}

/**
 * The node from source against the sandbox, for the engine tests and the benchmark: a connected
 * credential, and the example workflow with the Zapier node's parameters replaced.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import example from '../examples/run-an-action.json';
import triggerExample from '../examples/start-on-a-zapier-trigger.json';
import { ZapierClientCredentialsApi } from '../credentials/ZapierClientCredentialsApi.credentials';
import { ZapierOAuth2Api } from '../credentials/ZapierOAuth2Api.credentials';
import { ZapierActionRunTrigger } from '../nodes/ZapierActionRunTrigger/ZapierActionRunTrigger.node';
import { ZapierActions } from '../nodes/ZapierActions/ZapierActions.node';
import { ZapierTrigger } from '../nodes/ZapierTrigger/ZapierTrigger.node';
import { checkId } from '../nodes/ZapierActions/helpers/validate';
import { connectToSandbox } from '../sandbox/connect';
import { ZapierSandbox } from '../sandbox/server';
import type { ConnectBy } from './connectBy';
import { clientCredentialsFor, CONNECT_BY, connectedWith, SDK_SEND_EMAIL } from './connectBy';
import type { CredentialStore, WorkflowJson } from './engine';
import { NodeTypes, oauth2CredentialStore } from './engine';

export const NODE_TYPE = 'n8n-nodes-zapier-actions.zapierActions';
/** The node as an AI agent's tool: n8n runs the same node under this type. */
export const TOOL_TYPE = `${NODE_TYPE}Tool`;
export const TRIGGER_TYPE = 'n8n-nodes-zapier-actions.zapierActionRunTrigger';
export const ZAPIER_TRIGGER_TYPE = 'n8n-nodes-zapier-actions.zapierTrigger';
export const ZAPIER_TRIGGER_NODE = 'Zapier Trigger';
export const CREDENTIAL_ID = 'zapier-sandbox';
export const ZAPIER_NODE = 'Zapier Actions';

export async function connectCredential(sandbox: ZapierSandbox, store: CredentialStore, connectBy = CONNECT_BY): Promise<void> {
	const connected =
		connectBy === 'clientCredentials'
			? clientCredentialsFor(sandbox.url, sandbox.config.clientCredentials)
			: await connectToSandbox(sandbox.url, sandbox.config);
	// A high client-side limit: only the rate-limit tests want it to bite, and they set their own.
	store.set(CREDENTIAL_ID, { ...connected, rateLimit: 10_000, rateLimitWindowSeconds: 1 } as ICredentialDataDecryptedObject);
}

export interface Engine {
	sandbox: ZapierSandbox;
	credentials: CredentialStore;
	nodeTypes: NodeTypes;
}

/** A sandbox on loopback and a connected credential: one per test file, or per benchmark. */
export async function startEngine(connectBy = CONNECT_BY): Promise<Engine> {
	const sandbox = new ZapierSandbox();
	await sandbox.start();
	const credentials = oauth2CredentialStore({
		zapierOAuth2Api: new ZapierOAuth2Api(),
		zapierClientCredentialsApi: new ZapierClientCredentialsApi(),
	});
	await connectCredential(sandbox, credentials, connectBy);
	const nodeTypes = new NodeTypes({
		[NODE_TYPE]: new ZapierActions(),
		[TOOL_TYPE]: new ZapierActions(),
		[TRIGGER_TYPE]: new ZapierActionRunTrigger(),
		[ZAPIER_TRIGGER_TYPE]: new ZapierTrigger(),
	});
	return { sandbox, credentials, nodeTypes };
}

export interface WorkflowOptions {
	/** Fed to the Zapier node, as pin data on the trigger. */
	items?: IDataObject[];
	continueOnFail?: boolean;
}

/** A free-form action ID, under client credentials, as SDK_SEND_EMAIL; IDs the node must refuse stay as they are. */
function forDialect(parameters: IDataObject, connectBy: ConnectBy): IDataObject {
	const { action } = parameters;
	if (connectBy !== 'clientCredentials' || typeof action !== 'string' || action.includes('|') || action.startsWith('=')) return parameters;
	return checkId(action).ok ? { ...parameters, action: SDK_SEND_EMAIL } : parameters;
}

/** The example workflow with the Zapier node's parameters replaced, connected with the engine's credential. */
export function workflow(parameters: IDataObject, options: WorkflowOptions = {}, connectBy: ConnectBy = CONNECT_BY): WorkflowJson {
	const json = structuredClone(example) as unknown as WorkflowJson;
	const trigger = json.nodes[0];
	const zapier = json.nodes.find((node) => node.name === ZAPIER_NODE) as INode;
	const connected = connectedWith(connectBy, { id: CREDENTIAL_ID, name: 'Zapier sandbox' });
	zapier.credentials = connected.credentials;
	zapier.parameters = {
		resource: 'actionRun',
		operation: 'run',
		inputsMode: 'json',
		...connected.parameters,
		...forDialect(parameters, connectBy),
	} as INodeParameters;
	if (options.continueOnFail) zapier.onError = 'continueRegularOutput';
	if (options.items) json.pinData = { [trigger.name]: options.items.map((json) => ({ json })) };
	return json;
}

/**
 * The Zapier Trigger example (Mailer's New Email), connected with the engine's client credentials,
 * its parameters changed by `parameters` (options merged), as workflow `id`.
 */
export function triggerWorkflow(id: string, parameters: IDataObject = {}): WorkflowJson {
	const json = structuredClone(triggerExample) as unknown as WorkflowJson;
	const trigger = json.nodes.find((node) => node.name === ZAPIER_TRIGGER_NODE) as INode;
	trigger.credentials = { zapierClientCredentialsApi: { id: CREDENTIAL_ID, name: 'Zapier sandbox' } };
	const options = { ...(trigger.parameters.options as IDataObject), ...(parameters.options as IDataObject | undefined) };
	trigger.parameters = { ...trigger.parameters, ...parameters, options } as INodeParameters;
	return { ...json, id };
}

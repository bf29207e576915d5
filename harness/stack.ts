/**
 * The whole stack a user would have: the local Zapier sandbox, and a real n8n with this package
 * installed through n8n's Community Nodes (from its tarball, served as the npm registry on 127.0.0.1),
 * a Zapier credential connected to the sandbox, and workflows imported.
 * Started by `npm run dev` and by the end-to-end suite.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import example from '../examples/run-an-action.json';
import clientExample from '../examples/run-an-action-with-client-credentials.json';
import triggerExample from '../examples/start-on-a-zapier-trigger.json';
import { connectToSandbox } from '../sandbox/connect';
import { clientCredentialsFor } from './connectBy';
import type { SandboxConfig } from '../sandbox/server';
import { ZapierSandbox } from '../sandbox/server';
import type { CredentialImport, WorkflowImport } from './n8n';
import { N8nServer, packPackage, provisionN8n } from './n8n';
import { LocalRegistry } from './registry';

/** The Partner OAuth2 credential, connected to the sandbox. */
export const CREDENTIAL = { id: 'zapier-sandbox', name: 'Zapier sandbox' };
/** The client-credentials credential for the sandbox, as a Zapier user would enter it. */
export const CLIENT_CREDENTIAL = { id: 'zapier-sandbox-cc', name: 'Zapier sandbox (client credentials)' };
export const EXAMPLE_WORKFLOW_ID = 'exampleRunAction';
export const CLIENT_EXAMPLE_WORKFLOW_ID = 'exampleRunActionCc';
export const TRIGGER_EXAMPLE_WORKFLOW_ID = 'exampleZapierTrigger';

export interface Stack {
	sandbox: ZapierSandbox;
	n8n: N8nServer;
	/** The npm registry n8n installed the package from. */
	registry: LocalRegistry;
	stop(): Promise<void>;
}

export async function startStack(options: {
	workflows?: WorkflowImport[];
	sandbox?: Partial<SandboxConfig>;
	sandboxPort?: number;
	n8nPort?: number;
	env?: Record<string, string>;
	/** Settings of the Zapier credential beside its connection to the sandbox (e.g. its rate limit). */
	zapierCredential?: Record<string, unknown>;
	/** Further credentials to import beside the Zapier one (e.g. a chat model's). */
	credentials?: CredentialImport[];
	/** Queue mode: this many `n8n worker` processes beside the main one ... */
	workers?: number;
	/** ... each running this many executions at once (n8n's `--concurrency`; 5 unless told). */
	workerConcurrency?: number;
	/** The package's tarball to install (another version's, say); this one's, built now, unless told. */
	packageTarball?: string;
}): Promise<Stack> {
	const install = provisionN8n();
	const sandbox = new ZapierSandbox(options.sandbox);
	await sandbox.start(options.sandboxPort);
	const registry = new LocalRegistry(options.packageTarball ?? packPackage(mkdtempSync(join(tmpdir(), 'zapier-pack-'))));
	await registry.start();
	const n8n = new N8nServer(install, undefined, { ...registry.env(), ...options.env });
	const stop = async () => {
		await n8n.stop();
		await registry.stop();
		await sandbox.stop();
		n8n.removeUserFolder();
	};
	try {
		// Installed as a user does, on the Community Nodes screen; n8n then restarts with the credential
		// and the workflows imported, so that the published ones are active from the start.
		await n8n.start();
		await n8n.setupOwner();
		await n8n.installCommunityPackage();
		await n8n.stop();
		n8n.importCredentials([
			{
				...CREDENTIAL,
				type: 'zapierOAuth2Api',
				data: { ...(await connectToSandbox(sandbox.url, sandbox.config)), ...options.zapierCredential },
			},
			{
				...CLIENT_CREDENTIAL,
				type: 'zapierClientCredentialsApi',
				data: { ...clientCredentialsFor(sandbox.url, sandbox.config.clientCredentials), ...options.zapierCredential },
			},
			...(options.credentials ?? []),
		]);
		n8n.importWorkflows([
			{ ...(example as unknown as WorkflowImport), id: EXAMPLE_WORKFLOW_ID },
			{ ...(clientExample as unknown as WorkflowImport), id: CLIENT_EXAMPLE_WORKFLOW_ID },
			{ ...(triggerExample as unknown as WorkflowImport), id: TRIGGER_EXAMPLE_WORKFLOW_ID },
			...(options.workflows ?? []),
		]);
		await n8n.start(options.n8nPort);
		for (let i = 0; i < (options.workers ?? 0); i++) await n8n.startWorker(options.workerConcurrency);
	} catch (error) {
		await stop();
		throw error;
	}
	return { sandbox, n8n, registry, stop };
}

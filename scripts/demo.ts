/**
 * `npm run demo`: starts the local Zapier sandbox and runs the example workflows through n8n's
 * workflow engine with the built node from dist/: once with client credentials (the API behind
 * Zapier's SDK, for every Zapier user) and once with a partner's OAuth2 (the Partner API).
 */
import type { ICredentialDataDecryptedObject, ICredentialType, INodeType } from 'n8n-workflow';

import example from '../examples/run-an-action.json';
import clientExample from '../examples/run-an-action-with-client-credentials.json';
import { clientCredentialsFor } from '../harness/connectBy';
import type { WorkflowJson } from '../harness/engine';
import { errorOf, NodeTypes, oauth2CredentialStore, outputOf, runWorkflow } from '../harness/engine';
import { connectToSandbox } from '../sandbox/connect';
import { ZapierSandbox } from '../sandbox/server';

// The built package, as n8n loads it: required at run time, as dist/ is not there to typecheck against.
/* eslint-disable @typescript-eslint/no-require-imports */
type CredentialClass = new () => ICredentialType;
const { ZapierOAuth2Api } = require('../dist/credentials/ZapierOAuth2Api.credentials.js') as { ZapierOAuth2Api: CredentialClass };
const { ZapierClientCredentialsApi } = require('../dist/credentials/ZapierClientCredentialsApi.credentials.js') as {
	ZapierClientCredentialsApi: CredentialClass;
};
const { ZapierActions } = require('../dist/nodes/ZapierActions/ZapierActions.node.js') as { ZapierActions: new () => INodeType };
/* eslint-enable @typescript-eslint/no-require-imports */

async function main() {
	const sandbox = new ZapierSandbox({ runDurationMs: 1_500 });
	const url = await sandbox.start();
	console.log(`Zapier sandbox on ${url}`);
	const credentials = oauth2CredentialStore({
		zapierOAuth2Api: new ZapierOAuth2Api(),
		zapierClientCredentialsApi: new ZapierClientCredentialsApi(),
	});
	const connections = {
		zapierClientCredentialsApi: async () => clientCredentialsFor(url, sandbox.config.clientCredentials),
		zapierOAuth2Api: async () => (await connectToSandbox(url, sandbox.config)) as ICredentialDataDecryptedObject,
	};

	let failed = false;
	for (const json of [clientExample, example] as unknown as WorkflowJson[]) {
		const zapierNode = json.nodes.find((node) => node.type.endsWith('.zapierActions'))!;
		const [[type, credential]] = Object.entries(zapierNode.credentials!) as Array<[keyof typeof connections, { id: string }]>;
		credentials.set(credential.id, await connections[type]());
		const nodeTypes = new NodeTypes({ [zapierNode.type]: new ZapierActions() });
		const action = zapierNode.parameters.action as { cachedResultName?: string; value?: string };
		console.log(`\nRunning "${json.name}" (${action.cachedResultName ?? action.value}, credential ${type}) through n8n's engine ...`);
		const started = Date.now();
		const requestsBefore = { ...sandbox.counters.requests };
		const run = await runWorkflow(json, { nodeTypes, credentials });
		const error = errorOf(run);
		if (error) {
			console.error(`The workflow failed: ${error.message}`);
			failed = true;
			continue;
		}
		const items = outputOf(run, zapierNode.name);
		console.log(`"${zapierNode.name}" output ${items.length} item(s) in ${Date.now() - started} ms:`);
		console.log(JSON.stringify(items, null, 2));
		const requests = Object.entries(sandbox.counters.requests).filter(([route, count]) => count !== (requestsBefore[route] ?? 0));
		console.log(
			'Sandbox requests:',
			JSON.stringify(Object.fromEntries(requests.map(([route, count]) => [route, count - (requestsBefore[route] ?? 0)]))),
		);
	}
	await sandbox.stop();
	if (failed) process.exit(1);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

/**
 * `npm run demo`: starts the local Zapier sandbox, connects a credential to it through OAuth2, and
 * runs examples/run-an-action.json through n8n's workflow engine with the built node from dist/.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, INodeType } from 'n8n-workflow';

import example from '../examples/run-an-action.json';
import { connectToSandbox } from '../sandbox/connect';
import { ZapierSandbox } from '../sandbox/server';
import type { WorkflowJson } from '../harness/engine';
import { errorOf, NodeTypes, oauth2CredentialStore, outputOf, runWorkflow } from '../harness/engine';

// The built package, as n8n loads it: required at run time, as dist/ is not there to typecheck against.
/* eslint-disable @typescript-eslint/no-require-imports */
const { ZapierOAuth2Api } = require('../dist/credentials/ZapierOAuth2Api.credentials.js') as { ZapierOAuth2Api: new () => ICredentialType };
const { ZapierActions } = require('../dist/nodes/ZapierActions/ZapierActions.node.js') as { ZapierActions: new () => INodeType };
/* eslint-enable @typescript-eslint/no-require-imports */

async function main() {
	const sandbox = new ZapierSandbox({ runDurationMs: 1_500 });
	const url = await sandbox.start();
	console.log(`Zapier sandbox on ${url}`);

	const credentials = oauth2CredentialStore({ zapierOAuth2Api: new ZapierOAuth2Api() });
	const workflow = example as unknown as WorkflowJson;
	const zapierNode = workflow.nodes.find((node) => node.type.endsWith('.zapierActions'))!;
	credentials.set(
		zapierNode.credentials!.zapierOAuth2Api.id!,
		(await connectToSandbox(url, sandbox.config)) as ICredentialDataDecryptedObject,
	);
	const nodeTypes = new NodeTypes({ [zapierNode.type]: new ZapierActions() });

	const action = zapierNode.parameters.action as { cachedResultName?: string; value?: string };
	console.log(`Running "${workflow.name}" (${action.cachedResultName ?? action.value}) through n8n's engine ...`);
	const started = Date.now();
	const run = await runWorkflow(workflow, { nodeTypes, credentials });
	const error = errorOf(run);
	await sandbox.stop();
	if (error) {
		console.error(`The workflow failed: ${error.message}`);
		process.exit(1);
	}
	const items = outputOf(run, zapierNode.name);
	console.log(`"${zapierNode.name}" output ${items.length} item(s) in ${Date.now() - started} ms:`);
	console.log(JSON.stringify(items, null, 2));
	console.log('Sandbox requests:', JSON.stringify(sandbox.counters.requests));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

/**
 * `npm run demo`: starts the local Zapier sandbox and runs the example workflows through n8n's
 * workflow engine with the built node from dist/: once with client credentials (the API behind
 * Zapier's SDK, for every Zapier user) and once with a partner's OAuth2 (the Partner API); then the
 * Zapier Trigger example: activated, three new emails in the app, one poll, deactivated.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, INodeType } from 'n8n-workflow';

import example from '../examples/run-an-action.json';
import clientExample from '../examples/run-an-action-with-client-credentials.json';
import triggerExample from '../examples/start-on-a-zapier-trigger.json';
import { clientCredentialsFor } from '../harness/connectBy';
import type { WorkflowJson } from '../harness/engine';
import { activationContext, errorOf, NodeTypes, oauth2CredentialStore, outputOf, pollContext, runWorkflow } from '../harness/engine';
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
const { ZapierTrigger } = require('../dist/nodes/ZapierTrigger/ZapierTrigger.node.js') as { ZapierTrigger: new () => INodeType };
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
	failed = !(await startOnATrigger(sandbox, credentials)) || failed;
	await sandbox.stop();
	if (failed) process.exit(1);
}

/** The Zapier Trigger example, as n8n drives it: activation makes the inbox, a poll takes the app's events, deactivation deletes it. */
async function startOnATrigger(sandbox: ZapierSandbox, credentials: ReturnType<typeof oauth2CredentialStore>): Promise<boolean> {
	const json = triggerExample as unknown as WorkflowJson;
	const node = json.nodes.find((candidate) => candidate.type.endsWith('.zapierTrigger'))!;
	credentials.set(node.credentials!.zapierClientCredentialsApi.id!, clientCredentialsFor(sandbox.url, sandbox.config.clientCredentials));
	const trigger = new ZapierTrigger();
	const engine = { nodeTypes: new NodeTypes({ [node.type]: trigger }), credentials };
	const deployment = { staticData: {}, active: true };
	const hooks = trigger.webhookMethods!.default!;
	console.log(`\nActivating "${json.name}" (Zapier Trigger, Mailer's New Email, Receive: Poll) ...`);
	await hooks.create.call(activationContext(json, node.name, engine, deployment));
	const inbox = sandbox.state().inboxes[0];
	console.log(`Zapier's inbox ${inbox.key} is ${inbox.status}. Three new emails arrive in the app; n8n polls:`);
	sandbox.emitInboxEvents({ count: 3 });
	const polled = await trigger.poll!.call(pollContext(json, node.name, engine, 'trigger', deployment));
	console.log(`The poll started an execution with ${polled?.[0].length ?? 0} item(s):`);
	console.log(JSON.stringify(polled?.[0] ?? [], null, 2));
	await hooks.delete.call(activationContext(json, node.name, engine, deployment));
	console.log(`Deactivated: the inbox is ${sandbox.state().inboxes[0]?.status ?? 'gone'}.`);
	return polled?.[0].length === 3;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

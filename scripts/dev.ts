/**
 * `npm run dev`: the local Zapier sandbox and a real n8n with this package, an owner account, the
 * example workflows and both Zapier credentials already connected to the sandbox. Stops on Ctrl-C.
 */
import { OWNER } from '../harness/n8n';
import { CLIENT_EXAMPLE_WORKFLOW_ID, EXAMPLE_WORKFLOW_ID, startStack, TRIGGER_EXAMPLE_WORKFLOW_ID } from '../harness/stack';

async function main() {
	const port = Number(process.env.N8N_PORT ?? 5678);
	const sandboxPort = Number(process.env.SANDBOX_PORT ?? 8787);
	console.log('Starting the Zapier sandbox and n8n (the first run installs n8n: several minutes) ...');
	const stack = await startStack({ n8nPort: port, sandboxPort, sandbox: { runDurationMs: 2_000 } });
	console.log(`
n8n is ready:      ${stack.n8n.url}/workflow/${CLIENT_EXAMPLE_WORKFLOW_ID} (client credentials)
                   ${stack.n8n.url}/workflow/${EXAMPLE_WORKFLOW_ID} (partner OAuth2)
                   ${stack.n8n.url}/workflow/${TRIGGER_EXAMPLE_WORKFLOW_ID} (Zapier Trigger)
  sign in with     ${OWNER.email} / ${OWNER.password}
  then press "Execute workflow" (the trigger: "Fetch Test Event"; new emails in the sandbox:
  curl -X POST ${stack.sandbox.url}/__sandbox/inbox-events -d '{"count": 3}'). New credentials: client ID ${stack.sandbox.config.clientCredentials.clientId},
  secret ${stack.sandbox.config.clientCredentials.clientSecret}, API Base URL ${stack.sandbox.url},
  Token URL ${stack.sandbox.url}/oauth/token/
Zapier sandbox:    ${stack.sandbox.url} (state: ${stack.sandbox.url}/__sandbox/state)
Press Ctrl-C to stop.`);
	const stop = () => void stack.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

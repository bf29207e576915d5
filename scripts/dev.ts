/**
 * `npm run dev`: the local Zapier sandbox and a real n8n with this package, an owner account, the
 * example workflow and a Zapier credential already connected to the sandbox. Stops on Ctrl-C.
 */
import { OWNER } from '../harness/n8n';
import { EXAMPLE_WORKFLOW_ID, startStack } from '../harness/stack';

async function main() {
	const port = Number(process.env.N8N_PORT ?? 5678);
	const sandboxPort = Number(process.env.SANDBOX_PORT ?? 8787);
	console.log('Starting the Zapier sandbox and n8n (the first run installs n8n: several minutes) ...');
	const stack = await startStack({ n8nPort: port, sandboxPort, sandbox: { runDurationMs: 2_000 } });
	console.log(`
n8n is ready:      ${stack.n8n.url}/workflow/${EXAMPLE_WORKFLOW_ID}
  sign in with     ${OWNER.email} / ${OWNER.password}
  then press "Execute workflow".
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

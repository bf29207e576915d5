/** `npm run sandbox`: starts the local Zapier sandbox and prints its URL and the credentials of both its APIs. */
import { ZapierSandbox } from './server';

function option(name: string): string | undefined {
	const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
	return arg?.slice(name.length + 3) ?? process.env[`SANDBOX_${name.toUpperCase().replace(/-/g, '_')}`];
}

async function main() {
	const sandbox = new ZapierSandbox({
		...(option('run-duration-ms') && { runDurationMs: Number(option('run-duration-ms')) }),
		...(option('latency-ms') && { latencyMs: Number(option('latency-ms')) }),
		...(option('token-ttl-seconds') && { tokenTtlSeconds: Number(option('token-ttl-seconds')) }),
		...(option('client-token-ttl-seconds') && { clientTokenTtlSeconds: Number(option('client-token-ttl-seconds')) }),
		...(option('approval-required') && { approvalRequired: option('approval-required') === 'true' }),
	});
	const url = await sandbox.start(Number(option('port') ?? 0));
	console.log(`Zapier sandbox listening on ${url}`);
	console.log(`  OAuth: client id "${sandbox.config.clientId}", secret "${sandbox.config.clientSecret}",`);
	console.log(`         authorize ${url}/oauth/authorize, token ${sandbox.tokenUrl}`);
	const { clientId, clientSecret } = sandbox.config.clientCredentials;
	console.log(`  SDK API (client credentials): client id "${clientId}", secret "${clientSecret}",`);
	console.log(`         token ${sandbox.tokenUrl}, API base URL ${url} (routes under ${sandbox.sdkUrl})`);
	console.log(`  Trigger Inbox: routes under ${sandbox.inboxUrl}, with the SDK API's tokens`);
	console.log(
		`  Control: GET ${url}/__sandbox/{state,inboxes}, POST ${url}/__sandbox/{config,reset,script,faults,tokens,client-token,expire-tokens,revoke-refresh-tokens,foreign-run,rotate-key,inbox-events,inbox-pause,inbox-expire-leases}`,
	);
	const stop = () => void sandbox.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();

/** `npm run sandbox`: starts the local Zapier sandbox and prints its URL and a connected token pair. */
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
	});
	const url = await sandbox.start(Number(option('port') ?? 0));
	console.log(`Zapier sandbox listening on ${url}`);
	console.log(`  OAuth: client id "${sandbox.config.clientId}", secret "${sandbox.config.clientSecret}",`);
	console.log(`         authorize ${url}/oauth/authorize, token ${url}/oauth/token/`);
	console.log(
		`  Control: GET ${url}/__sandbox/state, POST ${url}/__sandbox/{config,reset,script,faults,tokens,expire-tokens,revoke-refresh-tokens}`,
	);
	const stop = () => void sandbox.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

void main();

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { LocalRegistry } from '../harness/registry';
(async () => {
	const r = new LocalRegistry('/tmp/e2ev/pack/n8n-nodes-zapier-actions-0.1.0.tgz');
	await r.start();
	const env = { ...process.env, ...r.env() };
	for (const k of Object.keys(env)) if (/^npm_config_/i.test(k) && !(k in r.env())) delete env[k];
	const cwd = mkdtempSync('/tmp/e2ev/packtest-');
	try {
		console.log(execFileSync('npm', ['pack', 'n8n-nodes-zapier-actions@latest', '--registry=https://registry.npmjs.org', '--quiet'], { cwd, env }).toString());
		console.log(execFileSync('npm', ['view', 'n8n-nodes-zapier-actions@0.1.0', 'version', '--registry=https://registry.npmjs.org', '--json'], { cwd, env }).toString());
		console.log(execFileSync('npm', ['view', 'left-pad', 'version', '--registry=https://registry.npmjs.org', '--json'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }).toString());
	} catch (e) { console.log('ERR', String((e as { stderr?: Buffer }).stderr ?? e).slice(0, 500)); }
	console.log(r.requests);
	await r.stop();
})();

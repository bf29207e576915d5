/**
 * The packed package inside a real n8n 2.x server: workflows published and called through their
 * webhooks, against the local Zapier sandbox, with n8n itself refreshing and storing OAuth2 tokens.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import example from '../../examples/run-an-action.json';
import { connectToSandbox } from '../../sandbox/connect';
import { ZapierSandbox } from '../../sandbox/server';
import { N8nServer, packPackage, provisionN8n } from './n8n';
import { CREDENTIAL, e2eWorkflows } from './workflows';

export const EXAMPLE_ID = 'exampleRunAction';

let sandbox: ZapierSandbox;
let n8n: N8nServer;

beforeAll(async () => {
	const install = provisionN8n();
	sandbox = new ZapierSandbox();
	await sandbox.start();
	n8n = new N8nServer(install);
	n8n.installPackage(packPackage(mkdtempSync(join(tmpdir(), 'zapier-pack-'))));
	n8n.importCredentials([{ ...CREDENTIAL, type: 'zapierOAuth2Api', data: await connectToSandbox(sandbox.url, sandbox.config) }]);
	n8n.importWorkflows([...e2eWorkflows, { ...(example as never as object), id: EXAMPLE_ID } as never]);
	await n8n.start();
	await n8n.setupOwner();
}, 900_000);

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.stop();
	n8n?.removeUserFolder();
});

beforeEach(() => sandbox.reset({ runDurationMs: 300 }));

const call = async (path: string, body: unknown) => await n8n.callWebhook(path, body);

test('a run that succeeds, waited on', async () => {
	const response = await call('e2e-run', { action: 'example_core:Vn7xbE60', inputs: { email: 'me@example.com' } });
	expect(response.status).toBe(200);
	expect(response.body).toEqual([
		expect.objectContaining({
			id: expect.stringMatching(/^[0-9a-f-]{36}$/),
			status: 'success',
			errors: [],
			results: [expect.objectContaining({ email: 'me@example.com', action: 'example_core:Vn7xbE60' }), expect.anything()],
		}),
	]);
	expect(sandbox.counters.runsCreated).toBe(1);
});

test('a run started without waiting, then read with Get', async () => {
	sandbox.configure({ runDurationMs: 1_000 });
	const response = await call('e2e-run-then-get', { action: 'core:x', inputs: { a: 1 } });
	expect(response.body).toEqual([expect.objectContaining({ status: 'success', results: [expect.objectContaining({ a: 1 }), expect.anything()] })]);
	expect(sandbox.counters.runsCreated).toBe(1);
});

test('a run error fails the execution', async () => {
	sandbox.configure({ runErrorCode: 'authentication' });
	const response = await call('e2e-run', { action: 'core:x', inputs: {} });
	expect(response.status).toBe(500);
	expect(sandbox.counters.runsCreated).toBe(1);
});

test('a run error with Continue On Fail is an item with the message, the hint and the run', async () => {
	sandbox.configure({ runErrorCode: 'authentication' });
	const response = await call('e2e-run-continue', { action: 'core:x', inputs: {} });
	expect(response.status).toBe(200);
	expect(response.body).toEqual([
		expect.objectContaining({
			error: expect.stringMatching(/^The Zapier action run failed: .*\[authentication\] \[item 0\]$/),
			description: expect.stringMatching(/reconnect it in Zapier/),
			run: expect.objectContaining({ status: 'error' }),
		}),
	]);
});

test('a timeout returns the run as still waiting, and does not run it again', async () => {
	sandbox.configure({ runDurationMs: 10_000 });
	const response = await call('e2e-run', { action: 'core:x', inputs: {}, timeout: 1 });
	expect(response.body).toEqual([expect.objectContaining({ status: 'waiting', id: expect.any(String) })]);
	expect(sandbox.counters.runsCreated).toBe(1);
});

test('ten items in one execution keep their order and pairing', async () => {
	const items = Array.from({ length: 10 }, (_, i) => ({ n: i + 1 }));
	const response = await call('e2e-ten-items', { items });
	expect(response.status).toBe(200);
	const output = response.body as Array<{ sentN: number; resultN: number; runId: string }>;
	expect(output.map((item) => item.sentN)).toEqual(items.map((item) => item.n));
	expect(output.map((item) => item.resultN)).toEqual(items.map((item) => item.n));
	expect(new Set(output.map((item) => item.runId)).size).toBe(10);
	expect(sandbox.counters.runsCreated).toBe(10);
});

test('an expired token is refreshed by n8n, which stores the rotated refresh token and uses it next time', async () => {
	const before = n8n.exportCredential(CREDENTIAL.id).data as { oauthTokenData: { refresh_token: string } };
	sandbox.expireAccessTokens();
	expect((await call('e2e-run', { action: 'core:x', inputs: {} })).body[0].status).toBe('success');
	expect(sandbox.counters.refreshes).toBe(1);

	const after = n8n.exportCredential(CREDENTIAL.id).data as { oauthTokenData: { refresh_token: string } };
	expect(after.oauthTokenData.refresh_token).not.toBe(before.oauthTokenData.refresh_token);
	expect(sandbox.isRefreshTokenValid(after.oauthTokenData.refresh_token)).toBe(true);

	sandbox.expireAccessTokens();
	expect((await call('e2e-run', { action: 'core:x', inputs: {} })).body[0].status).toBe('success');
	expect(sandbox.counters.refreshes).toBe(2);
	expect(sandbox.counters.runsCreated).toBe(2);
});

/**
 * The packed package inside a real n8n 2.x server: workflows published and called through their
 * webhooks, against the local Zapier sandbox, with n8n itself refreshing and storing OAuth2 tokens.
 */
import { join } from 'node:path';

import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

import { NODE_TYPE, PACKAGE_NAME, ROOT } from '../../harness/n8n';
import type { Stack } from '../../harness/stack';
import { CREDENTIAL, EXAMPLE_WORKFLOW_ID, startStack } from '../../harness/stack';
import { APPS } from '../../sandbox/catalog';
import { CaptureServer } from '../../harness/capture';
import { byTestId, launchBrowser, signIn } from './editor';
import { e2eWorkflows } from './workflows';

let stack: Stack;
let sandbox: Stack['sandbox'];
let n8n: Stack['n8n'];

beforeAll(async () => {
	stack = await startStack({ workflows: e2eWorkflows });
	({ sandbox, n8n } = stack);
}, 900_000);

afterAll(async () => await stack?.stop());

beforeEach(() => sandbox.reset({ runDurationMs: 300 }));

const call = async (path: string, body: unknown) => await n8n.callWebhook(path, body);

test("installed through n8n's Community Nodes, from the registry, with its nodes", async () => {
	const { name, version } = stack.registry.manifest;
	expect(await n8n.communityPackages()).toEqual([
		expect.objectContaining({
			packageName: PACKAGE_NAME,
			installedVersion: version,
			installedNodes: expect.arrayContaining([expect.objectContaining({ type: NODE_TYPE })]),
		}),
	]);
	// n8n's npm fetched the tarball itself; nothing else was asked of the registry but this package.
	expect(stack.registry.requests).toContain(`GET /${name}/-/${name}-${version}.tgz 200`);
	expect(stack.registry.requests.filter((request) => !request.includes(` /${name}`))).toEqual([]);
});

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
	expect(response.body).toEqual([
		expect.objectContaining({ status: 'success', results: [expect.objectContaining({ a: 1 }), expect.anything()] }),
	]);
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
			error: expect.stringMatching(/^The Zapier action run failed: .*\[authentication\]$/),
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

test('a redirect never takes the token to another origin', async () => {
	const capture = new CaptureServer();
	await capture.start();
	try {
		const creates = () => sandbox.counters.requests['POST /v2/action-runs'];
		// The read of the run is redirected elsewhere.
		sandbox.injectFaults('GET', { redirect: { status: 302, location: `${capture.url}/v2/action-runs/stolen` } });
		const read = await call('e2e-run', { action: 'example_core:Vn7xbE60', inputs: { email: 'me@example.com' } });
		const createsAfterRead = creates();
		// The create itself is redirected elsewhere.
		sandbox.injectFaults('POST', { redirect: { status: 307, location: `${capture.url}/v2/action-runs` } });
		const create = await call('e2e-run', { action: 'example_core:Vn7xbE60', inputs: { email: 'me@example.com' } });

		expect(capture.requests).toEqual([]);
		for (const response of [read, create]) {
			expect(response.status).not.toBe(200);
			expect(JSON.stringify(response.body)).not.toContain('stolen');
		}
		expect(createsAfterRead).toBe(1);
		expect(creates()).toBe(2);
	} finally {
		await capture.stop();
	}
});

describe("n8n's editor in a real browser", () => {
	let browser: Browser;
	let session: BrowserContextOptions['storageState'];
	let context: BrowserContext;
	let page: Page;

	beforeAll(async () => {
		browser = await launchBrowser();
		// Signed in once: each test opens its own page in a fresh context with that session.
		const signing = await browser.newContext();
		await signIn(await signing.newPage(), n8n.url);
		session = await signing.storageState();
		await signing.close();
	});
	afterAll(async () => await browser?.close());

	beforeEach(async () => {
		context = await browser.newContext({ viewport: { width: 1440, height: 900 }, storageState: session });
		page = await context.newPage();
	});
	afterEach(async () => await context?.close());

	// The screenshots in docs/ are refreshed by `npm run screenshots` only; other runs take them and drop them.
	const screenshot = async (name: string) =>
		// The screenshots show n8n 2.x; the 1.x run takes them too and drops them.
		await page.screenshot(process.env.SCREENSHOTS === '1' && n8n.major >= 2 ? { path: join(ROOT, 'docs', name) } : {});

	const canvasNode = () => page.locator('[data-test-id="canvas-node"][data-node-name="Zapier Actions"]');
	const openWorkflow = async () => {
		await page.goto(`${n8n.url}/workflow/${EXAMPLE_WORKFLOW_ID}`);
		await canvasNode().waitFor({ timeout: 60_000 });
	};
	const openNode = async () => {
		await openWorkflow();
		await canvasNode().dblclick();
		await byTestId(page, 'ndv').waitFor();
	};

	const rlInput = (name: string) => page.locator(`[data-test-id="resource-locator-${name}"] [data-test-id="rlc-input"]`);
	const rlValue = async (name: string) =>
		await rlInput(name).evaluate((el) => (el instanceof HTMLInputElement ? el.value : el.querySelector('input')?.value));
	// n8n 1.x keeps every picker's list in the page, hidden while closed: only the visible items count.
	const listItems = () => page.locator('[data-test-id="rlc-item"]:visible');
	/** Opens a list and waits until it has shown `count` items (n8n loads further pages as they come). */
	const openList = async (name: string, count: number) => {
		await rlInput(name).click();
		await page.waitForFunction(
			(n) => Array.from(document.querySelectorAll('[data-test-id="rlc-item"]')).filter((item) => item.checkVisibility()).length >= n,
			count,
			{ timeout: 30_000 },
		);
		return (await listItems().allTextContents()).map((text) => text.trim());
	};
	const closeList = async () => {
		// n8n 1.x closes a list on a click elsewhere, not on Escape.
		if (n8n.major < 2) await byTestId(page, 'output-panel').click({ position: { x: 50, y: 50 } });
		else await page.keyboard.press('Escape');
		await listItems().first().waitFor({ state: 'hidden' });
	};

	test('opens the example workflow with the node on the canvas', async () => {
		await openWorkflow();
		await expect(canvasNode().textContent()).resolves.toContain('Run send_email');
		await screenshot('editor-canvas.png');
	});

	test("renders the node's parameters: credential, picked app, action and account, and the mapped fields", async () => {
		await openNode();
		await expect(byTestId(page, 'node-credentials-select').locator('input').inputValue()).resolves.toBe(CREDENTIAL.name);
		await expect(rlValue('app')).resolves.toBe('Mailer');
		await expect(rlValue('action')).resolves.toBe('Send Email (write)');
		await expect(rlValue('authenticationId')).resolves.toBe('work@example.com');
		const mapper = byTestId(page, 'resource-mapper-container');
		await mapper.getByText('Subject', { exact: true }).waitFor();
		await expect(mapper.textContent()).resolves.toContain('Sends one email from the connected mailbox.');
		// Zapier's info text stands as a line of its own: no input under it, unlike a field.
		const inputs = (id: string) => mapper.locator(`[data-test-id="parameter-input-${id}"]`).locator('input, textarea, .cm-editor');
		await expect(inputs('__info_about').count()).resolves.toBe(0);
		await expect(inputs('to').count()).resolves.toBe(1);
		await screenshot('editor-node.png');
	});

	test('fills the app, action and account lists from Zapier', async () => {
		await openNode();
		expect(await openList('app', APPS.length)).toEqual(APPS.map((app) => app.title));
		await screenshot('editor-app-list.png');
		await closeList();
		expect(await openList('action', 3)).toEqual(['Send Email (write)', 'Find Email (search)', 'New Email (read)']);
		await closeList();
		expect(await openList('authenticationId', 3)).toEqual([
			'work@example.com',
			'old@example.com (expired: reconnect it in Zapier)',
			'home@example.com',
		]);
		await screenshot('editor-account-list.png');
		await closeList();
		expect(sandbox.counters.requests['GET /v2/apps']).toBeGreaterThanOrEqual(3);
	});

	test('runs the node from the editor and shows the run', async () => {
		await openNode();
		await byTestId(page, 'node-execute-button').click();
		const output = byTestId(page, 'output-panel');
		await output.getByText('success', { exact: true }).waitFor({ timeout: 60_000 });
		expect(sandbox.counters.runsCreated).toBe(1);
		const [run] = sandbox.runs.values();
		await expect(output.textContent()).resolves.toContain(run.id);
		await expect(output.textContent()).resolves.toContain('me@example.com');
		expect(run.actionKey).toBe('send_email');
		await screenshot('editor-run.png');
	});

	test('runs the whole workflow from the canvas', async () => {
		await openWorkflow();
		await byTestId(page, 'execute-workflow-button').click();
		await page.getByText('Workflow executed successfully').waitFor({ timeout: 60_000 });
		expect(sandbox.counters.runsCreated).toBe(1);
	});
});

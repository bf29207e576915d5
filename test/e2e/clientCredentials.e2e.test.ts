/**
 * A Zapier user's path in a real n8n, with client credentials only: the credential created in n8n's
 * editor (and tested there), app, action and connection picked from Zapier's lists, the fields filled,
 * the run made; and n8n itself exchanging, storing and renewing the token.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';

import type { WorkflowImport } from '../../harness/n8n';
import { NODE_TYPE } from '../../harness/n8n';
import type { Stack } from '../../harness/stack';
import { CLIENT_CREDENTIAL, startStack } from '../../harness/stack';
import { chain, nodeIds, webhookNode } from '../../harness/workflowParts';
import { byTestId, launchBrowser, pickFromList, signIn } from './editor';

const id = nodeIds('8cc0');
const FROM_SCRATCH = 'e2eCcFromScratch';

const zapier = (parameters: Record<string, unknown>, credentials?: Record<string, unknown>) => ({
	id: id(),
	name: 'Zapier Actions',
	type: NODE_TYPE,
	typeVersion: 1.2,
	position: [240, 0],
	parameters,
	...(credentials && { credentials }),
});

const workflows: WorkflowImport[] = [
	// A new node, as dragged onto the canvas: no credential, nothing picked.
	{
		...chain(FROM_SCRATCH, 'E2E: client credentials from scratch', [
			{ id: id(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			zapier({ resource: 'actionRun', operation: 'run' }),
		]),
		publish: false,
	},
	chain('e2eCcRun0000000', 'E2E: client credentials, run and wait', [
		webhookNode(id, 'e2e-cc-run'),
		zapier(
			{
				resource: 'actionRun',
				operation: 'run',
				app: { __rl: true, mode: 'list', value: 'MailerCLIAPI' },
				action: { __rl: true, mode: 'list', value: 'send_email' },
				authenticationId: { __rl: true, mode: 'list', value: '1001' },
				inputsMode: 'json',
				inputs: '={{ JSON.stringify($json.body) }}',
				options: {},
			},
			{ zapierClientCredentialsApi: CLIENT_CREDENTIAL },
		),
	]),
];

let stack: Stack;
beforeAll(async () => {
	stack = await startStack({ workflows });
}, 900_000);
afterAll(async () => await stack?.stop());
beforeEach(() => stack.sandbox.reset({ runDurationMs: 300 }));

const storedToken = (credentialId: string) => stack.n8n.exportCredential(credentialId).data as { accessToken?: string; renewAt?: number };

test('a run with the imported credential: n8n exchanges the token, stores it, and exchanges again after it expires', async () => {
	const first = await stack.n8n.callWebhook('e2e-cc-run', { to: 'me@example.com', subject: 'Hi' });
	expect(first.status).toBe(200);
	expect(first.body).toEqual([
		expect.objectContaining({
			status: 'success',
			results: [expect.objectContaining({ action_key: 'send_email', to: 'me@example.com' }), expect.anything()],
		}),
	]);
	expect(stack.sandbox.counters.clientCredentialsExchanges).toBe(1);
	const stored = storedToken(CLIENT_CREDENTIAL.id);
	expect(stored.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
	expect(stored.renewAt).toBeGreaterThan(Date.now());

	stack.sandbox.expireAccessTokens();
	const again = await stack.n8n.callWebhook('e2e-cc-run', { to: 'me@example.com', subject: 'Again' });
	expect(again.body).toEqual([expect.objectContaining({ status: 'success' })]);
	expect(stack.sandbox.counters.clientCredentialsExchanges).toBe(2);
	expect(storedToken(CLIENT_CREDENTIAL.id).accessToken).not.toBe(stored.accessToken);
	// One run each: the creation refused for its expired token did nothing, and was sent once more.
	expect(stack.sandbox.counters.runsCreated).toBe(2);
});

describe("a new user's path in n8n's editor", () => {
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;

	beforeAll(async () => {
		browser = await launchBrowser();
		context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		page = await context.newPage();
		await signIn(page, stack.n8n.url);
	});
	afterAll(async () => await browser?.close());

	const pick = async (name: string, item: string) => await pickFromList(page, name, item);
	const parameterInput = (name: string) => byTestId(page, `parameter-input-${name}`).locator('input, textarea').first();

	test('creates the credential, tests it, picks app, action and connection, fills the fields and runs', async () => {
		await page.goto(`${stack.n8n.url}/workflow/${FROM_SCRATCH}`);
		const node = page.locator('[data-test-id="canvas-node"][data-node-name="Zapier Actions"]');
		await node.waitFor({ timeout: 60_000 });
		await node.dblclick();
		await byTestId(page, 'ndv').waitFor();

		// New nodes connect with client credentials: create one, as the README says.
		await byTestId(page, 'node-credentials-select').click();
		await byTestId(page, 'node-credentials-select-item-new').click();
		const modal = byTestId(page, 'editCredential-modal');
		await modal.waitFor();
		await parameterInput('clientId').fill(stack.sandbox.config.clientCredentials.clientId);
		await parameterInput('clientSecret').fill(stack.sandbox.config.clientCredentials.clientSecret);
		await parameterInput('apiBaseUrl').fill(stack.sandbox.url);
		await parameterInput('tokenUrl').fill(`${stack.sandbox.url}/oauth/token/`);
		await byTestId(page, 'credential-save-button').click();
		// n8n tests the credential on saving it: its request reaches Zapier's connections with a token
		// (this n8n process's, when it holds one for these client credentials already).
		for (let waited = 0; !stack.sandbox.counters.requests['GET /v4/authentications'] && waited < 30_000; waited += 200) {
			await page.waitForTimeout(200);
		}
		expect(stack.sandbox.counters.requests['GET /v4/authentications']).toBe(1);
		// n8n 2.x closes the dialog once the test passes; 1.x says so and stays open.
		if (
			!(await modal.waitFor({ state: 'hidden', timeout: 10_000 }).then(
				() => true,
				() => false,
			))
		) {
			await modal.getByText('Connection tested successfully').waitFor({ timeout: 30_000 });
			await page.keyboard.press('Escape');
			await modal.waitFor({ state: 'hidden' });
		}
		await expect(byTestId(page, 'node-credentials-select').locator('input').inputValue()).resolves.toBe(
			'Zapier Client Credentials account',
		);

		await pick('app', 'Mailer');
		await pick('action', 'Send Email (write)');
		// The action's fields load (and redraw the panel) before the connection is picked.
		const mapper = byTestId(page, 'resource-mapper-container');
		await mapper.getByText('Subject', { exact: true }).waitFor({ timeout: 30_000 });
		await pick('authenticationId', 'work@example.com');
		await mapper.getByText('Subject', { exact: true }).waitFor({ timeout: 30_000 });
		await parameterInput('to').fill('new-user@example.com');
		await parameterInput('subject').fill('My first Zapier run from n8n');

		await byTestId(page, 'node-execute-button').click();
		const output = byTestId(page, 'output-panel');
		await output.getByText('success', { exact: true }).first().waitFor({ timeout: 60_000 });
		const [run] = [...stack.sandbox.runs.values()];
		expect(run).toMatchObject({
			dialect: 'sdk',
			selectedApi: 'MailerCLIAPI@1.0.0',
			actionKey: 'send_email',
			authentication: '1001',
			inputs: expect.objectContaining({ to: 'new-user@example.com', subject: 'My first Zapier run from n8n' }),
		});
		await expect(output.textContent()).resolves.toContain(run.id);
	});
});

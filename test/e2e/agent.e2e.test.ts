/**
 * The node as an AI agent's tool in a real n8n server: n8n's AI Agent and OpenAI Chat Model, the
 * model being a local chat-completions stub that calls the tools as scripted and records what it was
 * shown; the tools run against the local Zapier sandbox.
 */
import { join } from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';

import { ROOT } from '../../harness/n8n';
import type { Stack } from '../../harness/stack';
import { startStack } from '../../harness/stack';
import type { ChatRequest, ChatTool } from '../openaiStub';
import { OpenAiStub, textOf, toolResults } from '../openaiStub';
import {
	AGENT_PATHS,
	GET_TOOL,
	MANUAL_AGENT_WORKFLOW_ID,
	MANUAL_PROMPT,
	RUN_NODE,
	RUN_TOOL,
	SEND_EMAIL_SCHEMA,
	agentWorkflows,
	MAILER_CONNECTION,
	openAiCredential,
} from './agentWorkflows';
import { byTestId, launchBrowser, signIn } from './editor';

let stack: Stack;
let sandbox: Stack['sandbox'];
let n8n: Stack['n8n'];
const model = new OpenAiStub();

beforeAll(async () => {
	await model.start();
	stack = await startStack({ workflows: agentWorkflows, credentials: [openAiCredential(model.url)] });
	({ sandbox, n8n } = stack);
}, 900_000);

afterAll(async () => {
	await stack?.stop();
	await model.stop();
});

beforeEach(() => {
	sandbox.reset({ runDurationMs: 300 });
	model.reset();
});

const ask = async (prompt: string, path: string = AGENT_PATHS.run) => await n8n.callWebhook(path, { prompt });

const toolNamed = (request: ChatRequest, name: string): ChatTool => {
	const tool = request.tools?.find((t) => t.function.name === name);
	if (!tool) throw new Error(`The model was not shown a tool named ${name}: ${JSON.stringify(request.tools?.map((t) => t.function.name))}`);
	return tool;
};

/** The last tool result in a request, parsed (n8n hands the model a tool's items as JSON). */
const lastToolResult = (request: ChatRequest): unknown => {
	const results = toolResults(request);
	return JSON.parse(results[results.length - 1].content);
};

const quote = (request: ChatRequest) => ({ content: `Done. The tool answered: ${toolResults(request).at(-1)!.content}` });

test('the model is shown each tool with a specific name, description and the $fromAI fields as its schema', async () => {
	model.script({ content: 'Nothing to do.' });
	const response = await ask('Say hello.');
	expect(response.status).toBe(200);
	expect(model.requests).toHaveLength(1);
	const [request] = model.requests;

	const run = toolNamed(request, RUN_TOOL);
	// The tool's name is the node's ("Send Email in Mailer"); the description is the node's own (n8n's: "Run an action in Zapier Actions").
	expect(run.function.description).toBe(
		'Runs the Zapier action this tool is named after (its app and account are set in the workflow; the arguments are its input fields).' +
			' Returns {status, results}, where results is what the action produced; errors when the run failed;' +
			' and the run id while it is still running, to read later with Get.',
	);
	expect(run.function.parameters).toEqual(expect.objectContaining(SEND_EMAIL_SCHEMA));
	const get = toolNamed(request, GET_TOOL);
	expect(get.function.description).toBe(
		'Reads a Zapier action run by its id (e.g. one returned as still running) and returns {status, results}, plus errors when it failed.',
	);
	expect(Object.keys((get.function.parameters as { properties: object }).properties)).toEqual(['runId']);
	expect(sandbox.counters.runsCreated).toBe(0);
});

test("the model's tool call runs the action with the arguments it chose, and its compact result reaches the answer", async () => {
	const args = { to: 'ada@example.com', subject: 'Quarterly report', body: 'It is ready.' };
	model.script({ toolCalls: [{ name: RUN_TOOL, arguments: args }] }, quote);

	const response = await ask('Email Ada that the quarterly report is ready.');

	expect(response.status).toBe(200);
	expect(sandbox.counters.runsCreated).toBe(1);
	const [run] = sandbox.runs.values();
	expect(run.actionKey).toBe('send_email');
	expect(run.authentication).toBe(MAILER_CONNECTION);
	expect(run.inputs).toEqual(args);

	expect(model.requests).toHaveLength(2);
	expect(model.unscripted).toBe(0);
	const record = `record_${run.id.slice(0, 8)}`;
	// Compact: what the run produced, without the envelope (no id, no duration) for a finished run.
	expect(lastToolResult(model.requests[1])).toEqual([
		{
			status: 'success',
			results: [
				{ id: record, action: run.action, action_key: 'send_email', ...args },
				{ id: `${record}_2`, action: run.action },
			],
		},
	]);
	expect(response.body).toEqual([{ output: quote(model.requests[1]).content }]);
	expect(response.body[0].output).toContain(record);
});

test('a run that ends in error comes back to the model as a readable tool result, and the execution goes on', async () => {
	sandbox.configure({ runErrorCode: 'authentication' });
	model.script({ toolCalls: [{ name: RUN_TOOL, arguments: { to: 'ada@example.com', subject: 'Hi', body: 'Hello' } }] }, quote);

	const response = await ask('Email Ada.');

	expect(response.status).toBe(200);
	expect(sandbox.counters.runsCreated).toBe(1);
	const [run] = sandbox.runs.values();
	// The tool answers with the error as data: Zapier's error, the hint and the run's id, in the one text a model is given.
	expect(lastToolResult(model.requests[1])).toEqual([
		{
			error: expect.stringMatching(
				new RegExp(
					`^The Zapier action run failed: Authentication failed – .*\\[authentication\\]\\. .*reconnect.*Run ID: ${run.id}\\.$`,
					'i',
				),
			),
		},
	]);
	expect(response.body[0].output).toContain('Authentication failed');
});

test('a required field the model left out is refused before anything is sent, with a message it can act on', async () => {
	model.script(
		{ toolCalls: [{ name: RUN_TOOL, arguments: { subject: 'Hi', body: 'Hello' } }] },
		// The model reads the refusal and calls again with the field.
		{ toolCalls: [{ name: RUN_TOOL, arguments: { to: 'ada@example.com', subject: 'Hi', body: 'Hello' } }] },
		quote,
	);

	const response = await ask('Email Ada.');

	expect(response.status).toBe(200);
	expect(model.requests).toHaveLength(3);
	expect(lastToolResult(model.requests[1])).toEqual([
		{ error: 'Inputs field "To" is required. Nothing was sent to Zapier for this item. Fix the "Inputs" field and run it again.' },
	]);
	// Only the second call created a run.
	expect(sandbox.counters.runsCreated).toBe(1);
	expect([...sandbox.runs.values()][0].inputs).toEqual({ to: 'ada@example.com', subject: 'Hi', body: 'Hello' });
	expect(lastToolResult(model.requests[2])).toEqual([expect.objectContaining({ status: 'success' })]);
});

test('a run still going at the timeout comes back with its id, which the model reads later with the Get tool', async () => {
	sandbox.configure({ runDurationMs: 4_000 });
	let waitingId = '';
	model.script(
		{ toolCalls: [{ name: RUN_TOOL, arguments: { to: 'ada@example.com', subject: 'Hi', body: 'Hello' } }] },
		(request) => {
			waitingId = (lastToolResult(request) as Array<{ id: string }>)[0].id;
			return { toolCalls: [{ name: GET_TOOL, arguments: { runId: waitingId } }] };
		},
		quote,
	);

	const response = await ask('Email Ada.', AGENT_PATHS.shortWait);

	expect(response.status).toBe(200);
	expect(model.requests).toHaveLength(3);
	expect(sandbox.counters.runsCreated).toBe(1);
	const [run] = sandbox.runs.values();
	expect(lastToolResult(model.requests[1])).toEqual([{ status: 'waiting', results: [], id: run.id }]);
	expect(waitingId).toBe(run.id);
	expect(lastToolResult(model.requests[2])).toEqual([
		{ status: 'success', results: [expect.objectContaining({ to: 'ada@example.com' }), expect.anything()] },
	]);
	expect(response.body[0].output).toContain(`record_${run.id.slice(0, 8)}`);
});

describe("n8n's editor in a real browser", () => {
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;

	beforeAll(async () => {
		browser = await launchBrowser();
	});
	afterAll(async () => await browser?.close());

	beforeEach(async () => {
		context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		page = await context.newPage();
		await signIn(page, n8n.url);
	});
	afterEach(async () => await context?.close());

	const screenshot = async (name: string) =>
		await page.screenshot(process.env.SCREENSHOTS === '1' ? { path: join(ROOT, 'docs', name) } : {});

	test('runs the agent from the canvas: the model calls the tool, the run reaches Zapier, the answer quotes it', async () => {
		const args = { to: 'ada@example.com', subject: 'Quarterly report', body: 'The quarterly report is ready.' };
		model.script({ toolCalls: [{ name: RUN_TOOL, arguments: args }] }, quote);

		await page.goto(`${n8n.url}/workflow/${MANUAL_AGENT_WORKFLOW_ID}`);
		await page.locator('[data-test-id="canvas-node"][data-node-name="AI Agent"]').waitFor({ timeout: 60_000 });
		await byTestId(page, 'execute-workflow-button').click();
		const toast = page.locator('.el-notification').filter({ hasText: 'Workflow executed successfully' });
		await toast.waitFor({ timeout: 60_000 });
		await toast.locator('.el-notification__closeBtn').click();
		await toast.waitFor({ state: 'detached' });

		expect(sandbox.counters.runsCreated).toBe(1);
		const [run] = sandbox.runs.values();
		expect(run.inputs).toEqual(args);
		expect(textOf(model.requests[0].messages.at(-1)!)).toBe(MANUAL_PROMPT);

		// The logs under the canvas: the agent's steps, and the tool's call with what the model chose and what it got back.
		await page.getByText('Logs', { exact: true }).click();
		await byTestId(page, 'logs-overview-body').getByText(RUN_NODE, { exact: true }).click();
		const details = byTestId(page, 'log-details');
		await details.getByText(`record_${run.id.slice(0, 8)}`, { exact: true }).waitFor();
		await expect(details.textContent()).resolves.toContain(args.subject);
		await screenshot('agent-run.png');
	});
});

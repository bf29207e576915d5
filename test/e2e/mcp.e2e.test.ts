/**
 * The node served to MCP clients: a published workflow with n8n's MCP Server Trigger (bearer auth)
 * and this node as its two tools, called by a real MCP client over streamable HTTP; the tools run
 * against the local Zapier sandbox.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

import type { Stack } from '../../harness/stack';
import { startStack } from '../../harness/stack';
import { SEND_EMAIL_SCHEMA } from './agentWorkflows';
import { callTool, connectMcp } from './mcpClient';
import {
	GET_TOOL,
	MAILER_CONNECTION,
	MCP_PATHS,
	MCP_TOKEN,
	RUN_TOOL,
	RUN_TOOL_DESCRIPTION,
	mcpBearerCredential,
	mcpUrl,
	mcpWorkflows,
	untilServed,
} from './mcpWorkflows';

let stack: Stack;
let sandbox: Stack['sandbox'];
const clients: Client[] = [];

beforeAll(async () => {
	stack = await startStack({ workflows: mcpWorkflows, credentials: [mcpBearerCredential()] });
	sandbox = stack.sandbox;
	await untilServed(mcpUrl(stack.n8n, MCP_PATHS.run));
}, 900_000);

afterAll(async () => {
	await Promise.all(clients.map(async (client) => await client.close()));
	await stack?.stop();
});

beforeEach(() => sandbox.reset({ runDurationMs: 300 }));

const connect = async (path: string = MCP_PATHS.run): Promise<Client> => {
	const client = await connectMcp(mcpUrl(stack.n8n, path), MCP_TOKEN);
	clients.push(client);
	return client;
};

const args = { to: 'ada@example.com', subject: 'Quarterly report', body: 'It is ready.' };

test('without the bearer token, or with another, the MCP server refuses the client and runs nothing', async () => {
	const url = mcpUrl(stack.n8n, MCP_PATHS.run);
	const refusal = async (token?: string) =>
		await connectMcp(url, token).then(
			() => 'connected',
			(error: Error & { code?: number }) => `${error.code}: ${error.message}`,
		);
	expect(await refusal()).toMatch(/^40[13]: .*Authorization/);
	expect(await refusal('not-the-token')).toMatch(/^403: .*Authorization data is wrong/);
	expect(sandbox.counters.runsCreated).toBe(0);
});

test('the client lists the two tools with their names, descriptions and the $fromAI fields as input schema', async () => {
	const client = await connect();
	const { tools } = await client.listTools();
	expect(tools.map((tool) => tool.name).sort()).toEqual([GET_TOOL, RUN_TOOL].sort());
	const run = tools.find((tool) => tool.name === RUN_TOOL)!;
	// The example's Description: what the action does, then what the node's own says of the answer.
	expect(run.description).toBe(RUN_TOOL_DESCRIPTION);
	expect(run.description).toBe(
		'Sends an email from the work@example.com mailbox. Runs the Zapier action this tool is named after (its app and account are set in the workflow; the arguments are its input fields).' +
			' Returns {status, results}, where results is what the action produced; errors when the run failed;' +
			' and the run id while it is still running, to read later with Get.',
	);
	expect(run.inputSchema).toEqual(expect.objectContaining(SEND_EMAIL_SCHEMA));
	const get = tools.find((tool) => tool.name === GET_TOOL)!;
	expect(get.description).toBe(
		'Reads a Zapier action run by its id (e.g. one returned as still running) and returns {status, results}, plus errors when it failed.',
	);
	expect(get.inputSchema).toEqual(
		expect.objectContaining({
			type: 'object',
			properties: {
				runId: { type: 'string', description: 'The id of a Zapier action run that an earlier call returned as still running' },
			},
			required: ['runId'],
		}),
	);
	expect(sandbox.counters.runsCreated).toBe(0);
});

test("calling Run runs the action once with the client's arguments and answers with the run's compact result", async () => {
	const client = await connect();
	const answer = await callTool(client, RUN_TOOL, args);

	expect(sandbox.counters.runsCreated).toBe(1);
	const [run] = sandbox.runs.values();
	expect(run.actionKey).toBe('send_email');
	expect(run.authentication).toBe(MAILER_CONNECTION);
	expect(run.inputs).toEqual(args);
	const record = `record_${run.id.slice(0, 8)}`;
	expect(answer).toEqual({
		isError: false,
		value: [
			{
				status: 'success',
				results: [
					{ id: record, action: run.action, action_key: 'send_email', ...args },
					{ id: `${record}_2`, action: run.action },
				],
			},
		],
	});
});

test('a call without a required field is refused before anything is sent, with an answer the client can act on', async () => {
	const client = await connect();
	const answer = await callTool(client, RUN_TOOL, { subject: 'Hi', body: 'Hello' });
	expect(sandbox.counters.runsCreated).toBe(0);
	// n8n checks the arguments against the tool's schema, and names the field.
	expect(answer).toEqual({ isError: true, value: expect.stringMatching(/did not match expected schema[\s\S]*Required[\s\S]*at to$/) });

	// Called again with the field, it runs.
	const again = await callTool(client, RUN_TOOL, { to: 'ada@example.com', subject: 'Hi', body: 'Hello' });
	expect(again.isError).toBe(false);
	expect(sandbox.counters.runsCreated).toBe(1);
});

test('a run still going at the Timeout comes back with its ID, which Get reads back later', async () => {
	sandbox.configure({ runDurationMs: 4_000 });
	const client = await connect(MCP_PATHS.shortWait);
	const answer = await callTool(client, RUN_TOOL, args);

	expect(sandbox.counters.runsCreated).toBe(1);
	const [run] = sandbox.runs.values();
	expect(answer).toEqual({ isError: false, value: [{ status: 'waiting', results: [], id: run.id }] });

	const read = await callTool(client, GET_TOOL, { runId: run.id });
	expect(read).toEqual({
		isError: false,
		value: [{ status: 'success', results: [expect.objectContaining({ to: 'ada@example.com' }), expect.anything()] }],
	});
	expect(sandbox.counters.runsCreated).toBe(1);
});

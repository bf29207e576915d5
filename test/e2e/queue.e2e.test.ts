/**
 * n8n's queue mode: Redis, a main process and two workers, several workflows at once against the
 * sandbox. Every run succeeds, and no input is run twice. An MCP client's tool call ends within its Timeout.
 */
import { freePort, requestedN8nMajor } from '../../harness/n8n';
import type { Redis } from '../../harness/redis';
import { startRedis } from '../../harness/redis';
import type { Stack } from '../../harness/stack';
import { startStack } from '../../harness/stack';
import { CaptureServer } from '../../harness/capture';
import { callbackWorkflows } from '../../harness/callbackWorkflows';
import { e2eWorkflows } from './workflows';
import { callTool, connectMcp } from './mcpClient';
import { GET_TOOL, MCP_PATHS, MCP_TOKEN, RUN_TOOL, mcpBearerCredential, mcpUrl, mcpWorkflows, untilServed } from './mcpWorkflows';

let redis: Redis;
let stack: Stack;
let capture: CaptureServer;

beforeAll(async () => {
	redis = await startRedis();
	capture = new CaptureServer();
	await capture.start();
	const sandboxPort = await freePort();
	stack = await startStack({
		sandboxPort,
		workflows: [
			...e2eWorkflows,
			...callbackWorkflows(`http://127.0.0.1:${sandboxPort}/.well-known/jwks.json`, capture.url),
			...mcpWorkflows,
		],
		credentials: [mcpBearerCredential()],
		workers: 2,
		env: redis.queueEnv,
	});
}, 900_000);

/** Executions the workers have finished so far (each logs one just after its workflow has reported). */
const workerExecutionsSoFar = () => stack.n8n.workerExecutions().reduce((a, b) => a + b, 0);

/** Waits up to 30 s for the workers to have finished `count` executions since `before`, and says how many they had. */
async function untilWorkersExecuted(before: number, count: number): Promise<number> {
	const logged = Date.now() + 30_000;
	while (workerExecutionsSoFar() - before < count && Date.now() < logged) await new Promise((resolve) => setTimeout(resolve, 100));
	return workerExecutionsSoFar() - before;
}

afterAll(async () => {
	await stack?.stop();
	await capture?.stop();
	await redis?.stop();
});

test('several workflows at once, executed by the workers: all succeed, no run twice', async () => {
	stack.sandbox.reset({ runDurationMs: 500 });
	const single = Array.from({ length: 6 }, (_, i) =>
		stack.n8n.callWebhook('e2e-run', { action: 'core:x', inputs: { marker: `single-${i}` } }),
	);
	const batches = Array.from({ length: 3 }, (_, b) =>
		stack.n8n.callWebhook('e2e-ten-items', { items: Array.from({ length: 10 }, (_, i) => ({ n: b * 100 + i })) }),
	);
	const executedBefore = workerExecutionsSoFar();
	const singles = await Promise.all(single);
	const tens = await Promise.all(batches);

	singles.forEach((response, i) => {
		expect(response.status).toBe(200);
		expect(response.body).toEqual([
			expect.objectContaining({ status: 'success', results: [expect.objectContaining({ marker: `single-${i}` }), expect.anything()] }),
		]);
	});
	tens.forEach((response, b) => {
		expect(response.status).toBe(200);
		expect((response.body as Array<{ sentN: number; resultN: number }>).map((item) => [item.sentN, item.resultN])).toEqual(
			Array.from({ length: 10 }, (_, i) => [b * 100 + i, b * 100 + i]),
		);
	});

	const runs = [...stack.sandbox.runs.values()];
	expect(runs.length).toBe(36);
	const markers = runs.map((run) => String(run.inputs.marker ?? run.inputs.n));
	expect(new Set(markers).size).toBe(36);
	expect(stack.n8n.recentLog()).not.toMatch(/SQLITE_BUSY/);
	// The main process only queues: the nine executions were run by the workers.
	expect(stack.n8n.workerExecutions()).toHaveLength(2);
	expect(workerExecutionsSoFar() - executedBefore).toBe(9);
});

test("an execution waiting by Zapier's callback is resumed by the callback and finished by a worker", async () => {
	stack.sandbox.reset({ runDurationMs: 1_500 });
	const executedBefore = workerExecutionsSoFar();
	const response = await stack.n8n.callWebhook('e2e-cb-wait', { items: [{ a: 0 }, { a: 1 }], timeout: 600 });
	expect(response.status).toBe(200);
	const deadline = Date.now() + 60_000;
	while (!capture.requests.some((request) => request.path === '/resumed') && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	const [resumed] = capture.requests.filter((request) => request.path === '/resumed').map((request) => JSON.parse(request.body));
	expect(resumed.items.map((run: { status: string; results: Array<{ a: number }> }) => [run.status, run.results[0].a])).toEqual([
		['success', 0],
		['success', 1],
	]);
	expect(stack.sandbox.counters.runsCreated).toBe(2);
	expect(stack.sandbox.state().runs.map((run) => run.callbackUrl)).toEqual(
		Array(2).fill(expect.stringMatching(new RegExp(`^${stack.n8n.url}/webhook-waiting/`))),
	);
	// The part before the wait and the part after it, each run by a worker (which logs it just after the
	// workflow has reported).
	expect(await untilWorkersExecuted(executedBefore, 2)).toBe(2);
});

test("an MCP client's tool call stops waiting at the tool's Timeout (45 s unless set) and returns the run ID, which Get reads later", async () => {
	// Longer than the tool's Timeout; n8n 2.x gives a tool call run by a worker 120 s, the client 60 s.
	stack.sandbox.reset({ runDurationMs: 50_000 });
	const url = mcpUrl(stack.n8n, MCP_PATHS.run);
	await untilServed(url);
	const client = await connectMcp(url, MCP_TOKEN);
	try {
		const executedBefore = workerExecutionsSoFar();
		const answer = await callTool(client, RUN_TOOL, { to: 'ada@example.com', subject: 'Hi', body: 'Hello' });
		const [run] = stack.sandbox.runs.values();
		expect(answer).toEqual({ isError: false, value: [{ status: 'waiting', results: [], id: run.id }] });

		const read = await callTool(client, GET_TOOL, { runId: run.id });
		expect(read).toEqual({
			isError: false,
			value: [{ status: 'success', results: [expect.objectContaining({ to: 'ada@example.com' }), expect.anything()] }],
		});
		expect(stack.sandbox.counters.runsCreated).toBe(1);
		// n8n 2.x runs each tool call as an execution on a worker (1.x runs the tool in the main process
		// that took the request, and records the call as an execution of the trigger alone).
		if (requestedN8nMajor() >= 2) expect(await untilWorkersExecuted(executedBefore, 2)).toBe(2);
	} finally {
		await client.close();
	}
}, 150_000);

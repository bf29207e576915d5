/**
 * n8n's queue mode: Redis, a main process and two workers, several workflows at once against the
 * sandbox. Every run succeeds, and no input is run twice.
 */
import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';

import { freePort, stopProcess } from '../../harness/n8n';
import type { Stack } from '../../harness/stack';
import { startStack } from '../../harness/stack';
import { e2eWorkflows } from './workflows';

let redis: ChildProcess;
let stack: Stack;

beforeAll(async () => {
	const redisServer = execFileSync('bash', ['-c', 'command -v redis-server || true']).toString().trim();
	if (!redisServer) throw new Error("No redis-server: install Debian's redis-server (apt-get install -y redis-server)");
	const port = await freePort();
	redis = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
	stack = await startStack({
		workflows: e2eWorkflows,
		workers: 2,
		env: {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(port),
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		},
	});
}, 900_000);

afterAll(async () => {
	await stack?.stop();
	await stopProcess(redis);
});

test('several workflows at once, executed by the workers: all succeed, no run twice', async () => {
	stack.sandbox.reset({ runDurationMs: 500 });
	const single = Array.from({ length: 6 }, (_, i) =>
		stack.n8n.callWebhook('e2e-run', { action: 'core:x', inputs: { marker: `single-${i}` } }),
	);
	const batches = Array.from({ length: 3 }, (_, b) =>
		stack.n8n.callWebhook('e2e-ten-items', { items: Array.from({ length: 10 }, (_, i) => ({ n: b * 100 + i })) }),
	);
	const executedBefore = stack.n8n.workerExecutions().reduce((a, b) => a + b, 0);
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
	expect(stack.n8n.workerExecutions().reduce((a, b) => a + b, 0) - executedBefore).toBe(9);
});

/**
 * `npm run bench:queue`: the node in a real n8n in queue mode (Redis, a main process, three workers)
 * under one rate limit the sandbox enforces for every caller, with the version before the shared
 * budget side by side in the same run. Writes the figures into bench/results.md's queue-mode section.
 * Not a test: nothing here passes or fails.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { NODE_TYPE, packPackage, ROOT } from '../harness/n8n';
import { startRedis } from '../harness/redis';
import { CREDENTIAL, startStack } from '../harness/stack';
import type { Stack } from '../harness/stack';
import { chain, nodeIds, splitOutNode, webhookNode } from '../harness/workflowParts';
import type { RateLimitConfig } from '../sandbox/config';
import { durations, writeSection } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 600);
const LIMIT = 60;
const WINDOW_MS = 6_000;
const WORKERS = 3;
const CONCURRENCY = 20;
const PATH = 'bench-queue';

/** The package before the shared budget: the parent of the commit that brought it (BENCH_BASELINE to choose another). */
function baselineRevision(): string {
	if (process.env.BENCH_BASELINE) return process.env.BENCH_BASELINE;
	const added = execFileSync('git', ['log', '--diff-filter=A', '--format=%H', '--', 'nodes/ZapierActions/transport/sharedBudget.ts'], {
		cwd: ROOT,
	})
		.toString()
		.trim()
		.split('\n')
		.pop();
	if (!added) throw new Error('No commit brings transport/sharedBudget.ts: set BENCH_BASELINE to the revision to compare with');
	return `${added}~1`;
}

/** That revision's package, built from its files with this checkout's dependencies. */
function baselineTarball(revision: string): string {
	const dir = mkdtempSync(join(tmpdir(), 'zapier-baseline-'));
	execFileSync('bash', ['-c', `git archive "${revision}" | tar -x -C "${dir}"`], { cwd: ROOT });
	symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
	return packPackage(mkdtempSync(join(tmpdir(), 'zapier-pack-')), dir);
}

const id = nodeIds('b000');
const benchWorkflow = chain('benchQueue000000', 'Bench: runs with waiting', [
	webhookNode(id, PATH),
	splitOutNode(id, 'body.items'),
	{
		id: id(),
		name: 'Run',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			resource: 'actionRun',
			operation: 'run',
			action: 'core:bench',
			inputsMode: 'json',
			inputs: '={{ $json }}',
			options: { concurrency: CONCURRENCY, timeout: 900 },
		},
		credentials: { zapierOAuth2Api: CREDENTIAL },
		onError: 'continueRegularOutput',
	},
]);

interface Scenario {
	name: string;
	/** Items per execution, the executions started at once. */
	executions: number[];
	headers: RateLimitConfig['headers'];
	reset: RateLimitConfig['reset'];
}

interface Figures {
	seconds: number;
	requests: number;
	rateLimited: number;
	succeeded: number;
	runsCreated: number;
	/** Executions each worker ran. */
	perWorker: number[];
}

async function measure(stack: Stack, scenario: Scenario): Promise<Figures> {
	const total = scenario.executions.reduce((a, b) => a + b, 0);
	stack.sandbox.reset({
		rateLimit: {
			limit: LIMIT,
			windowMs: WINDOW_MS,
			cooldownMs: WINDOW_MS,
			retryAfter: 'seconds',
			reset: scenario.reset,
			headers: scenario.headers,
		},
	});
	stack.sandbox.scriptRuns(...durations(total).map((durationMs) => ({ durationMs })));
	const before = stack.n8n.workerExecutions();
	const startedAt = Date.now();
	let offset = 0;
	const answers = await Promise.all(
		scenario.executions.map(async (count) => {
			const items = Array.from({ length: count }, (_, n) => ({ n: offset + n }));
			offset += count;
			return await stack.n8n.callWebhook(PATH, { items });
		}),
	);
	const failed = answers.find((answer) => answer.status !== 200);
	if (failed) throw new Error(`An execution failed: HTTP ${failed.status} ${JSON.stringify(failed.body).slice(0, 500)}`);
	const seconds = (Date.now() - startedAt) / 1000;
	const outputs = answers.flatMap((answer) => (Array.isArray(answer.body) ? (answer.body as Array<{ status?: string }>) : []));
	const unsuccessful = outputs.find((item) => item.status !== 'success');
	if (outputs.length !== total || unsuccessful) {
		console.log(
			`  ${outputs.length} items came back; one that did not succeed: ${JSON.stringify(unsuccessful ?? answers[0].body).slice(0, 1_000)}`,
		);
	}
	return {
		seconds,
		requests: stack.sandbox.counters.log.filter((entry) => entry.route.includes('/v2/action-runs')).length,
		rateLimited: stack.sandbox.counters.rateLimited,
		succeeded: outputs.filter((item) => item.status === 'success').length,
		runsCreated: stack.sandbox.counters.runsCreated,
		perWorker: stack.n8n.workerExecutions().map((count, i) => count - (before[i] ?? 0)),
	};
}

/** A queue-mode n8n with this tarball (this checkout's when undefined), each worker running one execution at a time. */
async function queueStack(packageTarball: string | undefined, redisEnv: Record<string, string>): Promise<Stack> {
	const stack = await startStack({
		workflows: [benchWorkflow],
		workers: WORKERS,
		workerConcurrency: 1,
		env: redisEnv,
		zapierCredential: { rateLimit: LIMIT, rateLimitWindowSeconds: WINDOW_MS / 1000 },
		...(packageTarball && { packageTarball }),
	});
	// Each worker runs one small execution first: the workers are up, the node loaded, the token fresh.
	stack.sandbox.reset();
	const warmUps = await Promise.all(
		Array.from({ length: WORKERS * 2 }, async () => await stack.n8n.callWebhook(PATH, { items: [{ n: -1 }] })),
	);
	if (warmUps.some((answer) => answer.status !== 200)) {
		await stack.stop();
		throw new Error(`The warm-up failed: ${JSON.stringify(warmUps.map((answer) => answer.status))}`);
	}
	return stack;
}

const f = (n: number, digits = 2) => n.toFixed(digits);

async function main() {
	const third = RUNS / WORKERS;
	const shared: Scenario = {
		name: `${WORKERS} executions of ${third} items at once`,
		executions: Array(WORKERS).fill(third),
		headers: 'always',
		reset: 'seconds',
	};
	const all: Array<{ version: 'before' | 'now'; scenario: Scenario }> = [
		{ version: 'before', scenario: shared },
		{ version: 'now', scenario: shared },
		{ version: 'now', scenario: { ...shared, name: `${shared.name}, Reset as epoch seconds`, reset: 'epoch' } },
		{
			version: 'now',
			scenario: { name: `1 execution of ${RUNS} items, two workers idle`, executions: [RUNS], headers: 'always', reset: 'seconds' },
		},
		{ version: 'now', scenario: { ...shared, name: `${shared.name}, no X-RateLimit headers`, headers: 'never', reset: 'none' } },
	];
	// BENCH_ONLY: the scenarios whose name contains it (the table then shows only those).
	const scenarios = all.filter(({ scenario }) => !process.env.BENCH_ONLY || scenario.name.includes(process.env.BENCH_ONLY));
	const revision = baselineRevision();
	const shortRevision = execFileSync('git', ['rev-parse', '--short', revision], { cwd: ROOT }).toString().trim();
	const redis = await startRedis();
	const rows: Array<{ version: string; scenario: Scenario; figures: Figures }> = [];
	try {
		for (const version of (['before', 'now'] as const).filter((candidate) => scenarios.some((entry) => entry.version === candidate))) {
			console.log(`Queue mode, the package ${version === 'before' ? `before the shared budget (${shortRevision})` : 'now'} ...`);
			const tarball = version === 'before' ? baselineTarball(revision) : undefined;
			const stack = await queueStack(tarball, redis.queueEnv);
			try {
				for (const { scenario } of scenarios.filter((entry) => entry.version === version)) {
					console.log(`  ${scenario.name} ...`);
					const figures = await measure(stack, scenario);
					console.log(`  ${JSON.stringify(figures)}`);
					rows.push({ version, scenario, figures });
					await new Promise((r) => setTimeout(r, 2 * WINDOW_MS));
				}
			} finally {
				await stack.stop();
				if (tarball) rmSync(tarball, { force: true });
			}
		}
	} finally {
		await redis.stop();
	}

	const idealSeconds = (2 * RUNS * WINDOW_MS) / LIMIT / 1000;
	const order = scenarios.map(({ version, scenario }) => rows.find((row) => row.version === version && row.scenario === scenario)!);
	const before = order.find((row) => row.version === 'before')?.figures;
	const now = order.find((row) => row.version === 'now' && row.scenario === shared)?.figures;
	const table = order
		.map(
			({ version, scenario, figures: x }) =>
				`| ${version === 'before' ? `Before (${shortRevision}): a limit per process` : 'Now: one shared budget'} | ${scenario.name} | ${f(x.seconds, 1)} | ${f(x.seconds / idealSeconds)} | ${x.rateLimited} (${f((100 * x.rateLimited) / Math.max(1, x.requests), 1)} %) | ${f(x.requests / Math.max(1, x.runsCreated))} | ${x.succeeded} / ${RUNS} | ${x.perWorker.join(' · ')} |`,
		)
		.join('\n');
	const section = `## Queue mode: ${RUNS} runs with waiting, three workers, one Zapier limit
A real n8n in queue mode (Redis, a main process, ${WORKERS} workers running one execution each at a time), the
sandbox enforcing one limit of ${LIMIT} requests per ${WINDOW_MS / 1000} s for every caller (a 429 and a ${WINDOW_MS / 1000} s cooldown past it, with
\`Retry-After\`); every credential set to ${LIMIT} per ${WINDOW_MS / 1000} s, as a user would copy Zapier's limit. The same
seeded run durations as above; ${CONCURRENCY} items in flight per execution. Ideal: 2 requests per run at the one limit:
**${f(idealSeconds, 1)} s**. "Before" is the package as it was before the shared budget, measured first in the same run.
Reproduce with \`npm run bench:queue\`.

| Package | Work | Time (s) | × ideal | 429s (of requests) | Requests per run | Succeeded | Executions per worker |
|---|---|---|---|---|---|---|---|
${table}

${
	before && now
		? `With Zapier's headers, the three workers finish in **${f(now.seconds / before.seconds)}×** the time they took with a limit each, with ${now.rateLimited} 429s instead of ${before.rateLimited} (${f((100 * now.rateLimited) / now.requests, 1)} % of the requests instead of ${f((100 * before.rateLimited) / before.requests, 1)} %).`
		: ''
}
`;
	writeSection('results.md', '## Queue mode', section);
	console.log(`\n${section}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

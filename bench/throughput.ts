/**
 * `npm run bench`: the node against the sandbox under a scaled-down Zapier rate limit, next to the
 * ideal and a naive client, in one run. Prints the figures and writes them to bench/results.md.
 * Not a test: nothing here passes or fails.
 */
import axios from 'axios';
import { cpus, totalmem } from 'node:os';

import { callbackWorkflows, triggerUrl } from '../harness/callbackWorkflows';
import { CONNECT_BY, isApiRoute, SDK_SEND_EMAIL } from '../harness/connectBy';
import { CaptureServer } from '../harness/capture';
import { outputOf, runWorkflow } from '../harness/engine';
import { freePort } from '../harness/n8n';
import { startStack } from '../harness/stack';
import type { Engine } from '../harness/workflows';
import { CREDENTIAL_ID, startEngine, workflow, ZAPIER_NODE } from '../harness/workflows';
import type { ZapierSandbox } from '../sandbox/server';
import { durations, quantile, writeReport } from './report';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const BULK = Number(process.env.BENCH_BULK ?? 10_000);
const LIMIT = 60;
const WINDOW_MS = 6_000;
const CONCURRENCY = 20;

interface Figures {
	seconds: number;
	requestsPerRun: number;
	rateLimited: number;
	runsCreated: number;
	items: number;
	lagP50: number;
	lagP95: number;
}

/** The credential the benchmark connects with (ZAPIER_CONNECT_BY), and its API's run routes. */
const CLIENT_CREDENTIALS = CONNECT_BY === 'clientCredentials';
const isRunRoute = (route: string) => route.includes('/v2/action-runs') || route.includes('/actions/v1/runs');

function figures(sandbox: ZapierSandbox, startedAt: number, items: number): Figures {
	const apiRequests = sandbox.counters.log.filter((entry) => isRunRoute(entry.route)).length;
	const lags = [...sandbox.runs.values()]
		.filter((run) => run.seenFinishedAt)
		.map((run) => run.seenFinishedAt! - (run.createdAt + run.durationMs));
	return {
		seconds: (Date.now() - startedAt) / 1000,
		requestsPerRun: apiRequests / Math.max(1, sandbox.counters.runsCreated),
		rateLimited: sandbox.counters.rateLimited,
		runsCreated: sandbox.counters.runsCreated,
		items,
		lagP50: quantile(lags, 0.5) / 1000,
		lagP95: quantile(lags, 0.95) / 1000,
	};
}

function rateLimited(engine: Engine, runDurations: number[]) {
	engine.sandbox.reset({
		rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, cooldownMs: WINDOW_MS, retryAfter: 'seconds', reset: 'seconds' },
	});
	engine.sandbox.scriptRuns(...runDurations.map((durationMs) => ({ durationMs })));
}

async function node(engine: Engine, runDurations: number[]): Promise<Figures> {
	rateLimited(engine, runDurations);
	engine.credentials.set(CREDENTIAL_ID, {
		...engine.credentials.get(CREDENTIAL_ID),
		rateLimit: LIMIT,
		rateLimitWindowSeconds: WINDOW_MS / 1000,
	});
	const items = runDurations.map((_, n) => ({ n }));
	const startedAt = Date.now();
	const result = await runWorkflow(
		workflow({ action: 'core:bench', inputs: '={{ $json }}', options: { concurrency: CONCURRENCY } }, { items }),
		engine,
	);
	const output = outputOf(result, ZAPIER_NODE);
	if (output.length !== items.length || output.some((item) => item.json.status !== 'success'))
		throw new Error('The node did not finish every run');
	return figures(engine.sandbox, startedAt, items.length);
}

/** What a first attempt looks like: one item after another, a read every second, no limiter. */
async function naive(engine: Engine, runDurations: number[]): Promise<Figures> {
	rateLimited(engine, runDurations);
	const credential = engine.credentials.get(CREDENTIAL_ID);
	const authorization = CLIENT_CREDENTIALS
		? `JWT ${String(credential.accessToken)}`
		: `Bearer ${(credential.oauthTokenData as { access_token: string }).access_token}`;
	const api = axios.create({ baseURL: engine.sandbox.url, headers: { Authorization: authorization }, validateStatus: () => true });
	const [runs, action] = CLIENT_CREDENTIALS
		? ['/api/v0/sdk/zapier/api/actions/v1/runs', SDK_SEND_EMAIL]
		: ['/v2/action-runs', 'core:bench'];
	const [selectedApi, actionType, actionKey, actionId] = action.split('|');
	const body = (n: number) =>
		CLIENT_CREDENTIALS
			? { data: { selected_api: selectedApi, action_type: actionType, action_key: actionKey, action_id: actionId, inputs: { n } } }
			: { data: { action, authentication: null, inputs: { n } } };
	const send = async (method: 'get' | 'post', path: string, body?: unknown) => {
		for (;;) {
			const response = await api.request({ method, url: path, data: body });
			if (response.status !== 429) return response;
			await new Promise((r) => setTimeout(r, Number(response.headers['retry-after'] ?? 60) * 1000));
		}
	};
	const startedAt = Date.now();
	for (let n = 0; n < runDurations.length; n++) {
		const created = await send('post', runs, body(n));
		const id = created.data.data.id as string;
		for (;;) {
			await new Promise((r) => setTimeout(r, 1_000));
			const read = await send('get', `${runs}/${id}`);
			if (['success', 'error'].includes(read.data?.data?.status)) break;
		}
	}
	return figures(engine.sandbox, startedAt, runDurations.length);
}

/** A few runs with no rate pressure: how soon the node notices each one finished. */
async function unpressured(engine: Engine): Promise<Array<{ durationS: number; lagS: number; boundS: number }>> {
	const runDurations = [1_000, 2_000, 3_000, 5_000, 8_000];
	engine.sandbox.reset();
	engine.sandbox.scriptRuns(...runDurations.map((durationMs) => ({ durationMs })));
	engine.credentials.set(CREDENTIAL_ID, { ...engine.credentials.get(CREDENTIAL_ID), rateLimit: 60, rateLimitWindowSeconds: 60 });
	await runWorkflow(workflow({ action: 'core:bench', inputs: '={{ $json }}' }, { items: runDurations.map((_, n) => ({ n })) }), engine);
	return [...engine.sandbox.runs.values()].map((run) => ({
		durationS: run.durationMs / 1000,
		lagS: (run.seenFinishedAt! - run.createdAt - run.durationMs) / 1000,
		boundS: 0.2 * (run.durationMs / 1000) + 1,
	}));
}

async function bulk(
	engine: Engine,
	wait: boolean,
): Promise<{ seconds: number; peakRssMb: number; peakHeapMb: number; runsCreated: number }> {
	engine.sandbox.reset({ runDurationMs: 0 });
	// The credential's largest limit, 10,000 a second: no limit for this work.
	engine.credentials.set(CREDENTIAL_ID, { ...engine.credentials.get(CREDENTIAL_ID), rateLimit: 10_000, rateLimitWindowSeconds: 1 });
	global.gc?.();
	let peakRss = 0;
	let peakHeap = 0;
	const sample = () => {
		const usage = process.memoryUsage();
		peakRss = Math.max(peakRss, usage.rss);
		peakHeap = Math.max(peakHeap, usage.heapUsed);
	};
	const timer = setInterval(sample, 50);
	const startedAt = Date.now();
	const items = Array.from({ length: BULK }, (_, n) => ({ n }));
	const result = await runWorkflow(workflow({ action: 'core:bulk', inputs: '={{ $json }}', waitForCompletion: wait }, { items }), engine);
	sample();
	clearInterval(timer);
	if (outputOf(result, ZAPIER_NODE).length !== BULK) throw new Error('Not every item came out');
	return {
		seconds: (Date.now() - startedAt) / 1000,
		peakRssMb: peakRss / 2 ** 20,
		peakHeapMb: peakHeap / 2 ** 20,
		runsCreated: engine.sandbox.counters.runsCreated,
	};
}

interface CallbackFigures extends Figures {
	/** Runs whose finished item reached n8n's workflow. */
	delivered: number;
}

/**
 * The same runs in a real n8n, reported by Zapier's callbacks: started without waiting and received
 * by the Zapier Action Run Trigger (one execution per run), or waited for by callback in one
 * execution. Lag is from a run's end to its item reaching the workflow's next node.
 */
async function callbacks(runDurations: number[]): Promise<{ trigger: CallbackFigures; waiting: CallbackFigures }> {
	const capture = new CaptureServer();
	await capture.start();
	const sandboxPort = await freePort();
	const stack = await startStack({
		sandboxPort,
		workflows: callbackWorkflows(`http://127.0.0.1:${sandboxPort}/.well-known/jwks.json`, capture.url),
		zapierCredential: { rateLimit: LIMIT, rateLimitWindowSeconds: WINDOW_MS / 1000 },
	});
	const items = runDurations.map((_, n) => ({ n }));
	const reset = () => {
		stack.sandbox.reset({
			rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, cooldownMs: WINDOW_MS, retryAfter: 'seconds', reset: 'seconds' },
		});
		stack.sandbox.scriptRuns(...runDurations.map((durationMs) => ({ durationMs })));
		capture.reset();
	};
	const arrived = async (path: string, count: number) => {
		const deadline = Date.now() + 600_000;
		while (capture.requests.filter((request) => request.path === path).length < count && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 50));
		}
		return capture.requests.filter((request) => request.path === path);
	};
	const measure = (startedAt: number, delivered: Array<{ id: string; at: number }>): CallbackFigures => {
		const runs = stack.sandbox.runs;
		const lags = delivered.map(({ id, at }) => at - (runs.get(id)!.createdAt + runs.get(id)!.durationMs));
		const apiRequests = stack.sandbox.counters.log.filter((entry) => isApiRoute(entry.route)).length;
		return {
			seconds: (Math.max(...delivered.map(({ at }) => at)) - startedAt) / 1000,
			requestsPerRun: apiRequests / Math.max(1, stack.sandbox.counters.runsCreated),
			rateLimited: stack.sandbox.counters.rateLimited,
			runsCreated: stack.sandbox.counters.runsCreated,
			items: items.length,
			lagP50: quantile(lags, 0.5) / 1000,
			lagP95: quantile(lags, 0.95) / 1000,
			delivered: new Set(delivered.map(({ id }) => id)).size,
		};
	};
	try {
		reset();
		let startedAt = Date.now();
		await stack.n8n.callWebhook('e2e-cb-start', { items, callbackUrl: triggerUrl(stack.n8n.url) });
		const received = await arrived('/trigger', items.length);
		const trigger = measure(
			startedAt,
			received.map((request) => ({ id: (JSON.parse(request.body) as { id: string }).id, at: request.at })),
		);

		reset();
		startedAt = Date.now();
		await stack.n8n.callWebhook('e2e-cb-wait', { items, timeout: 600 });
		const [resumed] = await arrived('/resumed', 1);
		const runs = resumed ? (JSON.parse(resumed.body) as { items: Array<{ id: string; status: string }> }).items : [];
		const waiting = measure(
			startedAt,
			runs.filter((run) => run.status === 'success').map((run) => ({ id: run.id, at: resumed.at })),
		);
		return { trigger, waiting };
	} finally {
		await stack.stop();
		await capture.stop();
	}
}

const f = (n: number, digits = 2) => n.toFixed(digits);

async function main() {
	const engine = await startEngine();
	const runDurations = durations(RUNS);
	const idealSeconds = Math.max((2 * RUNS * WINDOW_MS) / LIMIT / 1000, Math.max(...runDurations) / 1000);

	console.log(`Node: ${RUNS} runs with waiting, limit ${LIMIT} requests per ${WINDOW_MS / 1000} s ...`);
	const ours = await node(engine, runDurations);
	console.log(`  ${JSON.stringify(ours)}`);
	if (process.env.BENCH_NODE_ONLY) return await engine.sandbox.stop();
	if (process.env.BENCH_CALLBACKS_ONLY) {
		await engine.sandbox.stop();
		return console.log(JSON.stringify(await callbacks(runDurations)));
	}
	console.log(`Naive client: the same ${RUNS} runs ...`);
	const theirs = await naive(engine, runDurations);
	console.log('A few runs without rate pressure ...');
	const lags = await unpressured(engine);
	console.log(`${BULK} items without waiting ...`);
	const bulkNoWait = await bulk(engine, false);
	console.log(`${BULK} items waiting on instant runs ...`);
	const bulkWait = await bulk(engine, true);
	await engine.sandbox.stop();
	console.log(`The same ${RUNS} runs in a real n8n, reported by Zapier's callbacks ...`);
	const called = await callbacks(runDurations);

	const row = (name: string, x: Figures) =>
		`| ${name} | ${f(x.seconds, 1)} | ${f(x.seconds / idealSeconds)} | ${f(x.requestsPerRun)} | ${x.rateLimited} | ${x.runsCreated} / ${x.items} | ${f(x.lagP50)} | ${f(x.lagP95)} |`;
	const report = `# Benchmark figures${CLIENT_CREDENTIALS ? ": client credentials (the API behind Zapier's SDK)" : ''}

Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}
(a shared machine: times vary from run to run). Reproduce with \`npm run bench\` (\`BENCH_RUNS\`, \`BENCH_BULK\` to change the sizes;
\`npm run bench:client-credentials\` for the API behind Zapier's SDK, whose figures are in ${CLIENT_CREDENTIALS ? 'this file' : '[results-client-credentials.md](results-client-credentials.md)'}).

## ${RUNS} runs with waiting, under a rate limit of ${LIMIT} requests per ${WINDOW_MS / 1000} s
The sandbox enforces the limit (a 429 and a ${WINDOW_MS / 1000} s cooldown past it); the credential is set to the same limit;
run durations are log-normal around 0.8 s (seeded, ${f(Math.min(...runDurations) / 1000, 1)}–${f(Math.max(...runDurations) / 1000, 1)} s); the node runs ${CONCURRENCY} items in flight.
Ideal: 2 requests per run at the limit, or the longest run if longer: **${f(idealSeconds, 1)} s**.

| Client | Time (s) | × ideal | Requests per run | 429s | Runs created / items | Lag p50 (s) | Lag p95 (s) |
|---|---|---|---|---|---|---|---|
${row('This node', ours)}
${row('Naive (sequential, 1 s polling, no limiter)', theirs)}

The naive client takes **${f(theirs.seconds / ours.seconds, 1)}×** the node's time. Lag is the time between a run finishing and its
first read that says so; under rate pressure the node spends reads where runs are likely done, so its lag is
longer, and the completion time is what counts.

## The same runs reported by Zapier's callbacks, in a real n8n
The same limit and runs; the credential is set to the same limit. A workflow starts the ${RUNS} runs without
waiting (Run with a Callback URL): the **Zapier Action Run Trigger** starts one execution per finished run.
Alternatively one execution waits for all of them by callback (n8n's wait/resume). Time is until the last
run's item reached the next node; lag is from a run's end to its item reaching the next node.

| How | Time (s) | × polling's time | Requests per run | 429s | Runs created / delivered | Lag p50 (s) | Lag p95 (s) |
|---|---|---|---|---|---|---|---|
| Run + Callback URL → trigger | ${f(called.trigger.seconds, 1)} | ${f(called.trigger.seconds / ours.seconds)} | ${f(called.trigger.requestsPerRun)} | ${called.trigger.rateLimited} | ${called.trigger.runsCreated} / ${called.trigger.delivered} | ${f(called.trigger.lagP50)} | ${f(called.trigger.lagP95)} |
| One execution waiting by callback | ${f(called.waiting.seconds, 1)} | ${f(called.waiting.seconds / ours.seconds)} | ${f(called.waiting.requestsPerRun)} | ${called.waiting.rateLimited} | ${called.waiting.runsCreated} / ${called.waiting.delivered} | ${f(called.waiting.lagP50)} | ${f(called.waiting.lagP95)} |

With the trigger, runs complete **${f(ours.seconds / called.trigger.seconds, 2)}×** as fast as with polling, at
${f(called.trigger.requestsPerRun)} requests per run (polling: ${f(ours.requestsPerRun)}), and no execution is held while runs go on.
Waiting by callback in one execution holds no worker either. But while the execution is still creating its
runs it is not yet waiting, and n8n answers the callbacks of runs that end meanwhile with a 409, which Zapier
does not retry: the callbacks that come later read those runs once. So a long batch costs about what polling
costs, and takes as long; with one item per execution, a run costs one request.

## A few runs without rate pressure
| Run duration (s) | Lag (s) | Bound: 20 % of duration + 1 s |
|---|---|---|
${lags.map((l) => `| ${f(l.durationS, 1)} | ${f(l.lagS)} | ${f(l.boundS)} |`).join('\n')}

p95 lag: ${f(
		quantile(
			lags.map((l) => l.lagS),
			0.95,
		),
	)} s; largest lag / bound: ${f(Math.max(...lags.map((l) => l.lagS / l.boundS)))}.

## ${BULK} items
| Work | Time (s) | Peak RSS (MiB) | Peak heap (MiB) | Runs created |
|---|---|---|---|---|
| Without waiting | ${f(bulkNoWait.seconds, 1)} | ${f(bulkNoWait.peakRssMb, 0)} | ${f(bulkNoWait.peakHeapMb, 0)} | ${bulkNoWait.runsCreated} |
| Waiting on instant runs | ${f(bulkWait.seconds, 1)} | ${f(bulkWait.peakRssMb, 0)} | ${f(bulkWait.peakHeapMb, 0)} | ${bulkWait.runsCreated} |

Memory is the whole process: n8n's engine, the node and the sandbox serving it, with no rate limit.
`;
	writeReport(CLIENT_CREDENTIALS ? 'results-client-credentials.md' : 'results.md', report, CLIENT_CREDENTIALS ? [] : ['## Queue mode']);
	console.log(`\n${report}`);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

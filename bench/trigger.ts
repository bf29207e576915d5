/**
 * `npm run bench:trigger`: the Zapier Trigger against the sandbox's Trigger Inbox under a scaled-down
 * rate limit (the sandbox enforces it), driven as n8n-core drives it (its poll and webhook contexts),
 * in one run: 1,000 queued events drained by polls back to back, against the ideal the lease size and
 * the rate limit set and a naive client (an HTTP Request loop with the SDK's defaults: one message per
 * lease, one acknowledgement per message); then events pushed by Zapier's notifications, and the time
 * from each event to its execution. Writes bench/results-trigger.md. Not a test: nothing passes or fails.
 */
import axios from 'axios';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Deployment, EngineOptions, WebhookAnswer } from '../harness/engine';
import { activationContext, pollContext, webhookContext } from '../harness/engine';
import type { Engine } from '../harness/workflows';
import { CREDENTIAL_ID, startEngine, triggerWorkflow, ZAPIER_TRIGGER_NODE } from '../harness/workflows';
import { ZapierTrigger } from '../nodes/ZapierTrigger/ZapierTrigger.node';
import { INBOX_PREFIX } from '../sandbox/server';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000);
const PUSHED = Number(process.env.BENCH_PUSHED ?? 200);
const PUSH_RATE = 10;
const LIMIT = 60;
const WINDOW_MS = 6_000;
const trigger = new ZapierTrigger();

const quantile = (values: number[], q: number) =>
	[...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN;

/** The least time `requests` take under LIMIT per WINDOW_MS: the first window's at once, then a window per LIMIT more. */
const idealSeconds = (requests: number) => (Math.ceil(requests / LIMIT) - 1) * (WINDOW_MS / 1000);

function limited(engine: Engine): void {
	engine.sandbox.reset({
		inboxInitMs: 50,
		rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, cooldownMs: WINDOW_MS, retryAfter: 'seconds', reset: 'seconds' },
	});
	engine.credentials.set(CREDENTIAL_ID, {
		...engine.credentials.get(CREDENTIAL_ID),
		rateLimit: LIMIT,
		rateLimitWindowSeconds: WINDOW_MS / 1000,
	});
}

const inboxRequests = (engine: Engine) => engine.sandbox.counters.log.filter((entry) => entry.route.includes('/inboxes')).length;

interface Drain {
	client: string;
	batch: number;
	seconds: number;
	requests: number;
	leases: number;
	events: number;
	duplicates: number;
	rateLimited: number;
	idealSeconds: number;
}

function drained(engine: Engine, client: string, batch: number, startedAt: number, requestsBefore: number, ids: string[]): Drain {
	const requests = inboxRequests(engine) - requestsBefore;
	const minimum = 2 * Math.ceil(EVENTS / batch);
	return {
		client,
		batch,
		seconds: (Date.now() - startedAt) / 1000,
		requests,
		leases: engine.sandbox.counters.inboxLeases + engine.sandbox.counters.inboxEmptyLeases,
		events: new Set(ids).size,
		duplicates: ids.length - new Set(ids).size,
		rateLimited: engine.sandbox.counters.rateLimited,
		idealSeconds: idealSeconds(minimum),
	};
}

async function activated(engine: Engine & EngineOptions, id: string, parameters: IDataObject) {
	const json = triggerWorkflow(id, parameters);
	const deployment: Deployment = { staticData: {}, active: true };
	await trigger.webhookMethods.default.create.call(activationContext(json, ZAPIER_TRIGGER_NODE, engine, deployment));
	const inbox = engine.sandbox.state().inboxes.find((candidate) => candidate.key?.startsWith(`n8n-${id}-`))!;
	return { json, deployment, inbox };
}

/** The node, polled back to back (as a tight Poll Times schedule would) until the backlog is gone. */
async function nodeDrain(engine: Engine, batch: number): Promise<Drain> {
	limited(engine);
	const { json, deployment, inbox } = await activated(engine, `drain${batch}`, { options: { batchSize: batch } });
	engine.sandbox.emitInboxEvents({ inbox: inbox.id, count: EVENTS });
	const before = inboxRequests(engine);
	const leasesBefore = engine.sandbox.counters.inboxLeases;
	const ids: string[] = [];
	const startedAt = Date.now();
	for (;;) {
		const polled = await trigger.poll.call(pollContext(json, ZAPIER_TRIGGER_NODE, engine, 'trigger', deployment));
		if (!polled) break;
		ids.push(...polled[0].map((item) => String(item.json.id)));
	}
	const figures = drained(engine, 'Zapier Trigger (poll)', batch, startedAt, before, ids);
	return { ...figures, leases: engine.sandbox.counters.inboxLeases - leasesBefore };
}

/** What a first attempt with HTTP Request nodes looks like: the SDK's drain defaults, one message at a time, and a wait on a 429. */
async function naiveDrain(engine: Engine): Promise<Drain> {
	limited(engine);
	const { inbox } = await activated(engine, 'naive', {});
	engine.sandbox.emitInboxEvents({ inbox: inbox.id, count: EVENTS });
	const token = engine.sandbox.issueClientToken().access_token;
	const api = axios.create({
		baseURL: `${engine.sandbox.url}${INBOX_PREFIX}/inboxes/${inbox.id}/messages`,
		headers: { Authorization: `JWT ${token}` },
		validateStatus: () => true,
	});
	const send = async (path: string, body: unknown) => {
		for (;;) {
			const response = await api.post(path, body);
			if (response.status !== 429) return response;
			await new Promise((r) => setTimeout(r, Number(response.headers['retry-after'] ?? 60) * 1000));
		}
	};
	const before = inboxRequests(engine);
	const ids: string[] = [];
	const startedAt = Date.now();
	for (;;) {
		const lease = await send('/lease', { lease_limit: 1 });
		const [message] = lease.data.results ?? [];
		if (!message) break;
		ids.push(String(message.payload.id));
		await send('/ack', { lease_id: lease.data.lease_id, message_ids: [message.id] });
	}
	return drained(engine, 'naive (lease 1, ack 1)', 1, startedAt, before, ids);
}

interface Pushed {
	events: number;
	duplicates: number;
	executions: number;
	notifications: number;
	requestsPerEvent: number;
	latencyP50: number;
	latencyP95: number;
	latencyMax: number;
	rateLimited: number;
}

/** Events at PUSH_RATE a second; each of Zapier's notifications reaches the trigger's webhook as n8n would hand it over. */
async function pushed(engine: Engine): Promise<Pushed> {
	limited(engine);
	const executions: INodeExecutionData[][] = [];
	const handedAt = new Map<string, number>();
	const deployed: { setup?: Awaited<ReturnType<typeof activated>> } = {};
	const server = createServer((req, res) => {
		let body = '';
		req.on('data', (chunk) => (body += chunk));
		req.on('end', async () => {
			const answer: WebhookAnswer = {};
			const context = webhookContext(
				deployed.setup!.json,
				ZAPIER_TRIGGER_NODE,
				engine,
				{ headers: {}, body },
				answer,
				undefined,
				deployed.setup!.deployment,
			);
			const response = await trigger.webhook.call(context).catch(() => undefined);
			const items = response?.workflowData?.[0] ?? [];
			if (items.length) executions.push(items);
			for (const item of items) handedAt.set(String(item.json.id), Date.now());
			res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received": true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const webhookBaseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
	const setup = (deployed.setup = await activated({ ...engine, webhookBaseUrl }, 'push', { receive: 'push', options: { batchSize: 25 } }));
	const before = inboxRequests(engine);
	const emittedAt = new Map<string, number>();
	await engine.sandbox.emitInboxEventsAtRate({
		inbox: setup.inbox.id,
		count: PUSHED,
		perSecond: PUSH_RATE,
		payload: (n) => {
			emittedAt.set(`push_${n}`, Date.now());
			return { id: `push_${n}` };
		},
	});
	for (let waited = 0; handedAt.size < PUSHED && waited < 60_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
	server.close();
	const latencies = [...handedAt].map(([id, at]) => (at - emittedAt.get(id)!) / 1000);
	const ids = executions.flat().map((item) => String(item.json.id));
	return {
		events: new Set(ids).size,
		duplicates: ids.length - new Set(ids).size,
		executions: executions.length,
		notifications: engine.sandbox.counters.inboxNotifications.length,
		requestsPerEvent: (inboxRequests(engine) - before) / Math.max(1, ids.length),
		latencyP50: quantile(latencies, 0.5),
		latencyP95: quantile(latencies, 0.95),
		latencyMax: Math.max(...latencies),
		rateLimited: engine.sandbox.counters.rateLimited,
	};
}

const f = (n: number, digits = 2) => n.toFixed(digits);

async function main() {
	const engine = await startEngine('clientCredentials');
	const drains = [await nodeDrain(engine, 25), await nodeDrain(engine, 100), await naiveDrain(engine)];
	const push = await pushed(engine);
	await engine.sandbox.stop();

	const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
	const node25 = drains[0];
	const naive = drains[2];
	const lines = [
		'# Benchmark: the Zapier Trigger',
		'',
		`One run, ${new Date().toISOString().slice(0, 10)}, ${machine}. The sandbox's Trigger Inbox enforces ${LIMIT} requests per ${WINDOW_MS / 1000} s; the credential's Rate Limit is the same. The node is driven as n8n-core drives it (its poll and webhook contexts, real HTTP on 127.0.0.1). Produced by \`npm run bench:trigger\`.`,
		'',
		`## ${EVENTS} queued events drained`,
		'',
		'Polls back to back (as a tight Poll Times schedule would run them). The ideal: the least requests a client needs (a lease and an acknowledgement per batch) sent as fast as the rate limit allows; each lease is a Zapier task.',
		'',
		'| client | batch | time | ideal | × ideal | requests | requests per event | leases (Zapier tasks) | events | duplicates | 429s |',
		'|---|---|---|---|---|---|---|---|---|---|---|',
		...drains.map(
			(d) =>
				`| ${d.client} | ${d.batch} | ${f(d.seconds, 1)} s | ${f(d.idealSeconds, 1)} s | ${d.idealSeconds > 0 ? f(d.seconds / d.idealSeconds) : '–'} | ${d.requests} | ${f(d.requests / d.events, 3)} | ${d.leases} | ${d.events} | ${d.duplicates} | ${d.rateLimited} |`,
		),
		'',
		`The naive client takes ${f(naive.seconds / node25.seconds, 1)}× the node's time (batch 25) and ${f(naive.leases / Math.max(1, node25.leases), 0)}× its Zapier tasks. On n8n's shortest real schedule (every minute), a backlog drains a batch a minute: ${Math.ceil(EVENTS / 25)} minutes at batch 25, ${Math.ceil(EVENTS / 100)} at 100. Push takes a batch per notification; what a notification leaves behind waits for the next one or the Poll Times.`,
		'',
		`## Pushed: ${PUSHED} events at ${PUSH_RATE} a second`,
		'',
		'Latency: from the event entering the inbox to its item being handed to n8n by the webhook. Each notification costs a lease and an acknowledgement, so events arriving faster than half the rate limit queue behind it: the p95 is that queue.',
		'',
		'| events | duplicates | executions | notifications | requests per event | latency p50 | p95 | max | 429s |',
		'|---|---|---|---|---|---|---|---|---|',
		`| ${push.events} | ${push.duplicates} | ${push.executions} | ${push.notifications} | ${f(push.requestsPerEvent, 3)} | ${f(push.latencyP50, 3)} s | ${f(push.latencyP95, 3)} s | ${f(push.latencyMax, 3)} s | ${push.rateLimited} |`,
		'',
	];
	const text = lines.join('\n');
	console.log(text);
	writeFileSync(join(__dirname, 'results-trigger.md'), text);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});

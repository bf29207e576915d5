/** Rate limits, and a matrix of faults across many items: every item ends in a result or a clear error, no run twice. */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { limiterFor } from '../../nodes/ZapierActions/transport/rateLimit';
import type { Fault } from '../../sandbox/server';
import { CaptureServer } from '../capture';
import type { Engine } from './fixtures';
import { CREDENTIAL_ID, startEngine, workflow, ZAPIER_NODE } from './fixtures';
import { errorOf, outputOf, runWorkflow, startWorkflow } from './harness';
import { seeded } from '../seeded';

let engine: Engine;
let capture: CaptureServer;
let original: IDataObject;
beforeAll(async () => {
	engine = await startEngine();
	capture = new CaptureServer();
	await capture.start();
	original = { ...engine.credentials.get(CREDENTIAL_ID) };
});
afterAll(async () => {
	await engine.sandbox.stop();
	await capture.stop();
});
beforeEach(() => {
	capture.reset();
	engine.sandbox.reset({ runDurationMs: 150 });
	setCredential({ ...original, ...engine.credentials.get(CREDENTIAL_ID), rateLimit: 100_000, rateLimitWindowSeconds: 60, requestTimeoutSeconds: 30 });
});

const setCredential = (fields: IDataObject) =>
	engine.credentials.set(CREDENTIAL_ID, { ...engine.credentials.get(CREDENTIAL_ID), ...fields } as ICredentialDataDecryptedObject);
const requests = (route: string) => engine.sandbox.counters.requests[route] ?? 0;
const items = (n: number) => Array.from({ length: n }, (_, i) => ({ n: i }));
const parameters = { action: 'core:x', inputs: '={{ $json }}' };
const apiLog = () => engine.sandbox.counters.log.filter((entry) => entry.route.includes('/v2/'));

describe('the client-side rate limit', () => {
	test('keeps a batch, and two executions at once, under the limit: zero 429s', async () => {
		engine.sandbox.configure({ rateLimit: { limit: 10, windowMs: 1_000, cooldownMs: 1_000, retryAfter: 'seconds', reset: 'none' } });
		setCredential({ rateLimit: 10, rateLimitWindowSeconds: 1 });
		const [first, second] = await Promise.all([
			startWorkflow(workflow(parameters, { items: items(12) }), engine).done,
			startWorkflow(workflow(parameters, { items: items(12) }), engine).done,
		]);
		for (const result of [first, second]) {
			expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.status)).toEqual(Array(12).fill('success'));
		}
		expect(engine.sandbox.counters.rateLimited).toBe(0);
		expect(engine.sandbox.counters.runsCreated).toBe(24);
		const times = apiLog().map((entry) => entry.at);
		for (const start of times) expect(times.filter((at) => at >= start && at < start + 1_000).length).toBeLessThanOrEqual(10);
	});

	test('a 429 puts the whole credential into the cooldown, not just the request that got it', async () => {
		engine.sandbox.injectFaults('GET', { status: 429, retryAfter: '2' });
		const result = await runWorkflow(workflow({ ...parameters, options: { concurrency: 5 } }, { items: items(5) }), engine);
		expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.status)).toEqual(Array(5).fill('success'));
		const log = apiLog();
		const limited = log.findIndex((entry) => entry.route.startsWith('GET'));
		// Requests already on the wire when the 429 came back may still arrive; nothing new is sent until it ends.
		const sentDuringCooldown = log.filter((entry) => entry.at > log[limited].at + 300 && entry.at < log[limited].at + 1_900);
		expect(sentDuringCooldown).toEqual([]);
		expect(engine.sandbox.counters.runsCreated).toBe(5);
	});
});

describe('a matrix of faults across 50 items', () => {
	const faultsOn = (random: () => number, method: 'POST' | 'GET', count: number): Fault[] =>
		Array.from({ length: count }, () => {
			const roll = random();
			if (roll < 0.6) return {};
			const kinds: Fault[] =
				method === 'POST'
					? [
							{ status: 503 },
							{ drop: true },
							{ malformed: true },
							{ delayMs: 1_500 },
							{ status: 429, retryAfter: '1' },
							{ status: 429, headers: { 'X-RateLimit-Reset': '1' } },
							{ status: 401 },
							{ redirect: { status: 307, location: `${capture.url}/v2/action-runs` } },
							{ slowBodyMs: 200 },
						]
					: [
							{ status: 500 },
							{ status: 502 },
							{ drop: true },
							{ malformed: true },
							{ delayMs: 1_500 },
							{ status: 429, retryAfter: '1' },
							{ status: 429, headers: { 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 1) } },
							{ status: 429, headers: { 'X-RateLimit-Reset': '1' } },
							{ status: 401 },
							{ redirect: { status: 302, location: `${capture.url}/v2/action-runs/stolen` } },
							{ slowBodyMs: 200 },
						];
			return kinds[Math.floor(random() * kinds.length)];
		});

	test.each([1, 2, 3])('seed %i: every item ends in a result or a clear error, and no input runs twice', async (seed) => {
		const random = seeded(seed);
		setCredential({ requestTimeoutSeconds: 1 });
		engine.sandbox.injectFaults('POST', ...faultsOn(random, 'POST', 50));
		engine.sandbox.injectFaults('GET', ...faultsOn(random, 'GET', 120));
		setTimeout(() => engine.sandbox.expireAccessTokens(), 700);

		const result = await runWorkflow(workflow(parameters, { items: items(50), continueOnFail: true }), engine);
		expect(errorOf(result)).toBeUndefined();
		const output = outputOf(result, ZAPIER_NODE);
		expect(output.map((item) => item.pairedItem)).toEqual(items(50).map((_, i) => ({ item: i })));

		const runsByInput = new Map<number, number>();
		for (const run of engine.sandbox.runs.values()) runsByInput.set(run.inputs.n as number, (runsByInput.get(run.inputs.n as number) ?? 0) + 1);
		output.forEach((item, n) => {
			expect(runsByInput.get(n) ?? 0).toBeLessThanOrEqual(1);
			if (item.json.status === 'success') {
				expect(runsByInput.get(n)).toBe(1);
				expect(item.json.results).toEqual([expect.objectContaining({ n }), expect.anything()]);
			}
		});
		// Expired tokens, 429s and single bad answers recover. What fails is a creation that may have
		// happened, or a run read too many times in a row without an answer, named by its ID.
		const failed = output.filter((item) => item.json.status !== 'success');
		for (const item of failed) {
			const error = String(item.json.error);
			const unread = /^Could not read the Zapier action run ([0-9a-f-]{36}): /.exec(error);
			if (unread) expect(engine.sandbox.runs.has(unread[1])).toBe(true);
			else expect(error).toMatch(/^Zapier may have created the run: .+/);
		}
		expect(failed.length).toBeLessThan(50);
		expect(capture.requests).toEqual([]);
	}, 120_000);

	test.each([1, 2])("seed %i with n8n's Retry On Fail and no Continue On Fail: no input runs twice across the tries", async (seed) => {
		const random = seeded(seed);
		setCredential({ requestTimeoutSeconds: 1 });
		engine.sandbox.injectFaults('POST', ...faultsOn(random, 'POST', 30));
		engine.sandbox.injectFaults('GET', ...faultsOn(random, 'GET', 60));
		const json = workflow(parameters, { items: items(20) });
		Object.assign(json.nodes.find((node) => node.name === ZAPIER_NODE)!, { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 });

		const result = await runWorkflow(json, engine);
		const runsByInput = new Map<number, number>();
		for (const run of engine.sandbox.runs.values()) runsByInput.set(run.inputs.n as number, (runsByInput.get(run.inputs.n as number) ?? 0) + 1);
		expect(Math.max(...runsByInput.values())).toBe(1);
		const error = errorOf(result);
		if (error) expect(error.message).toMatch(/^(Zapier may have created the run: |Could not read the Zapier action run [0-9a-f-]{36}: )/);
		else expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.status)).toEqual(Array(20).fill('success'));
		expect(capture.requests).toEqual([]);
	}, 120_000);
});

describe('cancelling', () => {
	test('in the middle of a rate-limit cooldown: the execution stops, and its waiting slots are given back', async () => {
		setCredential({ rateLimit: 2, rateLimitWindowSeconds: 1 });
		engine.sandbox.injectFaults('POST', { status: 429, retryAfter: '5' });
		const execution = startWorkflow(workflow({ ...parameters, waitForCompletion: false }, { items: items(6) }), engine);
		await new Promise((resolve) => setTimeout(resolve, 300));
		execution.cancel();
		await execution.done.catch(() => undefined);
		const limiter = limiterFor(`${CREDENTIAL_ID}|${new URL(engine.sandbox.url).href}`, 2, 1_000);
		// Booked slots would lie up to seconds after the cooldown; given back, none is left once it ends.
		expect(limiter.isCoolingDown(Date.now())).toBe(true);
		expect(limiter.isIdle(Date.now() + 5_000)).toBe(true);
		// The two first POSTs went out together: one met the 429, the other made its run; no other was sent.
		expect(requests('POST /v2/action-runs')).toBe(2);
		expect(engine.sandbox.counters.runsCreated).toBe(1);
	});

	test('leaves no timer of its waits behind', async () => {
		engine.sandbox.configure({ runDurationMs: 60_000 });
		const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
		const before = timers();
		const execution = startWorkflow(workflow({ ...parameters, options: { timeout: 60 } }, { items: items(3) }), engine);
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(timers()).toBeGreaterThan(before);
		execution.cancel();
		await execution.done.catch(() => undefined);
		await new Promise((resolve) => setImmediate(resolve));
		expect(timers()).toBeLessThanOrEqual(before);
	});
});

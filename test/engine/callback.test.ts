/** Runs that Zapier reports by calling back: the URL is sent with the run, and checked as Zapier would. */
import type { IRun, IWebhookResponseData } from 'n8n-workflow';

import type { CapturedRequest } from '../../harness/capture';
import type { WebhookAnswer, WorkflowJson } from '../../harness/engine';
import { errorOf, outputOf, resumeAfterTimeout, webhookContext, runWorkflow } from '../../harness/engine';
import type { WorkflowOptions } from '../../harness/workflows';
import { workflow, ZAPIER_NODE } from '../../harness/workflows';
import { ZapierActions } from '../../nodes/ZapierActions/ZapierActions.node';
import { signingKeysOf, verifyCallbackSignature } from '../../nodes/ZapierActions/helpers/callbackSignature';
import { KeySet } from '../../nodes/ZapierActions/helpers/keySet';
import { items, sleep, useEngine } from './setup';

const engine = useEngine({ sandbox: { runDurationMs: 100 }, capture: true });
const callbackUrl = 'http://127.0.0.1:5678/webhook/zapier-runs';

test('without waiting, each run costs one request and carries the callback URL', async () => {
	const result = await engine.run(
		{ action: 'core:x', inputs: '={{ $json }}', waitForCompletion: false, options: { callbackUrl } },
		{ items: items(10) },
	);
	expect(errorOf(result)).toBeUndefined();
	expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.status)).toEqual(Array(10).fill('waiting'));
	expect(engine.apiLog().map((entry) => entry.route)).toEqual(Array(10).fill('POST /v2/action-runs'));
	expect(engine.sandbox.state().runs.map((run) => run.callbackUrl)).toEqual(Array(10).fill(callbackUrl));
});

test('no callback URL is sent when the option is empty', async () => {
	await engine.run({ action: 'core:x', inputs: '{}', waitForCompletion: false, options: { callbackUrl: '  ' } });
	expect(engine.sandbox.state().runs.map((run) => run.callbackUrl)).toEqual([undefined]);
});

describe("with Zapier's own API, what Zapier would refuse is refused before anything is sent", () => {
	test.each([
		['plain HTTP', 'http://n8n.example.com/webhook/x', 'must start with https://'],
		['a loopback address', 'https://127.0.0.1:5678/webhook/x', 'points at a private or loopback address, which Zapier cannot call back'],
		['a private address', 'https://192.168.1.20/webhook/x', 'points at a private or loopback address, which Zapier cannot call back'],
		['localhost', 'https://localhost:5678/webhook/x', 'points at a private or loopback address, which Zapier cannot call back'],
	])('%s', async (_name, url, problem) => {
		engine.setCredential({ apiBaseUrl: 'https://api.zapier.com' });
		const result = await engine.run({ action: 'core:x', inputs: '{}', waitForCompletion: false, options: { callbackUrl: url } });
		const error = errorOf(result)!;
		expect(error.message).toBe(`Callback URL "${url}" ${problem}`);
		expect(error.context?.itemIndex).toBe(0);
		expect(error.description).toBe('Nothing was sent to Zapier for this item. Fix the "Callback URL" field and run it again.');
		expect(engine.apiLog()).toEqual([]);
	});
});

describe('the sandbox calls back, signed, and the signature is checked against its JWKS', () => {
	const keys = () => new KeySet(async () => ({ keys: signingKeysOf(await (await fetch(engine.sandbox.jwksUrl)).json()) }));
	const callbacks = async (count: number) => {
		for (let waited = 0; engine.capture.requests.length < count && waited < 5_000; waited += 50) await sleep(50);
		return engine.capture.requests;
	};
	const now = () => Math.floor(Date.now() / 1000);

	test('a finished run arrives once, with its results, and its signature verifies', async () => {
		const result = await engine.run({
			action: 'core:x',
			inputs: '{"a": 1}',
			waitForCompletion: false,
			options: { callbackUrl: `${engine.capture.url}/runs` },
		});
		const [{ id }] = outputOf(result, ZAPIER_NODE).map((item) => item.json);
		const [callback] = await callbacks(1);
		// The SDK API's runs carry no JSON:API `type`.
		const type = engine.connectBy === 'oAuth2' ? { type: 'run' } : {};
		expect(JSON.parse(callback.body)).toEqual({ data: expect.objectContaining({ ...type, id, status: 'success', errors: [] }) });
		expect(await verifyCallbackSignature(callback.signature, callback.body, keys(), now())).toMatchObject({
			ok: true,
			value: { run_id: id },
		});
		expect(engine.requests('GET /v2/action-runs/:id')).toBe(0);
	});

	test.each([
		['forged', 'the signature does not verify'],
		['expired', 'the signature has expired'],
		['none', 'the request is not signed'],
	] as const)('a %s signature is refused', async (callbackSignature, problem) => {
		engine.sandbox.configure({ callbackSignature });
		await engine.run({ action: 'core:x', inputs: '{}', waitForCompletion: false, options: { callbackUrl: `${engine.capture.url}/runs` } });
		const [callback] = await callbacks(1);
		expect(await verifyCallbackSignature(callback.signature, callback.body, keys(), now())).toEqual({ ok: false, problem });
	});

	test('a tampered body is refused: the token binds it', async () => {
		await engine.run({ action: 'core:x', inputs: '{}', waitForCompletion: false, options: { callbackUrl: `${engine.capture.url}/runs` } });
		const [callback] = await callbacks(1);
		const tampered = callback.body.replace('"success"', '"error"');
		expect(await verifyCallbackSignature(callback.signature, tampered, keys(), now())).toEqual({
			ok: false,
			problem: "the body does not match the token's hash",
		});
	});

	test('delivered twice, the same run comes twice; never, nothing comes', async () => {
		engine.sandbox.configure({ callbackDelivery: 'twice' });
		await engine.run({ action: 'core:x', inputs: '{}', waitForCompletion: false, options: { callbackUrl: `${engine.capture.url}/runs` } });
		const twice = await callbacks(2);
		expect(twice.map((callback) => JSON.parse(callback.body).data.id)).toEqual([expect.any(String), JSON.parse(twice[0].body).data.id]);

		engine.capture.reset();
		engine.sandbox.configure({ callbackDelivery: 'never' });
		await engine.run({ action: 'core:x', inputs: '{}', waitForCompletion: false, options: { callbackUrl: `${engine.capture.url}/runs` } });
		await sleep(500);
		expect(engine.capture.requests).toEqual([]);
		// The two deliveries of the first run, none of the second.
		expect(engine.sandbox.counters.callbacksSent).toBe(2);
	});
});

describe("waiting by Zapier's callback", () => {
	const waitByCallback = { action: 'core:x', inputs: '={{ $json }}', waitBy: 'callback' };

	test("each item's run carries the execution's resume URL; the execution waits with one waiting item per run, reading none", async () => {
		engine.sandbox.configure({ callbackDelivery: 'never' });
		const before = Date.now();
		const result = await engine.run({ ...waitByCallback, options: { timeout: 600 } }, { items: items(3) });
		expect(errorOf(result)).toBeUndefined();
		// In item order (the runs may be created in any order).
		const runs = engine.sandbox.state().runs.sort((a, b) => Number(a.inputs.n) - Number(b.inputs.n));
		expect(runs.map((run) => run.callbackUrl)).toEqual(
			Array(3).fill(expect.stringMatching(/^http:\/\/127\.0\.0\.1\/webhook-waiting\/[^/]+$/)),
		);
		expect(engine.apiLog().map((entry) => entry.route)).toEqual(Array(3).fill('POST /v2/action-runs'));
		const waitTill = result.waitTill!.getTime();
		expect(waitTill).toBeGreaterThanOrEqual(before + 600_000);
		expect(waitTill).toBeLessThanOrEqual(Date.now() + 600_000);
		// What n8n passes on if no callback comes in time, and what each callback finds.
		const waiting = result.data.executionData!.nodeExecutionStack[0].data.main[0]!;
		expect(waiting.map((item) => item.json)).toEqual(runs.map((run) => ({ id: run.id, status: 'waiting', waitingFor: 'callback' })));
		expect(waiting.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test("with Zapier's own API, n8n's resume URL must be a public HTTPS address: nothing is sent otherwise", async () => {
		engine.setCredential({ apiBaseUrl: 'https://api.zapier.com' });
		const result = await engine.run(waitByCallback);
		const error = errorOf(result)!;
		expect(error.message).toMatch(
			/^n8n's resume URL \(from its WEBHOOK_URL setting\) "http:\/\/127\.0\.0\.1\/webhook-waiting\/[^"]+" must start with https:\/\/$/,
		);
		expect(error.context?.itemIndex).toBe(0);
		expect(engine.apiLog()).toEqual([]);
		expect(result.waitTill).toBeUndefined();
	});

	test.each([
		['a Callback URL', { callbackUrl: 'https://n8n.example.com/webhook/x' }, /^Callback URL is set/],
		['On Timeout "Fail"', { onTimeout: 'fail' }, /^On Timeout is "Fail", which cannot apply/],
	])('%s cannot go with it: refused before anything is sent', async (_name, options, description) => {
		const result = await engine.run({ ...waitByCallback, options });
		const error = errorOf(result)!;
		expect(error.message).toBe(`Wait By "Zapier's Callback" cannot be used with these options`);
		expect(error.description).toMatch(description);
		expect(engine.apiLog()).toEqual([]);
	});

	test('a run that cannot be created fails the node, naming the runs made for the other items, and nothing waits', async () => {
		engine.sandbox.configure({ callbackDelivery: 'never' });
		const result = await engine.run({ ...waitByCallback, inputs: '={{ $json.n === 1 ? "not json" : $json }}' }, { items: items(2) });
		expect(errorOf(result)?.context?.itemIndex).toBe(1);
		expect(result.waitTill).toBeUndefined();
	});
});

describe('a callback to an execution that waits for its runs, as n8n hands it to the node', () => {
	const waitByCallback = { action: 'core:x', inputs: '={{ $json }}', waitBy: 'callback', options: { timeout: 600 } };

	/** Runs the workflow until it waits; Zapier's callbacks then reach the capture server. */
	async function waiting(
		count: number,
		parameters = waitByCallback,
		options: WorkflowOptions = {},
	): Promise<{ json: WorkflowJson; run: IRun }> {
		const json = workflow(parameters, { items: items(count), ...options });
		const run = await runWorkflow(json, { ...engine, webhookWaitingBaseUrl: `${engine.capture.url}/webhook-waiting` });
		expect(run.waitTill).toBeInstanceOf(Date);
		return { json, run };
	}
	const callbackOf = async (runId: string): Promise<CapturedRequest> => {
		const found = () => engine.capture.requests.find((request) => (JSON.parse(request.body) as { data: { id: string } }).data.id === runId);
		for (let waited = 0; !found() && waited < 10_000; waited += 50) await sleep(50);
		return found()!;
	};
	async function deliver(execution: { json: WorkflowJson; run: IRun }, callback: CapturedRequest) {
		const answer: WebhookAnswer = {};
		const headers = { 'content-type': 'application/json', 'zapier-callback-signature': callback.signature };
		const ctx = webhookContext(execution.json, ZAPIER_NODE, engine, { headers, body: callback.body }, answer, execution.run);
		const warn = jest.spyOn(ctx.logger, 'warn').mockImplementation(() => undefined);
		const response: IWebhookResponseData = await new ZapierActions().webhook.call(ctx);
		const warnings = warn.mock.calls.map(([message]) => message);
		warn.mockRestore();
		return { response, answer, warnings };
	}
	const runIds = () => engine.sandbox.state().runs.map((run) => run.id);
	const reads = () => engine.apiLog().filter((entry) => entry.route === 'GET /v2/action-runs/:id').length;

	test('three runs: an early callback reads only the most recent run and leaves the execution waiting; the last resumes it with every item in order', async () => {
		engine.sandbox.scriptRuns({ durationMs: 50 }, { durationMs: 50 }, { durationMs: 2_500 });
		const execution = await waiting(3);
		const [first, second, third] = runIds();

		const early = await deliver(execution, await callbackOf(first));
		expect(early.response).toEqual({ webhookResponse: { received: true, waitingFor: 2 } });
		expect(engine.apiLog().filter((entry) => entry.route === 'GET /v2/action-runs/:id')).toHaveLength(1);
		expect(engine.sandbox.runs.get(third)!.seenFinishedAt).toBeUndefined();

		const last = await deliver(execution, await callbackOf(third));
		const resumed = last.response.workflowData![0];
		expect(resumed.map((item) => [item.json.id, item.json.status, (item.json.results as Array<{ n: number }>)[0].n])).toEqual([
			[first, 'success', 0],
			[second, 'success', 1],
			[third, 'success', 2],
		]);
		expect(resumed.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// The first run is known from its callback: only the second is read again.
		expect(reads()).toBe(2);
		expect(engine.requests('POST /v2/action-runs')).toBe(3);

		const again = await deliver(execution, await callbackOf(third));
		expect(again.response).toEqual({ webhookResponse: { received: true } });
		expect(reads()).toBe(2);
	});

	test('callbacks that arrive together are taken one at a time: the execution is handed back once, and no run is read twice', async () => {
		engine.sandbox.scriptRuns(...Array.from({ length: 6 }, () => ({ durationMs: 50 })));
		const execution = await waiting(6);
		const callbacks = await Promise.all(runIds().map(callbackOf));
		const answers = await Promise.all(callbacks.map(async (callback) => (await deliver(execution, callback)).response));
		expect(answers.filter((answer) => answer.workflowData)).toHaveLength(1);
		expect(answers.filter((answer) => !answer.workflowData)).toEqual(Array(5).fill({ webhookResponse: { received: true } }));
		expect(reads()).toBe(5);
	});

	test('one item: the callback resumes the execution with its results, reading nothing', async () => {
		const execution = await waiting(1);
		const { response } = await deliver(execution, await callbackOf(runIds()[0]));
		expect(response.workflowData![0].map((item) => item.json)).toEqual([
			{ id: runIds()[0], status: 'success', results: [expect.objectContaining({ n: 0 }), expect.anything()], errors: [] },
		]);
		expect(reads()).toBe(0);
	});

	test.each([
		['forged', 'the signature does not verify'],
		['expired', 'the signature has expired'],
		['none', 'the request is not signed'],
	] as const)('a %s signature is answered 401, reads nothing and resumes nothing', async (callbackSignature, problem) => {
		engine.sandbox.configure({ callbackSignature });
		const execution = await waiting(1);
		const { response, answer } = await deliver(execution, await callbackOf(runIds()[0]));
		expect(response).toEqual({ noWebhookResponse: true });
		expect(answer).toEqual({ status: 401, body: { message: `Callback refused: ${problem}` } });
		expect(reads()).toBe(0);
	});

	test('a signature naming neither the run nor the body (only the claims Zapier documents) is believed after a read of the run', async () => {
		engine.sandbox.configure({ callbackSignature: 'unbound' });
		const execution = await waiting(1);
		const callback = await callbackOf(runIds()[0]);
		const forged = JSON.stringify({ data: { type: 'run', id: runIds()[0], status: 'error', results: [], errors: [] } });
		const { response } = await deliver(execution, { ...callback, body: forged });
		expect(response.workflowData![0].map((item) => [item.json.id, item.json.status])).toEqual([[runIds()[0], 'success']]);
		expect(reads()).toBe(1);
	});

	test('a run of another execution is answered 400: it is not one this execution waits for', async () => {
		const execution = await waiting(1);
		await waiting(1);
		const other = await callbackOf(runIds()[1]);
		const { response, answer } = await deliver(execution, other);
		expect(response).toEqual({ noWebhookResponse: true });
		expect(answer).toEqual({ status: 400, body: { message: `Callback refused: run ${runIds()[1]} is not one this execution waits for` } });
	});

	test("when the other runs cannot be read, the answer is 503 so that Zapier sends the callback again; it then resumes. Zapier's words go to n8n's log, not to the caller", async () => {
		const execution = await waiting(2);
		const callback = await callbackOf(runIds()[0]);
		engine.sandbox.injectFaults('GET', { status: 400, detail: 'Not now' });
		const refused = await deliver(execution, callback);
		expect(refused.response).toEqual({ noWebhookResponse: true });
		expect(refused.answer).toEqual({
			status: 503,
			body: { message: `Could not read run ${runIds()[1]} from Zapier; send the callback again later` },
		});
		expect(refused.warnings).toEqual([
			expect.stringMatching(new RegExp(`^Zapier callback to "${ZAPIER_NODE}" answered 503: .*\\(.*Not now`)),
		]);
		const again = await deliver(execution, callback);
		expect(again.response.workflowData![0].map((item) => item.json.status)).toEqual(['success', 'success']);
	});

	test("a callback whose run Zapier still reads as going (its read lags the callback) is answered 503: Zapier's retry resumes the execution", async () => {
		engine.sandbox.configure({ callbackSignature: 'unbound', readLagMs: 1_000 });
		const execution = await waiting(1);
		const callback = await callbackOf(runIds()[0]);
		const early = await deliver(execution, callback);
		expect(early.answer).toEqual({
			status: 503,
			body: { message: `Zapier does not say run ${runIds()[0]} has ended yet; send the callback again later` },
		});
		await sleep(1_000);
		const later = await deliver(execution, callback);
		expect(later.response.workflowData![0].map((item) => [item.json.id, item.json.status])).toEqual([[runIds()[0], 'success']]);
	});

	test('a run Zapier does not know (404) is a 4xx, which Zapier does not send again in vain', async () => {
		engine.sandbox.configure({ callbackSignature: 'unbound' });
		const execution = await waiting(1);
		const callback = await callbackOf(runIds()[0]);
		engine.sandbox.injectFaults('GET', { status: 404, detail: 'Gone' });
		const { answer } = await deliver(execution, callback);
		expect(answer).toEqual({ status: 404, body: { message: `Callback refused: Zapier has no run ${runIds()[0]} for this credential` } });
	});

	test('replays of a callback while another run is still going read that run once, not once per replay', async () => {
		engine.sandbox.scriptRuns({ durationMs: 50 }, { durationMs: 5_000 });
		const execution = await waiting(2);
		const callback = await callbackOf(runIds()[0]);
		for (let replay = 0; replay < 10; replay++) {
			expect((await deliver(execution, callback)).response).toEqual({ webhookResponse: { received: true, waitingFor: 1 } });
		}
		expect(reads()).toBe(1);
	});

	describe('a run that ended in error', () => {
		const failing = async (parameters: typeof waitByCallback, options: WorkflowOptions = {}) => {
			engine.sandbox.configure({ runErrorCode: 'user' });
			const execution = await waiting(1, parameters, options);
			return await deliver(execution, await callbackOf(runIds()[0])).then(
				({ response }) => response.workflowData![0].map((item) => item.json),
				(error: Error) => error,
			);
		};
		test('fails the node, as waiting by reading does', async () => {
			const error = (await failing(waitByCallback)) as Error & { context?: { itemIndex?: number } };
			expect(error.message).toMatch(/^The Zapier action run failed: .*\[user\]$/);
			expect(error.context?.itemIndex).toBe(0);
		});
		test('is an item with Return Run Errors as Data', async () => {
			const output = await failing({
				...waitByCallback,
				options: { ...waitByCallback.options, returnRunErrorsAsData: true },
			} as typeof waitByCallback);
			expect(output).toEqual([
				expect.objectContaining({ id: runIds()[0], status: 'error', errors: [expect.objectContaining({ code: 'user' })] }),
			]);
		});
		test('is an error item with Continue On Fail', async () => {
			const output = await failing(waitByCallback, { continueOnFail: true });
			expect(output).toEqual([
				expect.objectContaining({
					error: expect.stringMatching(/^The Zapier action run failed/),
					run: expect.objectContaining({ status: 'error' }),
				}),
			]);
		});
	});

	test('no callback by the timeout: n8n goes on with each run as still waiting; nothing is read or created again', async () => {
		engine.sandbox.configure({ callbackDelivery: 'never' });
		const execution = await waiting(2);
		const resumed = await resumeAfterTimeout(execution.json, engine, execution.run);
		expect(errorOf(resumed)).toBeUndefined();
		expect(resumed.waitTill).toBeUndefined();
		expect(outputOf(resumed, ZAPIER_NODE).map((item) => item.json)).toEqual(
			runIds().map((id) => ({ id, status: 'waiting', waitingFor: 'callback' })),
		);
		expect(outputOf(resumed, ZAPIER_NODE).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(engine.apiLog().map((entry) => entry.route)).toEqual(['POST /v2/action-runs', 'POST /v2/action-runs']);
	});
});

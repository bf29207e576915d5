/** Runs that Zapier reports by calling back: the URL is sent with the run, and checked as Zapier would. */
import { errorOf, outputOf } from '../../harness/engine';
import { ZAPIER_NODE } from '../../harness/workflows';
import type { Jwk } from '../../nodes/ZapierActions/helpers/callbackSignature';
import { KeySet, verifyCallbackSignature } from '../../nodes/ZapierActions/helpers/callbackSignature';
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
	const keys = () => new KeySet(async () => ((await (await fetch(engine.sandbox.jwksUrl)).json()) as { keys: Jwk[] }).keys);
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
		expect(JSON.parse(callback.body)).toEqual({ data: expect.objectContaining({ type: 'run', id, status: 'success', errors: [] }) });
		expect(await verifyCallbackSignature(callback.signature, callback.body, keys().source, now())).toMatchObject({
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
		expect(await verifyCallbackSignature(callback.signature, callback.body, keys().source, now())).toEqual({ ok: false, problem });
	});

	test('a tampered body is refused: the token binds it', async () => {
		await engine.run({ action: 'core:x', inputs: '{}', waitForCompletion: false, options: { callbackUrl: `${engine.capture.url}/runs` } });
		const [callback] = await callbacks(1);
		const tampered = callback.body.replace('"success"', '"error"');
		expect(await verifyCallbackSignature(callback.signature, tampered, keys().source, now())).toEqual({
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
		const runs = engine.sandbox.state().runs;
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

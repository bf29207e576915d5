/** The Action Run resource: Run (waiting or not), Get, run errors, timeouts and cancelling. */
import type { IDataObject } from 'n8n-workflow';

import { errorOf, outputOf } from '../../harness/engine';
import { workflow, ZAPIER_NODE } from '../../harness/workflows';
import { echoedAction, nodeTimers, sleep, testOnlyWith, useEngine } from './setup';

const engine = useEngine({ sandbox: { runDurationMs: 200 } });
const { requests, run } = engine;

describe('Run, waiting for completion', () => {
	testOnlyWith('oAuth2')('returns the run with its results, after sending the action, authentication and inputs', async () => {
		const result = await run({
			action: 'example_core:Vn7xbE60',
			authenticationId: 'example_QVaAreV1',
			inputs: '{"email": "me@example.com"}',
		});

		expect(errorOf(result)).toBeUndefined();
		const [item] = outputOf(result, ZAPIER_NODE);
		expect(item.json).toMatchObject({
			status: 'success',
			errors: [],
			results: [{ action: 'example_core:Vn7xbE60', email: 'me@example.com' }, { action: 'example_core:Vn7xbE60' }],
		});
		expect(item.json.id).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
		expect(item.json.durationMs).toBeGreaterThanOrEqual(200);
		expect(item.pairedItem).toEqual({ item: 0 });
		const [created] = engine.sandbox.runs.values();
		expect(created).toMatchObject({ id: item.json.id, authentication: 'example_QVaAreV1', inputs: { email: 'me@example.com' } });
		expect(requests('POST /v2/action-runs')).toBe(1);
	});

	test('sends a null authentication when none is given', async () => {
		await run({ action: 'core:noauth', inputs: '{}' });
		expect([...engine.sandbox.runs.values()][0].authentication).toBeNull();
	});

	test('takes inputs from an expression that gives an object', async () => {
		const result = await run({ action: 'core:x', inputs: '={{ $json }}' }, { items: [{ name: 'Ada', age: 36 }] });
		expect(outputOf(result, ZAPIER_NODE)[0].json.results).toEqual([expect.objectContaining({ name: 'Ada', age: 36 }), expect.anything()]);
	});

	test('returns empty results as an empty list', async () => {
		engine.sandbox.configure({ resultShape: 'empty' });
		const result = await run({ action: 'core:x', inputs: '{}' });
		expect(outputOf(result, ZAPIER_NODE)[0].json).toMatchObject({ status: 'success', results: [] });
	});

	test('returns results given as one object as a list of one', async () => {
		engine.sandbox.configure({ resultShape: 'object' });
		const result = await run({ action: 'core:x', inputs: '{"a": 1}' });
		expect(outputOf(result, ZAPIER_NODE)[0].json.results).toEqual([expect.objectContaining({ a: 1 })]);
	});

	test.each(['queued', 'running', 'missing', 'http202'] as const)('goes on waiting while the run says "%s"', async (pending) => {
		engine.sandbox.configure({ pendingStatus: pending, runDurationMs: 600 });
		const result = await run({ action: 'core:x', inputs: '{}' });
		expect(outputOf(result, ZAPIER_NODE)[0].json.status).toBe('success');
		// How many reads fit in the run's 600 ms depends on the jittered schedule; more than one means a pending answer was waited past.
		expect(requests('GET /v2/action-runs/:id')).toBeGreaterThan(1);
	});

	test('outputs one item per result when asked', async () => {
		const result = await run({ action: 'core:x', inputs: '{"a": 1}', options: { output: 'results' } });
		const items = outputOf(result, ZAPIER_NODE);
		expect(items.map((i) => i.json)).toEqual([
			expect.objectContaining({ a: 1 }),
			expect.objectContaining({ action: echoedAction('core:x') }),
		]);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});

	test('never puts the access token in the output', async () => {
		const result = await run({ action: 'core:x', inputs: '{}' });
		const credential = engine.credential();
		const token = (credential.accessToken as string | undefined) || ((credential.oauthTokenData as IDataObject).access_token as string);
		expect(token.length).toBeGreaterThan(10);
		expect(JSON.stringify(result.data)).not.toContain(token);
	});
});

describe('run errors', () => {
	test("fail the item with Zapier's code, title, detail and a hint", async () => {
		engine.sandbox.configure({ runErrorCode: 'authentication' });
		const result = await run({ action: 'core:x', inputs: '{}' });
		const error = errorOf(result)!;
		expect(error.message).toBe(
			'The Zapier action run failed: Authentication failed – The run failed with a authentication error. [authentication]',
		);
		expect(error.context?.itemIndex).toBe(0);
		const [created] = engine.sandbox.runs.keys();
		expect(error.description).toBe(
			`The connected account no longer works: reconnect it in Zapier, or choose another authentication. Run ID: ${created}.`,
		);
	});

	test('are data with "Return Run Errors as Data"', async () => {
		engine.sandbox.scriptRuns({ errorCode: 'throttled', delay: 30 });
		const result = await run({ action: 'core:x', inputs: '{}', options: { returnRunErrorsAsData: true } });
		expect(errorOf(result)).toBeUndefined();
		expect(outputOf(result, ZAPIER_NODE)[0].json).toMatchObject({
			status: 'error',
			errors: [{ code: 'throttled', delay: 30, hint: 'The app throttled this run: wait 30 s before running it again.' }],
		});
	});

	test('count even next to status "success"', async () => {
		engine.sandbox.scriptRuns({ errorsWithSuccess: true });
		const result = await run({ action: 'core:x', inputs: '{}' });
		expect(errorOf(result)?.message).toBe(
			'The Zapier action run failed: The app returned an error – The run failed with a partner error. [partner]',
		);
	});

	test('become an error item with the run under Continue On Fail', async () => {
		engine.sandbox.configure({ runErrorCode: 'user' });
		const result = await run({ action: 'core:x', inputs: '{}' }, { continueOnFail: true });
		const [item] = outputOf(result, ZAPIER_NODE);
		expect(item.json.error).toBe('The Zapier action run failed: Invalid input – The run failed with a user error. [user]');
		expect(item.json.run).toMatchObject({ status: 'error', errors: [{ code: 'user' }] });
	});
});

describe('without waiting, and Get', () => {
	test('Run returns the created run at once; Get reads it', async () => {
		engine.sandbox.configure({ runDurationMs: 300 });
		const started = await run({ action: 'core:x', inputs: '{"a": 1}', waitForCompletion: false });
		const [created] = outputOf(started, ZAPIER_NODE);
		expect(created.json).toEqual({ id: expect.any(String), status: 'waiting' });
		expect(requests('GET /v2/action-runs/:id')).toBe(0);

		const read = await run({ operation: 'get', runId: created.json.id, waitForCompletion: true });
		expect(outputOf(read, ZAPIER_NODE)[0].json).toMatchObject({
			id: created.json.id,
			status: 'success',
			results: [expect.objectContaining({ a: 1 }), expect.anything()],
		});
	});

	test("Get of an unknown run fails with Zapier's 404", async () => {
		const result = await run({ operation: 'get', runId: '00000000-0000-0000-0000-000000000000' });
		const detail = engine.connectBy === 'clientCredentials' ? 'No run "00000000-0000-0000-0000-000000000000".' : 'Not found.';
		expect(errorOf(result)?.message).toBe(`Zapier refused the request (HTTP 404): ${detail}`);
		expect(errorOf(result)?.context?.itemIndex).toBe(0);
	});
});

describe('timeouts', () => {
	test('return the run as still waiting, never re-run; a later Get finishes it', async () => {
		engine.sandbox.configure({ runDurationMs: 2_500 });
		const result = await run({ action: 'core:x', inputs: '{}', options: { timeout: 1 } });
		const [item] = outputOf(result, ZAPIER_NODE);
		expect(item.json).toMatchObject({ status: 'waiting', id: expect.any(String) });
		expect(item.json.durationMs).toBeGreaterThanOrEqual(750);
		expect(requests('POST /v2/action-runs')).toBe(1);

		const read = await run({ operation: 'get', runId: item.json.id, waitForCompletion: true });
		expect(outputOf(read, ZAPIER_NODE)[0].json).toMatchObject({ id: item.json.id, status: 'success' });
		expect(engine.sandbox.counters.runsCreated).toBe(1);
	});

	test('fail the item when "On Timeout" says so', async () => {
		engine.sandbox.configure({ runDurationMs: 2_500 });
		const result = await run({ action: 'core:x', inputs: '{}', options: { timeout: 1, onTimeout: 'fail' } });
		const [created] = engine.sandbox.runs.keys();
		expect(errorOf(result)?.message).toBe(`The Zapier action run ${created} was still "waiting" after 1 s`);
		expect(errorOf(result)?.context?.itemIndex).toBe(0);
		expect(engine.sandbox.counters.runsCreated).toBe(1);
	});
});

test('cancelling the execution stops the wait at once: none of its timers fires afterwards, and nothing more is read', async () => {
	engine.sandbox.configure({ runDurationMs: 60_000 });
	const timers = nodeTimers();
	try {
		const execution = engine.start({ action: 'core:x', inputs: '{}' });
		while (requests('GET /v2/action-runs/:id') < 5) await sleep(20);

		execution.cancel();
		const firedAtCancel = timers.fired();
		await execution.done.catch(() => undefined);
		const readsAtStop = requests('GET /v2/action-runs/:id');
		await sleep(1_500);

		expect(timers.fired()).toBe(firedAtCancel);
		expect(timers.pending()).toBe(0);
		expect(requests('GET /v2/action-runs/:id')).toBe(readsAtStop);
	} finally {
		timers.stop();
	}
});

describe('the Inputs mode a node has when its workflow stores none', () => {
	const withoutInputsMode = (typeVersion: number) => {
		const json = workflow({
			action: 'core:x',
			inputs: '{"from": "json"}',
			inputFields: { mappingMode: 'defineBelow', value: { from: 'map' } },
		});
		const node = json.nodes.find((candidate) => candidate.name === ZAPIER_NODE)!;
		delete node.parameters.inputsMode;
		node.typeVersion = typeVersion;
		return json;
	};

	test('version 1 (saved before fields could be mapped) sends its JSON', async () => {
		expect(errorOf(await engine.runJson(withoutInputsMode(1)))).toBeUndefined();
		expect(engine.sandbox.state().runs.map((created) => created.inputs)).toEqual([{ from: 'json' }]);
	});

	test('version 1.1 (a node added now) maps each field', async () => {
		expect(errorOf(await engine.runJson(withoutInputsMode(1.1)))).toBeUndefined();
		expect(engine.sandbox.state().runs.map((created) => created.inputs)).toEqual([{ from: 'map' }]);
	});
});

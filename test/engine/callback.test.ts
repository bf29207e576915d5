/** Runs that Zapier reports by calling back: the URL is sent with the run, and checked as Zapier would. */
import { errorOf, outputOf } from '../../harness/engine';
import { ZAPIER_NODE } from '../../harness/workflows';
import { items, useEngine } from './setup';

const engine = useEngine({ sandbox: { runDurationMs: 100 } });
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

import type { Engine } from './fixtures';
import { startEngine, workflow, ZAPIER_NODE } from './fixtures';
import { errorOf, outputOf, runWorkflow } from './harness';

let engine: Engine;
beforeAll(async () => {
	engine = await startEngine();
});
afterAll(async () => await engine.sandbox.stop());
beforeEach(() => engine.sandbox.reset());

const apiRequests = () =>
	Object.entries(engine.sandbox.counters.requests)
		.filter(([route]) => route.includes('/v2/'))
		.reduce((sum, [, count]) => sum + count, 0);

test.each([
	['an array', { action: 'core:x', inputs: '[1, 2]' }, 'Inputs must be a JSON object of field IDs to values, like {"email": "me@example.com"}, not an array'],
	['a JSON string', { action: 'core:x', inputs: '"hello"' }, 'Inputs must be a JSON object of field IDs to values, like {"email": "me@example.com"}, not a string'],
	['an expression giving a number', { action: 'core:x', inputs: '={{ 42 }}' }, 'Inputs must be a JSON object of field IDs to values, like {"email": "me@example.com"}, not a number'],
	['invalid JSON', { action: 'core:x', inputs: '{"email": }' }, /^Inputs is not valid JSON \(.+\)$/],
	['a traversal in the action', { action: '../admin', inputs: '{}' }, 'Action "../admin" contains "..", which an ID never has'],
	['a slash in the action', { action: 'core/x', inputs: '{}' }, 'Action "core/x" contains "/", which an ID never has'],
	['a query in the authentication', { action: 'core:x', authenticationId: 'abc?x=1', inputs: '{}' }, 'Authentication "abc?x=1" contains "?", which an ID never has'],
	['a fragment in the run ID', { operation: 'get', runId: 'abc#frag' }, 'Run ID "abc#frag" contains "#", which an ID never has'],
	['an empty action', { action: '  ', inputs: '{}' }, 'Action is required'],
	['a timeout of zero', { action: 'core:x', inputs: '{}', options: { timeout: 0 } }, 'Timeout must be a number of seconds above 0, got 0'],
])('%s is refused before anything is sent', async (_name, parameters, message) => {
	const result = await runWorkflow(workflow(parameters), engine);
	const error = errorOf(result)!;
	if (typeof message === 'string') expect(error.message).toBe(message);
	else expect(error.message).toMatch(message);
	expect(error.context?.itemIndex).toBe(0);
	expect(error.description).toMatch(/Nothing was sent to Zapier/);
	expect(apiRequests()).toBe(0);
});

test('with Continue On Fail, a bad item becomes an error item and the good ones still run', async () => {
	const items = [{ inputs: { a: 1 } }, { inputs: [1] }, { inputs: { c: 3 } }];
	const result = await runWorkflow(workflow({ action: 'core:x', inputs: '={{ $json.inputs }}' }, { items, continueOnFail: true }), engine);
	const output = outputOf(result, ZAPIER_NODE);
	expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(output[1].json.error).toMatch(/^Inputs must be a JSON object .* not an array$/);
	expect(engine.sandbox.counters.runsCreated).toBe(2);
});

/** Bad input is refused before anything is sent to Zapier. */
import { errorOf, outputOf } from '../../harness/engine';
import { ZAPIER_NODE } from '../../harness/workflows';
import { useEngine } from './setup';

const engine = useEngine();
const { apiLog, run } = engine;

const notAnObject = (kind: string) => `Inputs must be a JSON object of field IDs to values, like {"email": "me@example.com"}, not ${kind}`;

test.each([
	['an array', { action: 'core:x', inputs: '[1, 2]' }, notAnObject('an array'), 'Inputs'],
	['a JSON string', { action: 'core:x', inputs: '"hello"' }, notAnObject('a string'), 'Inputs'],
	['an expression giving a number', { action: 'core:x', inputs: '={{ 42 }}' }, notAnObject('a number'), 'Inputs'],
	[
		'invalid JSON',
		{ action: 'core:x', inputs: '{"email": }' },
		'Inputs is not valid JSON (Unexpected token \'}\', "{"email": }" is not valid JSON)',
		'Inputs',
	],
	['a traversal in the action', { action: '../admin', inputs: '{}' }, 'Action "../admin" contains "..", which an ID never has', 'Action'],
	['a slash in the action', { action: 'core/x', inputs: '{}' }, 'Action "core/x" contains "/", which an ID never has', 'Action'],
	[
		'a query in the authentication',
		{ action: 'core:x', authenticationId: 'abc?x=1', inputs: '{}' },
		'Connection "abc?x=1" contains "?", which an ID never has',
		'Connection',
	],
	['a fragment in the run ID', { operation: 'get', runId: 'abc#frag' }, 'Run ID "abc#frag" contains "#", which an ID never has', 'Run ID'],
	['an empty action', { action: '  ', inputs: '{}' }, 'Action is required', 'Action'],
	[
		'a timeout of zero',
		{ action: 'core:x', inputs: '{}', options: { timeout: 0 } },
		'Timeout must be a number of seconds above 0, got 0',
		'Timeout',
	],
])('%s is refused before anything is sent', async (_name, parameters, message, field) => {
	const result = await run(parameters);
	const error = errorOf(result)!;
	expect(error.message).toBe(message);
	expect(error.context?.itemIndex).toBe(0);
	expect(error.description).toBe(`Nothing was sent to Zapier for this item. Fix the "${field}" field and run it again.`);
	expect(apiLog()).toEqual([]);
});

test('with Continue On Fail, a bad item becomes an error item and the good ones still run', async () => {
	const items = [{ inputs: { a: 1 } }, { inputs: [1] }, { inputs: { c: 3 } }];
	const result = await run({ action: 'core:x', inputs: '={{ $json.inputs }}' }, { items, continueOnFail: true });
	const output = outputOf(result, ZAPIER_NODE);
	expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(output[1].json.error).toBe(notAnObject('an array'));
	expect(engine.sandbox.counters.runsCreated).toBe(2);
});

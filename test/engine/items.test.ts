/** Several items in one execution, one of them failing: where the workflow stops, or what each item becomes. */
import { errorOf, outputOf } from '../../harness/engine';
import { ZAPIER_NODE } from '../../harness/workflows';
import { useEngine } from './setup';

const engine = useEngine({ sandbox: { runDurationMs: 100 } });
beforeEach(() => engine.sandbox.scriptRuns({}, { errorCode: 'user' }, {}));

const userError = 'The Zapier action run failed: Invalid input – The run failed with a user error. [user]';
const threeItems = { items: [{ n: 1 }, { n: 2 }, { n: 3 }] };
const parameters = { action: 'core:x', inputs: '={{ $json }}' };

test('three items where the middle one fails, one at a time: the workflow stops at it, naming the item', async () => {
	const result = await engine.run({ ...parameters, options: { concurrency: 1 } }, threeItems);
	expect(errorOf(result)!.message).toBe(userError);
	expect(errorOf(result)!.context?.itemIndex).toBe(1);
	expect(engine.sandbox.counters.runsCreated).toBe(2);
});

test('three items where the middle one fails, all in flight: the earliest failure is reported', async () => {
	engine.sandbox.reset({ runDurationMs: 100 });
	engine.sandbox.scriptRuns({ durationMs: 300 }, { errorCode: 'user' }, { errorCode: 'user' });
	const result = await engine.run(parameters, threeItems);
	expect(errorOf(result)!.message).toBe(userError);
	expect(errorOf(result)!.context?.itemIndex).toBe(1);
	expect(engine.sandbox.counters.runsCreated).toBe(3);
});

test('three items where the middle one fails, with Continue On Fail: order and pairing kept', async () => {
	const result = await engine.run(parameters, { ...threeItems, continueOnFail: true });
	const items = outputOf(result, ZAPIER_NODE);
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(items[0].json).toMatchObject({ status: 'success', results: [expect.objectContaining({ n: 1 }), expect.anything()] });
	expect(items[1].json).toMatchObject({ error: userError, run: { status: 'error' } });
	expect(items[2].json).toMatchObject({ status: 'success', results: [expect.objectContaining({ n: 3 }), expect.anything()] });
	expect(engine.sandbox.counters.runsCreated).toBe(3);
});

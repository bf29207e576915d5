import { inTurn, knownRuns } from '../../../nodes/ZapierActions/actions/actionRun/knownRuns';

test('an execution whose callback is still at work is never forgotten, however many others are called back meanwhile', async () => {
	let finishRead!: () => void;
	const reading = new Promise<void>((resolve) => (finishRead = resolve));
	const known = knownRuns('busy');
	const callback = inTurn(known, async () => {
		await reading;
		known.resumed = true;
	});
	for (let other = 0; other < 500; other++) knownRuns(`other-${other}`);
	finishRead();
	await callback;
	expect(knownRuns('busy')).toBe(known);
	expect(known.resumed).toBe(true);
});

test('idle executions are forgotten, the least recently called back first, past 200', () => {
	const first = knownRuns('idle-first');
	const second = knownRuns('idle-second');
	for (let other = 0; other < 199; other++) knownRuns(`idle-${other}`);
	knownRuns('idle-second');
	for (let other = 0; other < 10; other++) knownRuns(`idle-more-${other}`);
	expect(knownRuns('idle-first')).not.toBe(first);
	expect(knownRuns('idle-second')).toBe(second);
});

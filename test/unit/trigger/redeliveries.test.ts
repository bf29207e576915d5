import { seenBefore } from '../../../nodes/ZapierActionRunTrigger/redeliveries';

test('a run is new once per trigger, and each trigger remembers its own', () => {
	expect(seenBefore('workflow-1|trigger', 'run-1')).toBe(false);
	expect(seenBefore('workflow-1|trigger', 'run-1')).toBe(true);
	expect(seenBefore('workflow-1|trigger', 'run-2')).toBe(false);
	expect(seenBefore('workflow-2|trigger', 'run-1')).toBe(false);
});

test('a trigger remembers its latest 10,000 runs: the oldest is forgotten first, and a run seen again is recent again', () => {
	const trigger = 'workflow-bounded|trigger';
	seenBefore(trigger, 'first');
	seenBefore(trigger, 'second');
	for (let i = 0; i < 9_998; i++) seenBefore(trigger, `run-${i}`);
	expect(seenBefore(trigger, 'first')).toBe(true);
	seenBefore(trigger, 'one more');
	expect(seenBefore(trigger, 'second')).toBe(false);
	expect(seenBefore(trigger, 'first')).toBe(true);
});

test('at most 100 triggers are remembered: the one unused longest is forgotten', () => {
	seenBefore('trigger-0', 'run');
	for (let i = 1; i <= 100; i++) seenBefore(`trigger-${i}`, 'run');
	expect(seenBefore('trigger-0', 'run')).toBe(false);
	expect(seenBefore('trigger-100', 'run')).toBe(true);
});

import { delivery } from '../../../nodes/ZapierActionRunTrigger/redeliveries';

test('a run is first delivered once per trigger, then delivered again', () => {
	expect(delivery('workflow-1|trigger', 'run-1')).toBe('first');
	expect(delivery('workflow-1|trigger', 'run-1')).toBe('again');
	expect(delivery('workflow-1|trigger', 'run-2')).toBe('first');
	expect(delivery('workflow-2|trigger', 'run-1')).toBe('first');
});

test("a proof's nonce belongs to the first run it came with", () => {
	const trigger = 'nonces|trigger';
	expect(delivery(trigger, 'run-1', 'nonce-1')).toBe('first');
	expect(delivery(trigger, 'run-1', 'nonce-1')).toBe('again');
	expect(delivery(trigger, 'run-2', 'nonce-1')).toBe('proof of another run');
	expect(delivery(trigger, 'run-2', 'nonce-2')).toBe('first');
});

test('the latest 10,000 runs of a trigger are remembered, with their nonces', () => {
	const trigger = 'bounded|trigger';
	delivery(trigger, 'first', 'nonce-first');
	delivery(trigger, 'second', 'nonce-second');
	for (let i = 0; i < 9_998; i++) delivery(trigger, `run-${i}`);
	expect(delivery(trigger, 'first', 'nonce-first')).toBe('again');
	delivery(trigger, 'one more');
	expect(delivery(trigger, 'other', 'nonce-second')).toBe('first');
	expect(delivery(trigger, 'first')).toBe('again');
});

test('at most 100 triggers are remembered, the least recently called back forgotten first', () => {
	delivery('trigger-0', 'run');
	for (let i = 1; i <= 100; i++) delivery(`trigger-${i}`, 'run');
	expect(delivery('trigger-0', 'run')).toBe('first');
	expect(delivery('trigger-100', 'run')).toBe('again');
});

import {
	checkBoundedNumber,
	checkId,
	checkInputs,
	checkOptionalId,
	checkTimeout,
	textOr,
} from '../../../nodes/ZapierActions/helpers/validate';

describe('ids', () => {
	test.each(['example_core:Vn7xbE60', '123e4567-e89b-12d3-a456-426614174000', 'example_QVaAreV1', ' padded '])('%p is accepted', (id) => {
		expect(checkId(id)).toEqual({ ok: true, value: id.trim() });
	});

	test.each([
		['a/b', '"/"'],
		['..', '".."'],
		['a..b', '".."'],
		['.', '"."'],
		['a?b=1', '"?"'],
		['a#b', '"#"'],
		['a%2Fb', '"%"'],
		['a\\b', '"\\"'],
		['a b', 'whitespace'],
	])('%p is refused for %s', (id, what) => {
		expect(checkId(id)).toEqual({ ok: false, problem: `"${id}" contains ${what}, which an ID never has` });
	});

	test('empty is required; other types are named', () => {
		expect(checkId('')).toEqual({ ok: false, problem: 'is required' });
		expect(checkId({})).toEqual({ ok: false, problem: 'must be text, got an object' });
		expect(checkId(42)).toEqual({ ok: true, value: '42' });
	});

	test('an optional id may be empty, which means none', () => {
		expect(checkOptionalId('')).toEqual({ ok: true, value: null });
		expect(checkOptionalId(undefined)).toEqual({ ok: true, value: null });
		expect(checkOptionalId('a/b').ok).toBe(false);
	});
});

describe('inputs', () => {
	test('an object, or JSON text of one, is accepted', () => {
		expect(checkInputs({ a: 1 })).toEqual({ ok: true, value: { a: 1 } });
		expect(checkInputs('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
		expect(checkInputs('')).toEqual({ ok: true, value: {} });
	});

	test.each([
		['[1]', 'an array'],
		[[1], 'an array'],
		['"text"', 'a string'],
		['3', 'a number'],
		['null', 'null'],
		[true, 'a boolean'],
	])('%p is refused as %s', (raw, what) => {
		expect(checkInputs(raw)).toEqual({ ok: false, problem: expect.stringMatching(new RegExp(`not ${what}$`)) });
	});

	test('invalid JSON says why', () => {
		expect(checkInputs('{"a": }')).toEqual({ ok: false, problem: expect.stringMatching(/^is not valid JSON \(.+\)$/) });
	});
});

test('timeouts must be positive numbers of seconds', () => {
	expect(checkTimeout(180)).toEqual({ ok: true, value: 180 });
	expect(checkTimeout('2.5')).toEqual({ ok: true, value: 2.5 });
	expect(checkTimeout(0).ok).toBe(false);
	expect(checkTimeout('soon').ok).toBe(false);
});

describe("the credential's numbers", () => {
	const limit = { min: 1, max: 10_000, fallback: 60, whole: true };
	test('empty is the default; a fraction of a whole number is rounded down; beyond the bounds is clamped', () => {
		expect(checkBoundedNumber(undefined, limit)).toEqual({ ok: true, value: 60 });
		expect(checkBoundedNumber('', limit)).toEqual({ ok: true, value: 60 });
		expect(checkBoundedNumber(2.5, limit)).toEqual({ ok: true, value: 2 });
		expect(checkBoundedNumber(0.5, limit)).toEqual({ ok: true, value: 1 });
		expect(checkBoundedNumber(-3, limit)).toEqual({ ok: true, value: 1 });
		expect(checkBoundedNumber(1e12, limit)).toEqual({ ok: true, value: 10_000 });
		expect(checkBoundedNumber(1.5, { min: 1, max: 86_400, fallback: 60 })).toEqual({ ok: true, value: 1.5 });
	});

	test('what is no number is named', () => {
		expect(checkBoundedNumber('abc', limit)).toEqual({ ok: false, problem: 'must be a number, got "abc"' });
		expect(checkBoundedNumber(Infinity, limit)).toMatchObject({ ok: false });
	});
});

test('a text setting is used trimmed, and its fallback when it is left empty', () => {
	expect(textOr('  https://example.com/keys ', 'fallback')).toBe('https://example.com/keys');
	expect(textOr('   ', 'fallback')).toBe('fallback');
	expect(textOr(undefined, 'fallback')).toBe('fallback');
	expect(textOr(42, 'fallback')).toBe('fallback');
});

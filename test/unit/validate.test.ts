import { checkId, checkInputs, checkOptionalId, checkTimeout } from '../../nodes/ZapierActions/helpers/validate';

describe('ids', () => {
	test.each(['example_core:Vn7xbE60', '123e4567-e89b-12d3-a456-426614174000', 'example_QVaAreV1', ' padded '])('%p is accepted', (id) => {
		expect(checkId(id)).toEqual({ ok: true, value: id.trim() });
	});

	test.each([
		['a/b', '"/"'],
		['..', '".."'],
		['a..b', '".."'],
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

import type { ResourceMapperField } from 'n8n-workflow';

import { fieldType, mappedInputs, toMapperField, toOptions } from '../../../nodes/ZapierActions/helpers/fields';

describe("Zapier's field types in n8n's mapper", () => {
	test.each([
		[{ value_type: 'STRING' }, 'string'],
		[{ value_type: 'NUMBER' }, 'number'],
		[{ value_type: 'INTEGER' }, 'number'],
		[{ value_type: 'BOOLEAN' }, 'boolean'],
		[{ value_type: 'ARRAY' }, 'array'],
		[{ value_type: 'OBJECT' }, 'object'],
		[{ format: 'DATETIME', value_type: 'STRING' }, 'dateTime'],
		[{ format: 'SELECT', value_type: 'INTEGER' }, 'options'],
		[{ format: 'MULTILINE' }, 'string'],
		[{ type: 'fieldset', fields: [] }, 'array'],
		[{}, 'string'],
	])('%p is %s', (field, type) => {
		expect(fieldType(field)).toBe(type);
	});

	test('required, read-only and defaults carry over; SELECT choices become options', () => {
		const field = toMapperField(
			{ type: 'input_field', id: 'n', title: 'N', is_required: true, format: 'READONLY', default_value: 3 },
			toOptions([{ label: 'Three', value: 3 }]),
		);
		expect(field).toEqual({
			id: 'n',
			displayName: 'N',
			required: true,
			readOnly: true,
			display: true,
			defaultMatch: false,
			canBeUsedToMatch: false,
			type: 'string',
			defaultValue: 3,
			options: [{ name: 'Three', value: 3 }],
		});
	});
});

describe('mapped values as inputs', () => {
	const schema = [
		{ id: 'to', displayName: 'To', required: true },
		{ id: 'tags', displayName: 'Tags', required: false, type: 'array' },
		{ id: 'old', displayName: 'Old', required: true, removed: true },
	] as ResourceMapperField[];

	test('empty values are left out and JSON fields parsed', () => {
		expect(mappedInputs({ to: 'a', tags: '[1]', note: '', x: null }, schema)).toEqual({ ok: true, value: { to: 'a', tags: [1] } });
	});

	test('false and 0 are values, not empty', () => {
		expect(mappedInputs({ to: 'a', flag: false, n: 0 }, schema)).toEqual({ ok: true, value: { to: 'a', flag: false, n: 0 } });
	});

	test('a missing required field is named; removed fields are not required', () => {
		expect(mappedInputs({ tags: '[]' }, schema)).toEqual({ ok: false, problem: 'field "To" is required' });
	});

	test('nothing mapped at all, with no schema, is no inputs', () => {
		expect(mappedInputs(null, [])).toEqual({ ok: true, value: {} });
	});
});

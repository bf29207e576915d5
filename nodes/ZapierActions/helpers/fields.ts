/** Zapier's input fields as n8n's resource mapper shows them, and the mapped values back as inputs. */
import type { FieldType, IDataObject, INodePropertyOptions, ResourceMapperField } from 'n8n-workflow';

import type { Checked } from './validate';
import { isEmpty } from './validate';

/** Pseudo-fields that only show Zapier's info text; never sent. */
export const INFO_PREFIX = '__info_';

export function fieldType(field: IDataObject): FieldType {
	if (field.type === 'fieldset') return 'array';
	if (field.format === 'SELECT') return 'options';
	if (field.format === 'DATETIME') return 'dateTime';
	switch (field.value_type) {
		case 'NUMBER':
		case 'INTEGER':
			return 'number';
		case 'BOOLEAN':
			return 'boolean';
		case 'ARRAY':
			return 'array';
		case 'OBJECT':
			return 'object';
		default:
			return 'string';
	}
}

function defaultValue(value: unknown): string | number | boolean | null | undefined {
	return ['string', 'number', 'boolean'].includes(typeof value) && value !== '' ? (value as string | number | boolean) : undefined;
}

export function toMapperField(field: IDataObject, options?: INodePropertyOptions[]): ResourceMapperField {
	const id = String(field.id);
	if (field.type === 'info_field') {
		return {
			id: `${INFO_PREFIX}${id}`,
			displayName: `ℹ ${String(field.description ?? field.title ?? '')}`,
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
			readOnly: true,
			// No field type of n8n's: its editor draws no input for it, so the text stands as a line of its own
			// (a 'string' drew an empty box under it). Values of unknown types pass n8n's checks as they are.
			type: 'notice' as string as FieldType,
		};
	}
	const title = String(field.title ?? id);
	const dependsOn = Array.isArray(field.depends_on) && field.depends_on.length ? ` (after ${field.depends_on.join(', ')})` : '';
	const mapped: ResourceMapperField = {
		id,
		displayName: field.type === 'fieldset' ? `${title} (JSON list)` : `${title}${dependsOn}`,
		required: field.is_required === true,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: fieldType(field),
		readOnly: field.format === 'READONLY',
	};
	const fallback = defaultValue(field.default_value);
	if (fallback !== undefined) mapped.defaultValue = fallback;
	if (options) mapped.options = options;
	return mapped;
}

export function toOptions(choices: IDataObject[]): INodePropertyOptions[] {
	return choices.map((choice) => ({
		name: String(choice.label ?? choice.value),
		value: choice.value as string | number | boolean,
	}));
}

/**
 * The inputs to send from a resource mapper's value: empty and info fields left out, JSON fields
 * parsed, required fields checked. Problems name the fields by their titles.
 */
export function mappedInputs(values: IDataObject | null | undefined, schema: ResourceMapperField[] = []): Checked<IDataObject> {
	const inputs: IDataObject = {};
	const byId = new Map(schema.map((field) => [field.id, field]));
	for (const [id, value] of Object.entries(values ?? {})) {
		if (id.startsWith(INFO_PREFIX) || isEmpty(value)) continue;
		const type = byId.get(id)?.type;
		if ((type === 'array' || type === 'object') && typeof value === 'string') {
			try {
				inputs[id] = JSON.parse(value);
			} catch {
				return { ok: false, problem: `field "${byId.get(id)?.displayName ?? id}" is not valid JSON` };
			}
		} else {
			inputs[id] = value;
		}
	}
	const missing = schema.filter((field) => field.required && !field.removed && isEmpty(inputs[field.id]));
	if (missing.length) {
		const names = missing.map((field) => `"${field.displayName}"`).join(', ');
		return { ok: false, problem: `${missing.length > 1 ? 'fields' : 'field'} ${names} ${missing.length > 1 ? 'are' : 'is'} required` };
	}
	return { ok: true, value: inputs };
}

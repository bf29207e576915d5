import type { IDataObject, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Checks made before anything is sent. Each returns what is wrong, in words, or the clean value. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** The checked value, or an error that names the field (the item is the error's `itemIndex`). */
export function need<T>(node: INode, field: string, result: Checked<T>, itemIndex: number): T {
	if (result.ok) return result.value;
	throw new NodeOperationError(node, `${field} ${result.problem}`, {
		itemIndex,
		description: `Nothing was sent to Zapier for this item. Fix the "${field}" field and run it again.`,
	});
}

/** Nothing given: undefined, null, or text with nothing but spaces. */
export function isEmpty(value: unknown): value is undefined | null | string {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A text setting as given (trimmed), or `fallback` when it is left empty. */
export function textOr(value: unknown, fallback: string): string {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

/** A JSON object: not null, not a list. */
export function isJsonObject(value: unknown): value is IDataObject {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What would change which URL an id lands on: path separators, query, fragment, escapes, dot steps. */
const PATH_CHARACTERS = /[/\\?#%]|\.\.|^\.$|\s/;

export function checkId(raw: unknown): Checked<string> {
	if (typeof raw === 'number') raw = String(raw);
	if (typeof raw !== 'string') return { ok: false, problem: `must be text, got ${describeType(raw)}` };
	const id = raw.trim();
	if (id === '') return { ok: false, problem: 'is required' };
	const found = PATH_CHARACTERS.exec(id);
	if (found) {
		const what = /\s/.test(found[0]) ? 'whitespace' : `"${found[0]}"`;
		return { ok: false, problem: `"${id}" contains ${what}, which an ID never has` };
	}
	return { ok: true, value: id };
}

/** An optional id: empty means none (sent as null). */
export function checkOptionalId(raw: unknown): Checked<string | null> {
	return isEmpty(raw) ? { ok: true, value: null } : checkId(raw);
}

function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The action's inputs: a JSON object of field id to value, given as an object or as JSON text. */
export function checkInputs(raw: unknown): Checked<IDataObject> {
	let value = raw;
	if (isEmpty(value)) return { ok: true, value: {} };
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch (error) {
			return { ok: false, problem: `is not valid JSON (${(error as Error).message})` };
		}
	}
	if (!isJsonObject(value)) {
		return {
			ok: false,
			problem: `must be a JSON object of field IDs to values, like {"email": "me@example.com"}, not ${describeType(value)}`,
		};
	}
	return { ok: true, value };
}

/** Seconds to wait, as a positive number. */
export function checkTimeout(raw: unknown): Checked<number> {
	const seconds = Number(raw);
	if (!Number.isFinite(seconds) || seconds <= 0) {
		return { ok: false, problem: `must be a number of seconds above 0, got ${JSON.stringify(raw)}` };
	}
	return { ok: true, value: seconds };
}

export interface NumberBounds {
	min: number;
	max: number;
	fallback: number;
	/** Whether only whole numbers make sense (a fraction is rounded down). */
	whole?: boolean;
}

/**
 * A number from the credential, held within bounds that every part of the node can live with (a
 * timer cannot wait longer than about 24 days): empty means the default, beyond the bounds is clamped.
 */
export function checkBoundedNumber(raw: unknown, bounds: NumberBounds): Checked<number> {
	if (isEmpty(raw)) return { ok: true, value: bounds.fallback };
	const number = Number(raw);
	if (!Number.isFinite(number)) return { ok: false, problem: `must be a number, got ${JSON.stringify(raw)}` };
	const value = bounds.whole ? Math.floor(number) : number;
	return { ok: true, value: Math.min(bounds.max, Math.max(bounds.min, value)) };
}

/**
 * The answers of the API behind Zapier's SDK, read into the node's model (the Partner API's shapes,
 * which the pickers, the resource mapper and the outputs already speak). Pure: no requests.
 */
import type { IDataObject } from 'n8n-workflow';

/** Where a Zapier user connects (and reconnects) accounts; the API itself names no such link. */
export const CONNECTIONS_PAGE = 'https://zapier.com/app/assets/connections';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** `SlackCLIAPI@1.21.0` → `SlackCLIAPI`: the app's stable key, which saved workflows keep. */
export function appKeyOf(selectedApi: string): string {
	const at = selectedApi.lastIndexOf('@');
	return at > 0 ? selectedApi.slice(0, at) : selectedApi;
}

/** An app of `implementations-meta`, keyed by its unversioned name; its versioned `selected_api` kept for the run. */
export function appOf(raw: IDataObject): IDataObject {
	const selectedApi = String(raw.id ?? raw.implementation_id ?? raw.key ?? '');
	const images = (raw.images ?? {}) as IDataObject;
	return {
		id: appKeyOf(selectedApi),
		selected_api: selectedApi,
		slug: raw.slug,
		title: text(raw.name) ?? text(raw.title) ?? appKeyOf(selectedApi),
		description: text(raw.description) ?? '',
		image: text(images.url_32x32) ?? text(raw.image),
		// Built-in apps (Formatter, Filter...) run without a connection.
		links: { connect_new_authentication: raw.is_built_in === true ? null : CONNECTIONS_PAGE },
	};
}

/**
 * What a run needs to name its action, in one ID: the app's versioned API, the action's type, key
 * and listing ID. It is what Action → Get Many shows as the ID, and what "By ID" takes.
 */
export interface ActionRef {
	selectedApi: string;
	type: string;
	key: string;
	id: string;
}

const REF_SEPARATOR = '|';

export function encodeActionRef(ref: ActionRef): string {
	return [ref.selectedApi, ref.type, ref.key, ref.id].join(REF_SEPARATOR);
}

export function decodeActionRef(raw: string): ActionRef | undefined {
	const parts = raw.split(REF_SEPARATOR);
	if (parts.length !== 4 || !parts[0].includes('@') || !parts[1] || !parts[2]) return undefined;
	const [selectedApi, type, key, id] = parts;
	return { selectedApi, type, key, id };
}

/** The app's actions of `implementations`, hidden ones left out, typed as the node's Action Type filter names them. */
export function actionsOf(body: IDataObject, selectedApi: string): IDataObject[] {
	const implementations = Array.isArray(body.results) ? (body.results as IDataObject[]) : [];
	return implementations
		.flatMap((implementation) => (Array.isArray(implementation?.actions) ? (implementation.actions as IDataObject[]) : []))
		.filter((action) => action && typeof action === 'object' && action.is_hidden !== true && text(action.key) && text(action.type))
		.map((action) => {
			const ref = {
				selectedApi: text(action.selected_api) ?? selectedApi,
				type: String(action.type),
				key: String(action.key),
				id: text(action.id) ?? '',
			};
			return {
				id: encodeActionRef(ref),
				key: ref.key,
				title: text(action.name) ?? ref.key,
				description: text(action.description) ?? '',
				action_type: ref.type.toUpperCase(),
				app: appKeyOf(ref.selectedApi),
			};
		});
}

/** A connection, as the account pickers show it: expired ones (`is_stale`) flagged. */
export function connectionOf(raw: IDataObject): IDataObject {
	return {
		id: String(raw.id),
		title: text(raw.title) ?? text(raw.label) ?? String(raw.id),
		is_expired: raw.is_stale === true || raw.is_stale === 'true',
		app: raw.selected_api,
	};
}

const FORMAT_OF_TYPE: Record<string, string> = {
	text: 'MULTILINE',
	datetime: 'DATETIME',
	password: 'PASSWORD',
	file: 'FILE',
	code: 'MULTILINE',
};
const VALUE_TYPE_OF_TYPE: Record<string, string> = {
	integer: 'INTEGER',
	decimal: 'NUMBER',
	boolean: 'BOOLEAN',
	dict: 'OBJECT',
	json: 'OBJECT',
};

/** A choice of a need or of `choices`, as `{label, value}`. */
export function choiceOf(raw: IDataObject): IDataObject {
	const value = raw.value ?? raw.key;
	return { label: text(raw.label) ?? String(value), value };
}

function fieldOf(need: IDataObject): IDataObject {
	const type = String(need.type ?? 'string');
	const id = String(need.key);
	if (type === 'copy') return { type: 'info_field', id, description: text(need.help_text) ?? text(need.label) ?? '' };
	const choices = Array.isArray(need.choices) ? (need.choices as IDataObject[]).map(choiceOf) : undefined;
	return {
		type: 'input_field',
		id,
		title: text(need.label) ?? id,
		description: text(need.help_text) ?? '',
		default_value: need.default ?? '',
		placeholder: text(need.placeholder) ?? '',
		is_required: need.required === true,
		depends_on: Array.isArray(need.depends_on) ? need.depends_on : [],
		invalidates_input_fields: need.alters_custom_fields === true,
		format: need.format === 'SELECT' || choices ? 'SELECT' : (FORMAT_OF_TYPE[type] ?? null),
		value_type: need.list === true ? 'ARRAY' : (VALUE_TYPE_OF_TYPE[type] ?? 'STRING'),
		...(choices && { choices }),
	};
}

/** The needs of an action as the node's input fields; children of a line-item group (`parent_key`) as one fieldset. */
export function fieldsOf(needs: unknown): IDataObject[] {
	const list = Array.isArray(needs) ? (needs as IDataObject[]).filter((need) => need && typeof need === 'object' && text(need.key)) : [];
	const fields: IDataObject[] = [];
	const groups = new Map<string, IDataObject>();
	for (const need of list) {
		const parent = text(need.parent_key);
		if (!parent) {
			fields.push(fieldOf(need));
			continue;
		}
		let group = groups.get(parent);
		if (!group) {
			group = { type: 'fieldset', id: parent, title: parent, fields: [] };
			groups.set(parent, group);
			fields.push(group);
		}
		(group.fields as IDataObject[]).push(fieldOf(need));
	}
	return fields;
}

/**
 * The catalog as the API behind Zapier's SDK names it: apps by implementation name and version
 * (`MailerCLIAPI@1.0.0`, the *selected_api*), actions by a numeric listing ID (`core:101`),
 * connections by a numeric ID (1001...), and input fields as *needs*. Derived from the catalog's
 * order, so every ID is stable across runs of the sandbox.
 */
import type { CatalogAction, CatalogApp, Field } from './catalog';
import { APPS } from './catalog';

/** Where the SDK's API lives on Zapier's `sdkapi` host, and on the sandbox's own origin. */
export const SDK_PREFIX = '/api/v0/sdk/zapier/api';
/** Where the Trigger Inbox lives, beside it (inbox.ts). */
export const INBOX_PREFIX = '/api/v0/sdk/trigger-inbox/api/v1';
export const SDK_VERSION = '1.0.0';

/** `mailer` → `MailerCLIAPI`, as Zapier names the implementations of CLI-built apps. */
export function implementationName(app: CatalogApp): string {
	return `${app.slug.charAt(0).toUpperCase()}${app.slug.slice(1)}CLIAPI`;
}

export function selectedApi(app: CatalogApp): string {
	return `${implementationName(app)}@${SDK_VERSION}`;
}

/** The app an SDK app ID names: `Impl@1.0.0`, or `Impl@latest` where `latest` is allowed (lookups); never a bare name. */
export function appOfSelectedApi(id: unknown, latest = false): CatalogApp | undefined {
	if (typeof id !== 'string') return undefined;
	const at = id.lastIndexOf('@');
	if (at <= 0) return undefined;
	const version = id.slice(at + 1);
	if (version !== SDK_VERSION && !(latest && version === 'latest')) return undefined;
	return APPS.find((app) => implementationName(app) === id.slice(0, at));
}

export function appOfImplementation(name: string | null): CatalogApp | undefined {
	return APPS.find((app) => implementationName(app) === name);
}

/** The action's listing ID: the app's place in the catalog times 100, plus the action's place. */
export function sdkActionId(app: CatalogApp, action: CatalogAction): string {
	return `core:${(APPS.indexOf(app) + 1) * 100 + app.actions.indexOf(action) + 1}`;
}

export function actionOfSdkId(id: unknown): { app: CatalogApp; action: CatalogAction } | undefined {
	for (const app of APPS) {
		const action = app.actions.find((candidate) => sdkActionId(app, candidate) === id);
		if (action) return { app, action };
	}
	return undefined;
}

/** The action's type as the SDK API writes it: `READ_BULK` → `read_bulk`. */
export const sdkActionType = (action: CatalogAction) => action.action_type.toLowerCase();

export interface Connection {
	id: number;
	app: CatalogApp;
	title: string;
	isStale: boolean;
	/** When it was made: a fixed day, one a connection. */
	date: string;
}

/** Every catalog authentication as a connection, numbered from 1001 in catalog order. */
export const CONNECTIONS: Connection[] = APPS.flatMap((app) => app.authentications.map((auth) => ({ app, auth }))).map(
	({ app, auth }, i) => ({
		id: 1001 + i,
		app,
		title: auth.title,
		isStale: auth.is_expired,
		date: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
	}),
);

/** The connection an `authentication_id` names (a number, or a numeric string). */
export function connectionOf(id: unknown): Connection | undefined {
	const n = typeof id === 'number' ? id : typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : NaN;
	return CONNECTIONS.find((connection) => connection.id === n);
}

/** One choice of a SELECT need, as the SDK API writes it. */
export const sdkChoice = (choice: { label: string; value: string }) => ({ key: choice.value, label: choice.label, value: choice.value });

const TYPE_OF_FORMAT: Record<string, string> = { MULTILINE: 'text', DATETIME: 'datetime', PASSWORD: 'password', FILE: 'file' };
const TYPE_OF_VALUE: Record<string, string> = { INTEGER: 'integer', NUMBER: 'decimal', BOOLEAN: 'boolean', OBJECT: 'dict' };

const given = (value: unknown) => value !== undefined && value !== null && value !== '';

/**
 * The Partner-shaped fields as needs. A fieldset has no need of its own: its children carry its ID as
 * `parent_key` (a line-item group, as Zapier's needs have them), and its title is not told. A SELECT
 * field's choices come inline when they depend on nothing (neither on other fields nor altering
 * them); the others are fetched from the choices route, as Zapier's dynamic dropdowns are.
 */
export function needsOf(fields: Field[], choicesOf: (fieldId: string) => Array<{ label: string; value: string }>): object[] {
	return fields.flatMap((field): object[] => {
		if (field.type === 'fieldset') {
			return (field.fields as Field[]).map((child) => ({ ...needOf(child, choicesOf), parent_key: field.id }));
		}
		if (field.type === 'info_field') return [{ key: field.id, type: 'copy', help_text: field.description }];
		return [needOf(field, choicesOf)];
	});
}

function needOf(field: Field, choicesOf: (fieldId: string) => Array<{ label: string; value: string }>): object {
	const format = String(field.format);
	const dependsOn = (field.depends_on as string[] | undefined) ?? [];
	const need: Record<string, unknown> = {
		key: field.id,
		label: field.title,
		type: TYPE_OF_FORMAT[format] ?? TYPE_OF_VALUE[String(field.value_type)] ?? 'string',
		required: field.is_required === true,
	};
	if (field.value_type === 'ARRAY') need.list = true;
	if (given(field.description)) need.help_text = field.description;
	if (given(field.default_value)) need.default = String(field.default_value);
	if (given(field.placeholder)) need.placeholder = field.placeholder;
	if (dependsOn.length) need.depends_on = dependsOn;
	if (field.invalidates_input_fields === true) need.alters_custom_fields = true;
	if (format === 'SELECT') {
		need.format = 'SELECT';
		if (!dependsOn.length && field.invalidates_input_fields !== true) need.choices = choicesOf(String(field.id)).map(sdkChoice);
	}
	return need;
}

/** Every input field, fieldsets' children included: the fields a choices request may name. */
export function flatFields(fields: Field[]): Field[] {
	return fields.flatMap((field) => (field.type === 'fieldset' ? (field.fields as Field[]) : [field]));
}

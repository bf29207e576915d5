/**
 * The API behind Zapier's SDK (`/api/v0/sdk/zapier/api/...`): the dialect of the Zapier API (Client
 * Credentials) credential. Apps are kept by their unversioned key; a run names the versioned API,
 * the action's type, key and listing ID, which the action's ID (sdkModel's ActionRef) carries.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normaliseRun } from '../../helpers/runStatus';
import { isJsonObject } from '../../helpers/validate';
import type { ZapierContext } from '../request';
import { zapierRequest } from '../request';
import { MAX_PAGES, readAllPages, readPage } from '../pages';
import type { List } from '../pages';
import type { ActionRef } from './sdkModel';
import { actionsOf, appOf, choiceOf, connectionOf, decodeActionRef, fieldsOf } from './sdkModel';
import type { FieldsRequest, ZapierDialect } from './types';

const API = ['api', 'v0', 'sdk', 'zapier', 'api'];
const LOOKUP = [...API, 'v4', 'implementations-meta', 'lookup'];
const SEARCH = [...API, 'v4', 'implementations-meta', 'search'];
const RUNS = [...API, 'actions', 'v1', 'runs'];
const PAGE_SIZE = '100';
/** How the SDK tells an app's slug from its implementation name. */
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const list = (path: string[], query: Record<string, string | undefined>, trailingSlash = true): List => ({
	path,
	query,
	trailingSlash,
	shape: 'results',
});

/** The lookup of one app by what the node keeps of it: its name (latest version), a versioned name, or a slug. */
function lookupOf(app: string): List {
	if (SLUG.test(app)) return list(LOOKUP, { slugs: app, limit: PAGE_SIZE });
	return list(LOOKUP, { selected_apis: app.includes('@') ? app : `${app}@latest`, limit: PAGE_SIZE });
}

function actionRef(ctx: ZapierContext, actionId: string): ActionRef {
	const ref = decodeActionRef(actionId);
	if (ref) return ref;
	throw new NodeOperationError(ctx.getNode(), `The action ID "${actionId}" is not one of this API's`, {
		description: 'Pick the action from the list, or give the ID that Action → Get Many shows (app@version|type|key|id).',
	});
}

/** The connection as the API takes it: the number its listing gives, or the text given. */
export function connectionId(authentication: string | null): number | string | undefined {
	if (authentication === null) return undefined;
	return /^\d{1,15}$/.test(authentication) ? Number(authentication) : authentication;
}

/** A 200 that says `success: false` is this API's refusal of the fields asked about. */
function checkSuccess(ctx: ZapierContext, what: string, body: IDataObject): IDataObject {
	if (body.success !== false) return body;
	const errors = Array.isArray(body.errors) ? body.errors.map((error) => (typeof error === 'string' ? error : JSON.stringify(error))) : [];
	throw new NodeOperationError(ctx.getNode(), `Zapier could not give the action's ${what}: ${errors.join('; ') || 'no reason given'}`, {
		description: 'Check the chosen app, action and connection, and the values entered so far.',
	});
}

function fieldsBody(request: FieldsRequest, ref: ActionRef): IDataObject {
	return {
		selected_api: ref.selectedApi,
		action: ref.key,
		type_of: ref.type,
		params: request.inputs,
		authentication_id: connectionId(request.authentication),
	};
}

/** The lookup of the apps matching `query` (all apps without one), or none when the search finds nothing. */
async function appsLookup(ctx: ZapierContext, query: string | undefined): Promise<List | undefined> {
	if (!query) return list(LOOKUP, { latest_only: 'true', selected_apis: '', limit: PAGE_SIZE });
	const found = await readPage(ctx, list(SEARCH, { term: query }));
	const ids = [...new Set(found.data.map((app) => app.id).filter((id): id is string => typeof id === 'string' && id !== ''))];
	return ids.length ? list(LOOKUP, { selected_apis: ids.join(','), limit: PAGE_SIZE }) : undefined;
}

export const sdkApi: ZapierDialect = {
	async appsPage(ctx, query, cursor) {
		const lookup = cursor !== undefined ? list(LOOKUP, {}) : await appsLookup(ctx, query);
		if (!lookup) return { apps: [] };
		const page = await readPage(ctx, lookup, cursor);
		return { apps: page.data.map(appOf), next: page.next };
	},

	async apps(ctx, query) {
		const lookup = await appsLookup(ctx, query);
		return lookup ? (await readAllPages(ctx, lookup)).map(appOf) : [];
	},

	async app(ctx, id) {
		const page = await readPage(ctx, lookupOf(id));
		return page.data.map(appOf).find((app) => app.id === id || app.selected_api === id || app.slug === id);
	},

	async actions(ctx, app, actionType) {
		const found = await sdkApi.app(ctx, app);
		if (!found) return [];
		const response = await zapierRequest(ctx, {
			method: 'GET',
			path: [...API, 'v4', 'implementations'],
			trailingSlash: true,
			query: { global: 'true', public_only: 'false', selected_apis: String(found.selected_api) },
			kind: 'read',
		});
		const actions = actionsOf(response.body, String(found.selected_api));
		return actionType ? actions.filter((action) => action.action_type === actionType) : actions;
	},

	async authentications(ctx, app) {
		const query = { versionless_selected_api: app.split('@')[0], owner: 'me', limit: PAGE_SIZE };
		return (await readAllPages(ctx, list([...API, 'v4', 'authentications'], query, false))).map(connectionOf);
	},

	async inputFields(ctx, request) {
		const ref = actionRef(ctx, request.actionId);
		const response = await zapierRequest(ctx, {
			method: 'POST',
			path: [...API, 'v4', 'implementations', 'needs'],
			trailingSlash: true,
			body: fieldsBody(request, ref),
			kind: 'read',
		});
		return fieldsOf(checkSuccess(ctx, 'input fields', response.body).needs);
	},

	/** Page after page from 0, as long as the answer names a next one. */
	async choices(ctx, request, fieldId) {
		const ref = actionRef(ctx, request.actionId);
		const { selected_api: _api, action: _key, type_of: _type, ...common } = fieldsBody(request, ref);
		const choices: IDataObject[] = [];
		for (let page = 0; page < MAX_PAGES;) {
			const response = await zapierRequest(ctx, {
				method: 'POST',
				path: [...API, 'v4', 'implementations', 'choices'],
				trailingSlash: true,
				body: { action_id: ref.id, input_field_id: fieldId, page, ...common },
				kind: 'read',
			});
			const body = checkSuccess(ctx, `choices of "${fieldId}"`, response.body);
			choices.push(...(Array.isArray(body.choices) ? body.choices.filter(isJsonObject).map(choiceOf) : []));
			const next = Number(body.next_page);
			if (body.next_page === null || body.next_page === undefined || !Number.isInteger(next) || next <= page) return choices;
			page = next;
		}
		throw new NodeOperationError(ctx.getNode(), `The choices of "${fieldId}" have more than ${MAX_PAGES} pages`);
	},

	async createRun(ctx, run, itemIndex, sendBy) {
		const ref = actionRef(ctx, run.action);
		const data: IDataObject = {
			selected_api: ref.selectedApi,
			action_key: ref.key,
			action_type: ref.type,
			inputs: run.inputs,
			...(ref.id && { action_id: ref.id }),
			...(run.authentication !== null && { authentication_id: connectionId(run.authentication) }),
			...(run.page !== undefined && { page: run.page }),
			...(run.callback_url !== undefined && { callback_url: run.callback_url }),
		};
		return await zapierRequest(ctx, { method: 'POST', path: RUNS, kind: 'create', body: { data }, itemIndex, sendBy });
	},

	createdRunId(response) {
		return (response.body.data as IDataObject | undefined)?.id;
	},

	async readRun(ctx, id, itemIndex, deadline) {
		const response = await zapierRequest(ctx, { method: 'GET', path: [...RUNS, id], kind: 'read', itemIndex, deadline });
		return { run: normaliseRun(id, response.status, response.body), pressure: response.pressure };
	},
};

/** Zapier's discovery endpoints: apps, actions, connected accounts, input fields and their choices. */
import type { IDataObject } from 'n8n-workflow';

import { readAllPages, readPage } from './pages';
import type { ActionLookup } from '../helpers/locators';
import type { ZapierContext } from './request';

export const ACTION_TYPES = ['WRITE', 'SEARCH', 'READ', 'READ_BULK', 'SEARCH_AND_WRITE', 'SEARCH_OR_WRITE'] as const;

export const APPS_LIST = ['v2', 'apps'];

export async function listApps(ctx: ZapierContext, query?: string): Promise<IDataObject[]> {
	return await readAllPages(ctx, { path: APPS_LIST, query: { query } });
}

export async function listActions(ctx: ZapierContext, app: string, actionType?: string): Promise<IDataObject[]> {
	return await readAllPages(ctx, { path: ['v2', 'actions'], query: { app, action_type: actionType } });
}

export async function listAuthentications(ctx: ZapierContext, app: string): Promise<IDataObject[]> {
	return await readAllPages(ctx, { path: ['v2', 'authentications'], query: { app } });
}

export async function getApp(ctx: ZapierContext, app: string): Promise<IDataObject | undefined> {
	const page = await readPage(ctx, { path: APPS_LIST, query: { ids: app } });
	return page.data.find((candidate) => candidate.id === app);
}

export interface FieldsRequest {
	actionId: string;
	authentication: string | null;
	inputs: IDataObject;
}

export async function listInputFields(ctx: ZapierContext, request: FieldsRequest): Promise<IDataObject[]> {
	const body = { data: { authentication: request.authentication, inputs: request.inputs } };
	return await readAllPages(ctx, { path: ['v2', 'actions', request.actionId, 'inputs'], body });
}

/** Every choice of a SELECT field: `links.next` when given, else `?page=N` until a page is empty. */
export async function listChoices(ctx: ZapierContext, request: FieldsRequest, fieldId: string): Promise<IDataObject[]> {
	const body = { data: { authentication: request.authentication, inputs: request.inputs } };
	const list = { path: ['v2', 'actions', request.actionId, 'inputs', fieldId, 'choices'], query: { page: '1' }, body };
	return await readAllPages(ctx, list, (page, result) => (result.data.length ? `page=${page + 1}` : undefined));
}

/**
 * Action IDs change between lookups and expire; keys do not. A workflow stores app + key, and this
 * looks the fresh ID up once per app per execution.
 */
export class ActionResolver {
	private readonly byApp = new Map<string, { ids: Promise<Map<string, string>>; known?: Map<string, string> }>();

	constructor(private readonly ctx: ZapierContext) {}

	/**
	 * The current ID of the app's action `key`. Given the ID Zapier just refused as stale, it looks the
	 * app up again, once for all the items that saw the same stale ID.
	 */
	readonly idFor: ActionLookup = async (app, key, stale) => {
		let entry = this.byApp.get(app);
		if (!entry || (stale !== undefined && entry.known?.get(key) === stale)) {
			const fresh: { ids: Promise<Map<string, string>>; known?: Map<string, string> } = {
				ids: listActions(this.ctx, app).then((actions) => {
					fresh.known = new Map(actions.map((action) => [String(action.key), String(action.id)]));
					return fresh.known;
				}),
			};
			entry = fresh;
			this.byApp.set(app, fresh);
			fresh.ids.catch(() => this.byApp.get(app) === fresh && this.byApp.delete(app));
		}
		return (await entry.ids).get(key);
	};
}

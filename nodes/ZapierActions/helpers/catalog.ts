/** Zapier's discovery endpoints: apps, actions, connected accounts, input fields and their choices. */
import type { IDataObject } from 'n8n-workflow';

import { readAllPages, readPage, withQuery } from '../transport/pages';
import type { ZapierContext } from '../transport/request';

export const ACTION_TYPES = ['WRITE', 'SEARCH', 'READ', 'READ_BULK', 'SEARCH_AND_WRITE', 'SEARCH_OR_WRITE'] as const;

export async function listApps(ctx: ZapierContext, query?: string): Promise<IDataObject[]> {
	return await readAllPages(ctx, withQuery('/v2/apps', { query }));
}

export async function listActions(ctx: ZapierContext, app: string, actionType?: string): Promise<IDataObject[]> {
	return await readAllPages(ctx, withQuery('/v2/actions', { app, action_type: actionType }));
}

export async function listAuthentications(ctx: ZapierContext, app: string): Promise<IDataObject[]> {
	return await readAllPages(ctx, withQuery('/v2/authentications', { app }));
}

export async function getApp(ctx: ZapierContext, app: string): Promise<IDataObject | undefined> {
	const page = await readPage(ctx, withQuery('/v2/apps', { ids: app }));
	return page.data.find((candidate) => candidate.id === app);
}

export interface FieldsRequest {
	actionId: string;
	authentication: string | null;
	inputs: IDataObject;
}

export async function listInputFields(ctx: ZapierContext, request: FieldsRequest): Promise<IDataObject[]> {
	const body = { data: { authentication: request.authentication, inputs: request.inputs } };
	return await readAllPages(ctx, `/v2/actions/${encodeURIComponent(request.actionId)}/inputs`, body);
}

/** Every choice of a SELECT field: `links.next` when given, else `?page=N` until a page is empty. */
export async function listChoices(ctx: ZapierContext, request: FieldsRequest, fieldId: string): Promise<IDataObject[]> {
	const body = { data: { authentication: request.authentication, inputs: request.inputs } };
	const base = `/v2/actions/${encodeURIComponent(request.actionId)}/inputs/${encodeURIComponent(fieldId)}/choices`;
	const choices: IDataObject[] = [];
	let next: string | undefined = `${base}?page=1`;
	for (let page = 1; next && page <= 100; page++) {
		const result = await readPage(ctx, next, body);
		choices.push(...result.data);
		next = result.linked ? result.next : result.data.length ? `${base}?page=${page + 1}` : undefined;
	}
	return choices;
}

/**
 * Action IDs change between lookups and expire; keys do not. A workflow stores app + key, and this
 * looks the fresh ID up once per app per execution.
 */
export class ActionResolver {
	private readonly byApp = new Map<string, Promise<Map<string, string>>>();

	constructor(private readonly ctx: ZapierContext) {}

	async idFor(app: string, key: string): Promise<string | undefined> {
		let ids = this.byApp.get(app);
		if (!ids) {
			ids = listActions(this.ctx, app).then(
				(actions) => new Map(actions.map((action) => [String(action.key), String(action.id)])),
			);
			this.byApp.set(app, ids);
			ids.catch(() => this.byApp.delete(app));
		}
		return (await ids).get(key);
	}
}

/** Zapier's Partner API (`/v2/...`): the dialect of the Zapier OAuth2 API credential. */
import type { IDataObject } from 'n8n-workflow';

import { normaliseRun } from '../../helpers/runStatus';
import { readAllPages, readPage } from '../pages';
import { zapierRequest } from '../request';
import type { ZapierDialect } from './types';

const APPS = ['v2', 'apps'];
const RUNS = ['v2', 'action-runs'];

const inputsBody = (request: { authentication: string | null; inputs: IDataObject }) => ({
	data: { authentication: request.authentication, inputs: request.inputs },
});

export const partnerApi: ZapierDialect = {
	async appsPage(ctx, query, cursor) {
		const page = await readPage(ctx, { path: APPS, query: { query } }, cursor);
		return { apps: page.data, next: page.next };
	},

	async apps(ctx, query) {
		return await readAllPages(ctx, { path: APPS, query: { query } });
	},

	async app(ctx, id) {
		const page = await readPage(ctx, { path: APPS, query: { ids: id } });
		return page.data.find((candidate) => candidate.id === id);
	},

	async actions(ctx, app, actionType) {
		return await readAllPages(ctx, { path: ['v2', 'actions'], query: { app, action_type: actionType } });
	},

	async authentications(ctx, app) {
		return await readAllPages(ctx, { path: ['v2', 'authentications'], query: { app } });
	},

	async inputFields(ctx, request) {
		return await readAllPages(ctx, { path: ['v2', 'actions', request.actionId, 'inputs'], body: inputsBody(request) });
	},

	/** `links.next` when given, else `?page=N` until a page is empty. */
	async choices(ctx, request, fieldId) {
		const list = {
			path: ['v2', 'actions', request.actionId, 'inputs', fieldId, 'choices'],
			query: { page: '1' },
			body: inputsBody(request),
		};
		return await readAllPages(ctx, list, (page, result) => (result.data.length ? `page=${page + 1}` : undefined));
	},

	/** The Partner API has no pages of results: `page` is not sent. */
	async createRun(ctx, { page: _page, ...run }, itemIndex, sendBy) {
		return await zapierRequest(ctx, { method: 'POST', path: RUNS, kind: 'create', body: { data: { ...run } }, itemIndex, sendBy });
	},

	createdRunId(response) {
		return (response.body.data as IDataObject | undefined)?.id;
	},

	async readRun(ctx, id, itemIndex, deadline) {
		const response = await zapierRequest(ctx, { method: 'GET', path: [...RUNS, id], kind: 'read', itemIndex, deadline });
		return { run: normaliseRun(id, response.status, response.body), pressure: response.pressure };
	},
};

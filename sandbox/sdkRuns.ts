/**
 * The SDK API's action runs (`/actions/v1/runs`): the same runs as the Partner API's (scripts,
 * durations, outcomes, callbacks), named by app, action key and type, and read in the SDK's shape.
 */
import type { ServerResponse } from 'node:http';

import type { Host } from './config';
import type { Problem, Replies, Request } from './http';
import type { ApiRoute } from './limits';
import { SDK_RUN_ROUTES } from './limits';
import type { Runs, RunSpec } from './runs';
import { BULK_PAGES, checkInputsAndCallback, runData } from './runs';
import { sdkRoute } from './sdk';
import { appOfSelectedApi, connectionOf, sdkActionId, sdkActionType, selectedApi } from './sdkModel';

/** What a person must do in Zapier before such a run can go. */
const APPROVAL_REQUIRED = {
	errors: [
		{
			code: 'approval_required',
			title: 'Approval required',
			detail: 'This run needs approval by a person in Zapier before it can run.',
		},
	],
};

export class SdkRuns {
	readonly routes: ApiRoute[] = [
		sdkRoute(SDK_RUN_ROUTES.POST, (request) => this.create(request), {
			validate: (request) => this.parse(request).problem,
			commit: (request) => void this.start(request),
		}),
		sdkRoute(SDK_RUN_ROUTES.GET, ({ res }, [id]) => this.read(id, res)),
	];

	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
		private readonly runs: Runs,
	) {}

	private create(request: Request): void {
		if (this.host.config.approvalRequired) {
			return this.replies.json(request.res, 403, APPROVAL_REQUIRED, { 'x-zapier-error-type': 'approval_required' });
		}
		this.replies.json(request.res, 200, { data: { id: this.start(request)!.id } });
	}

	/** The request's run (made once), unless runs wait for approval. */
	private start(request: Request) {
		const { spec } = this.parse(request);
		if (!spec || this.host.config.approvalRequired) return undefined;
		return this.runs.start(request, spec);
	}

	private read(id: string, res: ServerResponse): void {
		const run = this.runs.find(id, 'sdk');
		if (!run) return this.replies.json(res, 404, { errors: [{ code: 'not_found', title: 'Not found', detail: `No run "${id}".` }] });
		if (this.runs.hasEnded(run)) return this.replies.json(res, 200, this.runs.finished(run));
		const waiting = { data: { id: run.id, status: 'waiting' } };
		this.replies.json(res, this.host.config.sdkPendingStatus === 'http202' ? 202 : 200, waiting);
	}

	/** The run a creation asks for, or the first rule it breaks (answered as a 400). */
	private parse({ req, raw }: Request): { spec?: RunSpec; problem?: Problem } {
		const body = runData(req, raw);
		if ('problem' in body) return body;
		const { data } = body;
		const invalid = (field: string, detail: string) => ({
			problem: { code: 'invalid', title: 'ValidationError', detail, pointer: `/data/${field}` },
		});
		const app = appOfSelectedApi(data.selected_api);
		if (!app)
			return invalid(
				'selected_api',
				`Unknown selected_api ${JSON.stringify(data.selected_api)}: expected an app ID such as "MailerCLIAPI@1.0.0".`,
			);
		const action = app.actions.find((candidate) => candidate.key === data.action_key);
		if (!action) return invalid('action_key', `The app ${app.title} has no action ${JSON.stringify(data.action_key)}.`);
		if (data.action_type !== sdkActionType(action)) {
			return invalid(
				'action_type',
				`The action "${action.key}" is of type "${sdkActionType(action)}", not ${JSON.stringify(data.action_type)}.`,
			);
		}
		const actionId = sdkActionId(app, action);
		if (data.action_id !== undefined && data.action_id !== null && data.action_id !== actionId) {
			return invalid('action_id', `The action "${action.key}" is listed as "${actionId}", not ${JSON.stringify(data.action_id)}.`);
		}
		const { authentication_id: authenticationId, page } = data;
		const connection = authenticationId === undefined || authenticationId === null ? null : connectionOf(authenticationId);
		if (connection === undefined || (connection && connection.app !== app)) {
			return invalid('authentication_id', `No connection ${JSON.stringify(authenticationId)} of the app ${app.title}.`);
		}
		const problem = checkInputsAndCallback(data);
		if (problem) return { problem };
		let bulkPage: number | undefined;
		if (sdkActionType(action) === 'read_bulk') bulkPage = 1;
		if (page !== undefined && page !== null && page !== '') {
			if (bulkPage === undefined)
				return invalid('page', `Only read_bulk actions are paged; "${action.key}" is a ${sdkActionType(action)}.`);
			if (typeof page !== 'string' || !/^\d+$/.test(page) || Number(page) < 1 || Number(page) > BULK_PAGES) {
				return invalid('page', `Unknown page ${JSON.stringify(page)}: send the run's next_page, a string.`);
			}
			bulkPage = Number(page);
		}
		return {
			spec: {
				dialect: 'sdk',
				action: actionId,
				actionKey: action.key,
				authentication: connection ? String(connection.id) : null,
				inputs: data.inputs as Record<string, unknown>,
				callbackUrl: data.callback_url as string | undefined,
				selectedApi: selectedApi(app),
				page: bulkPage,
			},
		};
	}
}

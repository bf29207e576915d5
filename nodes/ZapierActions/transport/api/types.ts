/**
 * What the node asks of Zapier, whichever of Zapier's APIs the credential speaks: apps, actions,
 * connected accounts, input fields and their choices, and runs. Operations, pickers and callbacks
 * speak this only; each API's paths, bodies and answers stay in its own dialect, behind the one
 * request door (transport/request.ts). What the dialects return is the node's model, in the shapes
 * of Zapier's Partner API.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ActionRun } from '../../helpers/runStatus';
import type { ZapierContext, ZapierResponse } from '../request';

export const ACTION_TYPES = ['WRITE', 'SEARCH', 'READ', 'READ_BULK', 'SEARCH_AND_WRITE', 'SEARCH_OR_WRITE'] as const;

export interface FieldsRequest {
	actionId: string;
	authentication: string | null;
	inputs: IDataObject;
}

/** What is sent to create a run: the action and account the pickers name, the inputs, where to call back. */
export interface RunRequest {
	action: string;
	authentication: string | null;
	inputs: IDataObject;
	callback_url?: string;
	/** The page of a read_bulk action's results to run for: the `next_page` of the run before. */
	page?: string;
}

export interface ZapierDialect {
	/** One page of the apps matching `query` (or of all apps), and the cursor of the next. */
	appsPage(ctx: ZapierContext, query: string | undefined, cursor?: string): Promise<{ apps: IDataObject[]; next?: string }>;
	/** Every app matching `query`. */
	apps(ctx: ZapierContext, query?: string): Promise<IDataObject[]>;
	app(ctx: ZapierContext, id: string): Promise<IDataObject | undefined>;
	/** The app's actions, of one type when given. */
	actions(ctx: ZapierContext, app: string, actionType?: string): Promise<IDataObject[]>;
	/** The user's connected accounts for the app. */
	authentications(ctx: ZapierContext, app: string): Promise<IDataObject[]>;
	inputFields(ctx: ZapierContext, request: FieldsRequest): Promise<IDataObject[]>;
	/** Every choice of a SELECT field. */
	choices(ctx: ZapierContext, request: FieldsRequest, fieldId: string): Promise<IDataObject[]>;
	/** Sends the creation of a run (a `create` request: never sent again once it may have reached Zapier). */
	/** A run that the rate limit would hold past `sendBy` is not sent. */
	createRun(ctx: ZapierContext, run: RunRequest, itemIndex: number, sendBy?: number): Promise<ZapierResponse>;
	/** The run as Zapier has it now, and how busy the credential's request budget is after asking. */
	readRun(ctx: ZapierContext, id: string, itemIndex: number, deadline?: number): Promise<{ run: ActionRun; pressure: number }>;
	/** The ID Zapier's answer to `createRun` gives the run (checked by the caller). */
	createdRunId(response: ZapierResponse): unknown;
}

import type { IExecuteFunctions } from 'n8n-workflow';

import { ActionResolver } from '../helpers/catalog';

/** What the items of one execution share: one action lookup per app. */
export interface ExecutionShared {
	actions: ActionResolver;
}

export function executionShared(ctx: IExecuteFunctions): ExecutionShared {
	return { actions: new ActionResolver(ctx) };
}

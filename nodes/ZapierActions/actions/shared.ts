import type { IExecuteFunctions } from 'n8n-workflow';

import { ActionResolver } from '../helpers/catalog';
import { RunDurations } from '../transport/poll';

/** What the items of one execution share: one action lookup per app, and how long runs take. */
export interface ExecutionShared {
	actions: ActionResolver;
	durations: RunDurations;
}

export function executionShared(ctx: IExecuteFunctions): ExecutionShared {
	return { actions: new ActionResolver(ctx), durations: new RunDurations() };
}

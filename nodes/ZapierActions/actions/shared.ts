import type { IExecuteFunctions } from 'n8n-workflow';

import { ActionResolver } from '../helpers/catalog';
import { RunDurations } from '../transport/poll';
import type { ItemRuns } from './itemRuns';
import { itemRunsOf } from './itemRuns';

/** What the items of one execution share: one action lookup per app, how long runs take, and the runs made. */
export interface ExecutionShared {
	actions: ActionResolver;
	durations: RunDurations;
	runs: ItemRuns;
}

export function executionShared(ctx: IExecuteFunctions): ExecutionShared {
	return { actions: new ActionResolver(ctx), durations: new RunDurations(), runs: itemRunsOf(ctx) };
}

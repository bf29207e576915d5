import type { IExecuteFunctions } from 'n8n-workflow';

import { checkAuthentication, readLocator, resolveActionId } from '../helpers/locators';
import { need } from '../helpers/validate';
import type { ActionResolver } from '../transport/actionIds';

export interface Picks {
	authentication: string | null;
	action: string;
	/** Whether the action was picked from the list (by key), so that a fresh ID can be looked up. */
	byKey: boolean;
}

/**
 * The picked account and action of an item, checked; the action's current ID looked up if needed
 * (again, when `stale` is the ID Zapier just refused as expired).
 */
export async function readPicks(ctx: IExecuteFunctions, itemIndex: number, resolver: ActionResolver, stale?: string): Promise<Picks> {
	const node = ctx.getNode();
	const authentication = need(node, 'Connection', checkAuthentication(ctx.getNodeParameter('authenticationId', itemIndex, '')), itemIndex);
	const app = ctx.getNodeParameter('app', itemIndex, '', { extractValue: true }) as string;
	const raw = ctx.getNodeParameter('action', itemIndex);
	const action = need(node, 'Action', await resolveActionId(raw, app, resolver.idFor, stale), itemIndex);
	return { authentication, action, byKey: readLocator(raw).mode === 'list' };
}

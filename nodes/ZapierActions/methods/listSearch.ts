import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { actionTypeLabel, NO_ACCOUNT } from '../helpers/locators';
import { dialectOf } from '../transport/api/dialect';
import { isEmpty } from '../helpers/validate';

function matches(filter: string | undefined, ...texts: unknown[]): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return texts.some((text) => typeof text === 'string' && text.toLowerCase().includes(needle));
}

function chosenApp(ctx: ILoadOptionsFunctions): string {
	const app = ctx.getCurrentNodeParameter('app', { extractValue: true });
	if (typeof app !== 'string' || isEmpty(app)) {
		throw new NodeOperationError(ctx.getNode(), 'Choose an App first');
	}
	return app;
}

/** Apps matching the search, a page at a time (Zapier has thousands). */
export async function searchApps(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const page = await dialectOf(this).appsPage(this, filter, paginationToken);
	const results = page.apps.map((app): INodeListSearchItems => {
		const images = (app.images ?? {}) as IDataObject;
		const icon = (images.url_32x32 ?? app.image) as string | undefined;
		return { name: String(app.title), value: String(app.id), description: app.description as string, ...(icon && { icon }) };
	});
	return { results, paginationToken: page.next };
}

/** The app's actions, valued by their stable key. */
export async function searchActions(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const actionType = (this.getCurrentNodeParameter('actionType') as string | undefined) || undefined;
	const actions = await dialectOf(this).actions(this, chosenApp(this), actionType);
	const results = actions
		.filter((action) => matches(filter, action.title, action.key, action.description))
		.map((action) => ({
			name: `${String(action.title)} (${actionTypeLabel(action.action_type)})`,
			value: String(action.key),
			description: action.description as string,
		}));
	return { results };
}

/** The app's triggers (its read actions), for the Zapier Trigger node. */
export async function searchTriggers(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const triggers = await dialectOf(this).actions(this, chosenApp(this), 'READ');
	const results = triggers
		.filter((trigger) => matches(filter, trigger.title, trigger.key, trigger.description))
		.map((trigger) => ({ name: String(trigger.title), value: String(trigger.key), description: trigger.description as string }));
	return { results };
}

/** The user's connected accounts for the app; expired ones are flagged, and "none" offered when the app needs no account. */
export async function searchAuthentications(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const appId = chosenApp(this);
	const zapier = dialectOf(this);
	const [app, accounts] = await Promise.all([zapier.app(this, appId), zapier.authentications(this, appId)]);
	const connectLink = ((app?.links ?? {}) as IDataObject).connect_new_authentication as string | null | undefined;
	const results: INodeListSearchItems[] = accounts
		.filter((account) => matches(filter, account.title, account.id))
		.map((account) => ({
			name: account.is_expired ? `${String(account.title)} (expired: reconnect it in Zapier)` : String(account.title),
			value: String(account.id),
		}));
	if (connectLink === null) results.unshift({ name: 'None (this app needs no account)', value: NO_ACCOUNT });
	else if (!accounts.length && connectLink) {
		results.push({ name: 'No account connected: connect one in Zapier (opens the link)', value: NO_ACCOUNT, url: connectLink });
	}
	return { results };
}

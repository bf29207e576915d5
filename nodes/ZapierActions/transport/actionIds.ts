import type { ActionLookup } from '../helpers/locators';
import { dialectOf } from './api/dialect';
import type { ZapierContext } from './request';

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
				ids: dialectOf(this.ctx)
					.actions(this.ctx, app)
					.then((actions) => {
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

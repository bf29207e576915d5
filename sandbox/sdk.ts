/**
 * The API behind Zapier's SDK (client credentials), from the same catalog as the Partner API: apps
 * (`implementations-meta`), their actions (`implementations`), input fields (`needs`), choices and
 * connections (`authentications`), all under SDK_PREFIX; runs are in sdkRuns.ts. Paths are matched
 * as sent, trailing slash and all, as Zapier's strict server does: the wrong slash is a 404.
 */
import type { ServerResponse } from 'node:http';

import type { CatalogApp } from './catalog';
import { APPS, choices, inputFields } from './catalog';
import type { Host, RateLimitConfig } from './config';
import type { Replies, Request } from './http';
import type { Answer } from './inboxModel';
import type { ApiRoute, FaultRoute, Gate } from './limits';
import type { ClientTokens } from './clientTokens';
import type { Connection } from './sdkModel';
import {
	CONNECTIONS,
	INBOX_PREFIX,
	SDK_PREFIX,
	SDK_VERSION,
	actionOfSdkId,
	appOfImplementation,
	appOfSelectedApi,
	connectionOf,
	flatFields,
	implementationName,
	needsOf,
	sdkActionId,
	sdkActionType,
	sdkChoice,
	selectedApi,
} from './sdkModel';

/** A route under `prefix` by its name (`METHOD path-after-the-prefix`, `:params` for path segments), matched as sent. */
function prefixedRoute(
	prefix: string,
	name: FaultRoute,
	handler: ApiRoute['handler'],
	extra: Pick<ApiRoute, 'validate' | 'commit'>,
): ApiRoute {
	const [method, path] = name.split(' ');
	const source = (prefix + path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[a-z]+/g, '([^/]+)');
	return { method, pattern: new RegExp(`^${source}$`), exact: true, name, handler, ...extra };
}

/** A route of the SDK API (under SDK_PREFIX). */
export function sdkRoute(name: FaultRoute, handler: ApiRoute['handler'], extra: Pick<ApiRoute, 'validate' | 'commit'> = {}): ApiRoute {
	return prefixedRoute(SDK_PREFIX, name, handler, extra);
}

/**
 * A route of the Trigger Inbox (under INBOX_PREFIX), with the same tokens and rate limit window as the
 * SDK API's. Its answer is worked out once per request: by a committing fault first (a lease made,
 * say, whose answer is then dropped), or by the route itself.
 */
export function inboxRoute(name: FaultRoute, replies: Replies, answer: (request: Request, params: string[]) => Answer): ApiRoute {
	const answers = new WeakMap<Request, Answer>();
	const once = (request: Request) => {
		let found = answers.get(request);
		if (!found) {
			const params = (route.pattern as RegExp).exec(request.url.pathname)!.slice(1).map(decodeURIComponent);
			answers.set(request, (found = answer(request, params)));
		}
		return found;
	};
	const route = prefixedRoute(
		INBOX_PREFIX,
		name,
		(request) => {
			const { status, body } = once(request);
			replies.json(request.res, status, body);
		},
		{ commit: (request) => void once(request) },
	);
	return route;
}

/** Who may call the SDK API (client-credential tokens, as `JWT`), and the quota text its 429 carries. */
export function sdkGate(tokens: ClientTokens): Gate {
	return {
		authenticate: (req, res) => tokens.authenticate(req, res),
		throttled: (limit: RateLimitConfig) => ({
			errors: [
				{
					code: 'throttled',
					title: 'Too many requests',
					detail: `Rate limit of ${limit.limit} requests per ${+(limit.windowMs / 1000).toFixed(3)} seconds exceeded. Ask Zapier for a higher quota.`,
				},
			],
		}),
	};
}

/** A request the SDK API cannot read at all: `{errors: [...]}` with a 400. */
const badRequest = (detail: string) => ({ errors: [{ code: 'invalid', title: 'Bad request', detail }] });

export class SdkDiscovery {
	readonly routes: ApiRoute[] = [
		sdkRoute('GET /v4/implementations-meta/search/', ({ url, res }) => this.search(url, res)),
		sdkRoute('GET /v4/implementations-meta/lookup/', ({ url, res }) => this.lookup(url, res)),
		sdkRoute('GET /v4/implementations/', ({ url, res }) => this.implementations(url, res)),
		sdkRoute('POST /v4/implementations/needs/', (request) => this.needs(request)),
		sdkRoute('POST /v4/implementations/choices/', (request) => this.choices(request)),
		sdkRoute('GET /v4/authentications', ({ url, res }) => this.connections(url, res)),
		sdkRoute('GET /v4/authentications/:id/', ({ res }, [id]) => this.connection(id, res)),
	];

	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
	) {}

	private app(app: CatalogApp) {
		const base = this.host.url;
		const id = selectedApi(app);
		return {
			id,
			key: implementationName(app),
			implementation_id: id,
			name: app.title,
			title: app.title,
			slug: app.slug,
			description: app.description,
			images: {
				url_16x16: `${base}/static/${app.slug}-16.png`,
				url_32x32: `${base}/static/${app.slug}-32.png`,
				url_64x64: `${base}/static/${app.slug}-64.png`,
				url_128x128: `${base}/static/${app.slug}-128.png`,
			},
			version: SDK_VERSION,
			// Apps such as Formatter run without a connected account.
			is_built_in: !app.needsAccount,
		};
	}

	private search(url: URL, res: ServerResponse): void {
		const term = (url.searchParams.get('term') ?? '').toLowerCase();
		const found = APPS.filter((app) => app.title.toLowerCase().includes(term) || app.slug.includes(term));
		this.replies.json(res, 200, { results: found.map((app) => this.app(app)) });
	}

	/** Apps by their IDs (`Impl@1.0.0` or `Impl@latest`; unknown ones left out), by slugs, or all with `latest_only=true`. */
	private lookup(url: URL, res: ServerResponse): void {
		const query = url.searchParams;
		const list = (name: string) => (query.get(name) ?? '').split(',').filter(Boolean);
		const [ids, slugs] = [list('selected_apis'), list('slugs')];
		let apps: CatalogApp[];
		if (ids.length) apps = APPS.filter((app) => ids.some((id) => appOfSelectedApi(id, true) === app));
		else if (slugs.length) apps = APPS.filter((app) => slugs.includes(app.slug));
		else apps = query.get('latest_only') === 'true' ? APPS : [];
		this.page(
			url,
			apps.map((app) => this.app(app)),
			res,
		);
	}

	private implementations(url: URL, res: ServerResponse): void {
		const query = url.searchParams;
		if (query.get('global') !== 'true' || query.get('public_only') !== 'false' || !query.has('selected_apis')) {
			return this.replies.json(res, 400, badRequest('Send global=true, public_only=false and selected_apis.'));
		}
		const apps = (query.get('selected_apis') ?? '').split(',').flatMap((id) => appOfSelectedApi(id) ?? []);
		const results = apps.map((app) => ({
			selected_api: selectedApi(app),
			actions: app.actions.map((action) => ({
				id: sdkActionId(app, action),
				key: action.key,
				name: action.title,
				type: sdkActionType(action),
				description: action.description,
				is_hidden: action.hidden === true,
				is_important: true,
				selected_api: selectedApi(app),
			})),
		}));
		this.replies.json(res, 200, { results });
	}

	/** The action's needs for these params; what is wrong is told as `success: false` on a 200, as Zapier does. */
	private needs(request: Request): void {
		const body = this.body(request);
		if (!body) return;
		const app = appOfSelectedApi(body.selected_api);
		if (!app) return this.failure(request.res, `Unknown selected_api ${JSON.stringify(body.selected_api)}.`);
		const action = app.actions.find((candidate) => candidate.key === body.action && sdkActionType(candidate) === body.type_of);
		if (!action)
			return this.failure(request.res, `No ${String(body.type_of)} action ${JSON.stringify(body.action)} in ${selectedApi(app)}.`);
		const params = this.params(request.res, body, app);
		if (!params) return;
		const needs = needsOf(inputFields(action.fields, params), (fieldId) => choices(action.fields, fieldId, params));
		this.replies.json(request.res, 200, { success: true, needs, schema: {} });
	}

	/** One page (from 0) of a field's choices; the action is named by its listing ID. */
	private choices(request: Request): void {
		const body = this.body(request);
		if (!body) return;
		const found = actionOfSdkId(body.action_id);
		if (!found)
			return this.failure(request.res, `Unknown action_id ${JSON.stringify(body.action_id)}: send the action's id from the listing.`);
		const params = this.params(request.res, body, found.app);
		if (!params) return;
		const kind = found.action.fields;
		const fieldId = body.input_field_id;
		if (!flatFields(inputFields(kind, params)).some((field) => field.id === fieldId)) {
			return this.failure(request.res, `The action "${found.action.key}" has no field ${JSON.stringify(fieldId)} with these params.`);
		}
		const page = body.page ?? 0;
		if (typeof page !== 'number' || !Number.isInteger(page) || page < 0) {
			return this.failure(request.res, `The page must be a number from 0, not ${JSON.stringify(page)}.`);
		}
		const all = choices(kind, String(fieldId), params).map(sdkChoice);
		const size = this.host.config.choicesPageSize;
		const more = (page + 1) * size < all.length;
		this.replies.json(request.res, 200, {
			success: true,
			choices: all.slice(page * size, (page + 1) * size),
			next_page: this.host.config.loopNextLinks ? page : more ? page + 1 : null,
		});
	}

	/** The user's connections: of one app (its unversioned name), active (`stale=false`), expired (`stale=true`) or all. */
	private connections(url: URL, res: ServerResponse): void {
		const query = url.searchParams;
		const app = query.has('versionless_selected_api') ? appOfImplementation(query.get('versionless_selected_api')) : undefined;
		const ids = (query.get('ids') ?? '').split(',').filter(Boolean);
		const search = (query.get('search') ?? '').toLowerCase();
		const stale = query.get('stale');
		const found = CONNECTIONS.filter(
			(connection) =>
				(!query.has('versionless_selected_api') || connection.app === app) &&
				(stale === null || String(connection.isStale) === stale) &&
				(!ids.length || ids.includes(String(connection.id))) &&
				connection.title.toLowerCase().includes(search),
		);
		this.page(
			url,
			found.map((connection) => this.connectionBody(connection)),
			res,
		);
	}

	private connection(id: string, res: ServerResponse): void {
		const connection = /^\d+$/.test(id) ? connectionOf(id) : undefined;
		if (!connection)
			return this.replies.json(res, 404, { errors: [{ code: 'not_found', title: 'Not found', detail: `No connection "${id}".` }] });
		this.replies.json(res, 200, this.connectionBody(connection));
	}

	private connectionBody(connection: Connection) {
		return {
			id: connection.id,
			title: connection.title,
			is_stale: connection.isStale,
			marked_stale_at: connection.isStale ? connection.date : null,
			selected_api: selectedApi(connection.app),
			account_id: 1,
			date: connection.date,
		};
	}

	/**
	 * A page of a list by `limit` (by default, and at most, the page size) and `offset`; `next` and
	 * `previous` are absolute URLs with the same query.
	 */
	private page(url: URL, items: unknown[], res: ServerResponse): void {
		const most = this.host.config.sdkPageSize;
		const asked = Number(url.searchParams.get('limit') ?? most);
		const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, most) : most;
		const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0) || 0);
		const self = `${this.host.url}${url.pathname}${url.search}`;
		const link = (at: number) => {
			const target = new URL(self);
			target.searchParams.set('offset', String(at));
			return target.toString();
		};
		const next = this.host.config.loopNextLinks ? self : offset + limit < items.length ? link(offset + limit) : null;
		this.replies.json(res, 200, {
			count: items.length,
			next,
			previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
			results: items.slice(offset, offset + limit),
		});
	}

	/** The JSON body of a needs or choices request, or a 400 when there is none. */
	private body({ req, raw, res }: Request): Record<string, unknown> | undefined {
		let body: unknown;
		try {
			body = req.headers['content-type']?.includes('application/json') ? JSON.parse(raw) : undefined;
		} catch {
			body = undefined;
		}
		if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
		this.replies.json(res, 400, badRequest('Send a JSON object.'));
		return undefined;
	}

	/** The params so far, once the connection (if any) is known to be one of the app's. */
	private params(res: ServerResponse, body: Record<string, unknown>, app: CatalogApp): Record<string, unknown> | undefined {
		const { authentication_id: id, params = {} } = body;
		if (id !== undefined && id !== null && connectionOf(id)?.app !== app) {
			this.failure(res, `No connection ${JSON.stringify(id)} of ${selectedApi(app)}.`);
			return undefined;
		}
		if (!params || typeof params !== 'object' || Array.isArray(params)) {
			this.failure(res, 'The params must be an object of the inputs so far.');
			return undefined;
		}
		return params as Record<string, unknown>;
	}

	private failure(res: ServerResponse, error: string): void {
		this.replies.json(res, 200, { success: false, errors: [error] });
	}
}

/** Zapier's discovery lists (apps, actions, authentications, inputs, choices), paged, and the action IDs they hand out. */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import type { CatalogAction, CatalogApp } from './catalog';
import { APPS, choices, inputFields } from './catalog';
import type { Host } from './config';
import type { Problem, Replies } from './http';
import { apiError } from './http';
import type { ApiRoute } from './limits';

/** The app's actions the Partner API lists. */
const partnerActions = (app: CatalogApp) => app.actions.filter((action) => !action.sdkOnly);

export class Discovery {
	readonly routes: ApiRoute[] = [
		{ method: 'GET', pattern: '/v2/apps', name: 'GET /v2/apps', handler: ({ url, res }) => this.listApps(url, res) },
		{ method: 'GET', pattern: '/v2/actions', name: 'GET /v2/actions', handler: ({ url, res }) => this.listActions(url, res) },
		{
			method: 'GET',
			pattern: '/v2/authentications',
			name: 'GET /v2/authentications',
			handler: ({ url, res }) => this.listAuthentications(url, res),
		},
		{
			method: 'POST',
			pattern: /^\/v2\/actions\/([^/]+)\/inputs$/,
			name: 'POST /v2/actions/:id/inputs',
			handler: ({ raw, res }, [id]) => this.listInputs(id, raw, res),
		},
		{
			method: 'POST',
			pattern: /^\/v2\/actions\/([^/]+)\/inputs\/([^/]+)\/choices$/,
			name: 'POST /v2/actions/:id/inputs/:input/choices',
			handler: ({ url, raw, res }, [id, fieldId]) => this.listChoices(id, fieldId, url, raw, res),
		},
	];
	/** Action IDs handed out by lookups. */
	private actionIds = new Map<string, { app: CatalogApp; action: CatalogAction; issuedAt: number }>();

	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
	) {}

	reset(): void {
		this.actionIds.clear();
	}

	/** An action ID must come from a lookup that has not expired (unknown IDs may be allowed). */
	checkActionId(id: string): Problem | undefined {
		const issued = this.actionIds.get(id);
		const pointer = '/data/action';
		if (issued && Date.now() - issued.issuedAt > this.host.config.actionIdTtlMs) {
			return { code: 'invalid', title: 'ValidationError', detail: `The action ID "${id}" has expired. Look the action up again.`, pointer };
		}
		if (!issued && !this.host.config.acceptUnknownActionIds) {
			return { code: 'invalid', title: 'ValidationError', detail: `Unknown action ID "${id}".`, pointer };
		}
		return undefined;
	}

	/** The key of the action a lookup handed this ID out for. */
	actionKey(id: string): string | undefined {
		return this.actionIds.get(id)?.action.key;
	}

	private issueActionId(app: CatalogApp, action: CatalogAction): string {
		if (!this.host.config.rotateActionIds) {
			const existing = [...this.actionIds.entries()].find(([, v]) => v.app === app && v.action === action);
			if (existing) return existing[0];
		}
		const id = `${app.slug}_core:${randomBytes(4).toString('hex')}`;
		this.actionIds.set(id, { app, action, issuedAt: Date.now() });
		return id;
	}

	private page<T>(url: URL, items: T[], res: ServerResponse): void {
		const limit = Math.max(1, Number(url.searchParams.get('limit') ?? this.host.config.pageSize));
		const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0));
		const link = (at: number) => {
			const next = new URL(this.selfLink(url));
			next.searchParams.set('offset', String(at));
			next.searchParams.set('limit', String(limit));
			return next.toString();
		};
		const next = this.host.config.loopNextLinks ? this.selfLink(url) : offset + limit < items.length ? link(offset + limit) : null;
		this.replies.json(res, 200, {
			links: { next, prev: offset > 0 ? link(Math.max(0, offset - limit)) : null },
			meta: { count: items.length, limit, offset },
			data: items.slice(offset, offset + limit),
		});
	}

	/** The absolute URL of the page being served. */
	private selfLink(url: URL): string {
		return url.toString().replace('http://127.0.0.1', this.host.url);
	}

	private appById(id: string | null): CatalogApp | undefined {
		return APPS.find((app) => app.id === id);
	}

	private listApps(url: URL, res: ServerResponse): void {
		const base = this.host.url;
		const query = (url.searchParams.get('query') ?? '').toLowerCase();
		const apps = APPS.filter((app) => !query || app.title.toLowerCase().includes(query)).map((app) => ({
			id: app.id,
			title: app.title,
			description: app.description,
			image: `${base}/static/${app.slug}.png`,
			images: {
				url_16x16: `${base}/static/${app.slug}-16.png`,
				url_32x32: `${base}/static/${app.slug}-32.png`,
				url_64x64: `${base}/static/${app.slug}-64.png`,
				url_128x128: `${base}/static/${app.slug}-128.png`,
			},
			action_types: [...new Set(partnerActions(app).map((a) => a.action_type))],
			links: { connect_new_authentication: app.needsAccount ? `${base}/connect/${app.slug}` : null },
		}));
		this.page(url, apps, res);
	}

	private listActions(url: URL, res: ServerResponse): void {
		const app = this.appById(url.searchParams.get('app'));
		if (!app) return this.replies.json(res, 400, apiError(400, 'invalid', 'ValidationError', 'Unknown app.', undefined, 'app'));
		const type = url.searchParams.get('action_type');
		const actions = partnerActions(app)
			.filter((action) => !type || action.action_type === type)
			.map((action) => ({
				id: this.issueActionId(app, action),
				key: action.key,
				app: app.id,
				type: 'action',
				action_type: action.action_type,
				is_instant: false,
				title: action.title,
				description: action.description,
			}));
		this.page(url, actions, res);
	}

	private listAuthentications(url: URL, res: ServerResponse): void {
		const app = this.appById(url.searchParams.get('app'));
		if (!app) return this.replies.json(res, 400, apiError(400, 'invalid', 'ValidationError', 'Unknown app.', undefined, 'app'));
		this.page(
			url,
			app.authentications.map((auth) => ({ ...auth, app: app.id })),
			res,
		);
	}

	/** The action behind a discovery call, or an answer saying why there is none. */
	private actionFor(id: string, res: ServerResponse): CatalogAction | undefined {
		const issued = this.actionIds.get(id);
		if (!issued) {
			this.replies.json(res, 404, apiError(404, 'not_found', 'NotFound', `Unknown action ID "${id}".`));
			return undefined;
		}
		return issued.action;
	}

	private listInputs(id: string, raw: string, res: ServerResponse): void {
		const action = this.actionFor(id, res);
		if (!action) return;
		const inputs = (JSON.parse(raw || '{}').data?.inputs ?? {}) as Record<string, unknown>;
		this.replies.json(res, 200, { data: inputFields(action.fields, inputs) });
	}

	private listChoices(id: string, fieldId: string, url: URL, raw: string, res: ServerResponse): void {
		const action = this.actionFor(id, res);
		if (!action) return;
		const inputs = (JSON.parse(raw || '{}').data?.inputs ?? {}) as Record<string, unknown>;
		const all = choices(action.fields, fieldId, inputs).map((c, i) => ({ id: String(i), type: 'choice', ...c }));
		const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
		const size = this.host.config.choicesPageSize;
		const data = all.slice((page - 1) * size, page * size);
		const next =
			page * size < all.length
				? `${this.host.url}/v2/actions/${encodeURIComponent(id)}/inputs/${encodeURIComponent(fieldId)}/choices?page=${page + 1}`
				: null;
		this.replies.json(res, 200, {
			links: { next: this.host.config.loopNextLinks ? this.selfLink(url) : next, prev: null },
			meta: { page },
			data,
		});
	}
}

/**
 * A local stand-in for Zapier's Powered by Zapier API: action runs and an OAuth2 token endpoint,
 * validating requests as Zapier's schema does, with switches for timing, outcomes, faults and rate
 * limits, and counters for tests to assert on. Listens on 127.0.0.1 only.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { CatalogAction, CatalogApp } from './catalog';
import { APPS, choices, inputFields } from './catalog';

export type PendingStatus = 'waiting' | 'queued' | 'running' | 'missing' | 'http202';
export type ResultShape = 'array' | 'object' | 'empty';

export interface RateLimitConfig {
	limit: number;
	windowMs: number;
	cooldownMs: number;
	retryAfter: 'seconds' | 'date' | 'none';
	reset: 'epoch' | 'seconds' | 'none';
}

export interface SandboxConfig {
	clientId: string;
	clientSecret: string;
	/** Lifetime of access tokens (Zapier: 10 hours). */
	tokenTtlSeconds: number;
	/** How long a run takes before it finishes. */
	runDurationMs: number;
	/** What an unfinished run says of itself. */
	pendingStatus: PendingStatus;
	resultShape: ResultShape;
	/** When set, every run ends in error with this code. */
	runErrorCode: string | null;
	/** Added before every answer. */
	latencyMs: number;
	rateLimit: RateLimitConfig | null;
	/** How long an action ID from `GET /v2/actions` keeps working. */
	actionIdTtlMs: number;
	/** Whether every lookup hands out new action IDs (Zapier's do change). */
	rotateActionIds: boolean;
	/** Whether an action ID that no lookup handed out may still run (free-form IDs). */
	acceptUnknownActionIds: boolean;
	/** Page sizes of the discovery lists. */
	pageSize: number;
	choicesPageSize: number;
	/** Whether every page of a discovery list links to itself as the next page, forever. */
	loopNextLinks: boolean;
	/** When set, a refresh at the token endpoint answers this status and rotates nothing. */
	tokenEndpointStatus: number | null;
}

/** Overrides for one run, taken in the order runs are created. */
export interface RunScript {
	durationMs?: number;
	errorCode?: string;
	delay?: number;
	resultShape?: ResultShape;
	/** Ends with `status: success` but a non-empty `errors`. */
	errorsWithSuccess?: boolean;
	/** Raw outcome: when any is given, the finished run reads as exactly these (status defaults to success, the lists to []). */
	status?: string;
	results?: unknown;
	errors?: unknown;
}

/** What the next request to a route meets instead of (or before) a normal answer. */
export interface Fault {
	status?: number;
	drop?: boolean;
	delayMs?: number;
	malformed?: boolean;
	retryAfter?: string;
	headers?: Record<string, string>;
	detail?: string;
	pointer?: string;
	/** For POST: whether the run is created before the fault (default: only for drop, malformed and slowBodyMs). */
	commit?: boolean;
	/** Answers this redirect with a JSON `{}` body. */
	redirect?: { status: number; location: string };
	/** Answers exactly this JSON body, with `status` (default 200). */
	body?: unknown;
	/** Sends the headers, then the answer's body one byte every this many ms (no Content-Length). */
	slowBodyMs?: number;
}

/** The routes faults can be injected on, named as the request counters name them. */
export const FAULT_ROUTES = [
	'POST /v2/action-runs',
	'GET /v2/action-runs/:id',
	'GET /v2/apps',
	'GET /v2/actions',
	'GET /v2/authentications',
	'POST /v2/actions/:id/inputs',
	'POST /v2/actions/:id/inputs/:input/choices',
] as const;
export type FaultRoute = (typeof FAULT_ROUTES)[number];

/** The action-run routes, by the method `injectFaults` has always taken. */
const RUN_ROUTES = { POST: 'POST /v2/action-runs', GET: 'GET /v2/action-runs/:id' } as const;

const isFaultRoute = (route: string): route is FaultRoute => (FAULT_ROUTES as readonly string[]).includes(route);

export interface Counters {
	requests: Record<string, number>;
	/** The latest API requests, oldest first: route, arrival time and the status answered. */
	log: Array<{ route: string; at: number }>;
	runsCreated: number;
	rateLimited: number;
	tokensIssued: number;
	refreshes: number;
}

interface Run {
	id: string;
	createdAt: number;
	/** When a read first answered that the run had finished. */
	seenFinishedAt?: number;
	action: string;
	actionKey?: string;
	authentication: string | null;
	inputs: Record<string, unknown>;
	durationMs: number;
	errorCode: string | null;
	delay?: number;
	resultShape: ResultShape;
	errorsWithSuccess: boolean;
	outcome?: { status: string; results: unknown; errors: unknown };
}

interface Token {
	expiresAt: number;
}

export const DEFAULT_CONFIG: SandboxConfig = {
	clientId: 'sandbox-client',
	clientSecret: 'sandbox-secret',
	tokenTtlSeconds: 36_000,
	runDurationMs: 300,
	pendingStatus: 'waiting',
	resultShape: 'array',
	runErrorCode: null,
	latencyMs: 0,
	rateLimit: null,
	actionIdTtlMs: 10 * 60_000,
	rotateActionIds: true,
	acceptUnknownActionIds: true,
	pageSize: 4,
	choicesPageSize: 10,
	loopNextLinks: false,
	tokenEndpointStatus: null,
};

const ERROR_TITLES: Record<string, string> = {
	user: 'Invalid input',
	authentication: 'Authentication failed',
	partner: 'The app returned an error',
	system: 'Zapier system error',
	throttled: 'Throttled by the app',
	system_throttled: 'Throttled by Zapier',
	hydration: 'Could not hydrate inputs',
};

function noFaults(): Record<FaultRoute, Fault[]> {
	return Object.fromEntries(FAULT_ROUTES.map((route) => [route, []])) as unknown as Record<FaultRoute, Fault[]>;
}

function newCounters(): Counters {
	return { requests: {}, log: [], runsCreated: 0, rateLimited: 0, tokensIssued: 0, refreshes: 0 };
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

export class ZapierSandbox {
	config: SandboxConfig = { ...DEFAULT_CONFIG };
	counters: Counters = newCounters();
	readonly runs = new Map<string, Run>();
	private script: RunScript[] = [];
	private faults = noFaults();
	/** Answers whose body is being sent slowly, with the ms between bytes. */
	private slowBodies = new WeakMap<ServerResponse, number>();
	private drips = new Set<NodeJS.Timeout>();
	private accessTokens = new Map<string, Token>();
	private refreshTokens = new Set<string>();
	private codes = new Set<string>();
	/** Action IDs handed out by lookups. */
	private actionIds = new Map<string, { app: CatalogApp; action: CatalogAction; issuedAt: number }>();
	private window = { startedAt: 0, count: 0, cooldownUntil: 0 };
	private server?: Server;
	url = '';

	constructor(config: Partial<SandboxConfig> = {}) {
		Object.assign(this.config, config);
	}

	async start(port = 0): Promise<string> {
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((error: Error) => {
				if (!res.headersSent) this.json(res, 500, apiError(500, 'error', 'APIException', error.message));
			});
		});
		this.server.keepAliveTimeout = 1000;
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		for (const timer of this.drips) clearInterval(timer);
		this.drips.clear();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	/** Forgets runs, tokens, faults and counters, and goes back to the given config. */
	reset(config: Partial<SandboxConfig> = {}): void {
		this.config = { ...DEFAULT_CONFIG, ...config };
		this.counters = newCounters();
		this.runs.clear();
		this.script = [];
		this.faults = noFaults();
		this.window = { startedAt: 0, count: 0, cooldownUntil: 0 };
		this.actionIds.clear();
	}

	configure(config: Partial<SandboxConfig>): void {
		Object.assign(this.config, config);
	}

	scriptRuns(...runs: RunScript[]): void {
		this.script.push(...runs);
	}

	/** The next `faults.length` requests of that method to /v2/action-runs meet these faults. */
	injectFaults(method: 'POST' | 'GET', ...faults: Fault[]): void {
		this.injectRouteFaults(RUN_ROUTES[method], ...faults);
	}

	/** The next `faults.length` requests to that route (one of FAULT_ROUTES) meet these faults. */
	injectRouteFaults(route: string, ...faults: Fault[]): void {
		if (!isFaultRoute(route)) throw new Error(`No route "${route}" to inject faults on; one of: ${FAULT_ROUTES.join(', ')}.`);
		this.faults[route].push(...faults);
	}

	/** Issues a connected token pair, as if a user had just authorised. */
	issueTokens(): { access_token: string; refresh_token: string; token_type: string; expires_in: number; scope: string } {
		const access = `at_${randomBytes(12).toString('hex')}`;
		const refresh = `rt_${randomBytes(12).toString('hex')}`;
		this.accessTokens.set(access, { expiresAt: Date.now() + this.config.tokenTtlSeconds * 1000 });
		this.refreshTokens.add(refresh);
		this.counters.tokensIssued++;
		return {
			access_token: access,
			refresh_token: refresh,
			token_type: 'Bearer',
			expires_in: this.config.tokenTtlSeconds,
			scope: 'zap zap:write action:run connection:read',
		};
	}

	/** Every access token issued so far stops working now. */
	expireAccessTokens(): void {
		for (const token of this.accessTokens.values()) token.expiresAt = 0;
	}

	/** Every refresh token issued so far stops working now. */
	revokeRefreshTokens(): void {
		this.refreshTokens.clear();
	}

	isRefreshTokenValid(token: string): boolean {
		return this.refreshTokens.has(token);
	}

	state() {
		return {
			config: this.config,
			counters: this.counters,
			runs: [...this.runs.values()].map((run) => ({ id: run.id, action: run.action, inputs: run.inputs })),
			pendingFaults: this.pendingFaults(),
			pendingScript: this.script.length,
		};
	}

	/** Per route; the action-run routes keep the keys POST and GET. */
	private pendingFaults(): { POST: number; GET: number } & Partial<Record<FaultRoute, number>> {
		const pending: { POST: number; GET: number } & Partial<Record<FaultRoute, number>> = {
			POST: this.faults[RUN_ROUTES.POST].length,
			GET: this.faults[RUN_ROUTES.GET].length,
		};
		for (const route of FAULT_ROUTES) {
			if (route !== RUN_ROUTES.POST && route !== RUN_ROUTES.GET) pending[route] = this.faults[route].length;
		}
		return pending;
	}

	private count(route: string): void {
		this.counters.requests[route] = (this.counters.requests[route] ?? 0) + 1;
		this.counters.log.push({ route, at: Date.now() });
		if (this.counters.log.length > 100_000) this.counters.log.shift();
	}

	private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const slowMs = this.slowBodies.get(res);
		if (slowMs) return this.drip(res, status, JSON.stringify(body), headers, slowMs);
		res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	}

	/** Headers now, then the body a byte at a time, for as long as the client stays. */
	private drip(res: ServerResponse, status: number, text: string, headers: Record<string, string>, everyMs: number): void {
		// No Content-Length: the body goes out chunked, so the client keeps reading until the end.
		res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
		res.flushHeaders();
		const bytes = Buffer.from(text);
		let at = 0;
		const timer = setInterval(() => {
			if (res.destroyed) return stop();
			const byte = bytes.subarray(at, ++at);
			if (at < bytes.length) return void res.write(byte);
			stop();
			res.end(byte);
		}, everyMs);
		const stop = () => {
			clearInterval(timer);
			this.drips.delete(timer);
		};
		this.drips.add(timer);
		res.once('close', stop);
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const path = url.pathname.replace(/\/+$/, '') || '/';
		const method = req.method ?? 'GET';
		const raw = await readBody(req);

		if (path.startsWith('/__sandbox')) return this.control(method, path, raw, res);
		if (this.config.latencyMs) await sleep(this.config.latencyMs);
		if (path === '/oauth/authorize' || path === '/v2/authorize') return this.authorize(url, res);
		if (path === '/oauth/token' && method === 'POST') return this.token(req, raw, res);

		if (path === '/v2/action-runs' && method === 'POST') {
			this.count('POST /v2/action-runs');
			if (!this.gate(req, res)) return;
			return this.createRun(req, raw, res);
		}
		const runMatch = /^\/v2\/action-runs\/([^/]+)$/.exec(path);
		if (runMatch && method === 'GET') {
			this.count('GET /v2/action-runs/:id');
			if (!this.gate(req, res)) return;
			return this.readRun(decodeURIComponent(runMatch[1]), res);
		}
		const discovery = this.discoveryRoute(method, path);
		if (discovery) {
			this.count(discovery.route);
			if (!this.gate(req, res)) return;
			if (await this.applyFault(discovery.route, res, () => {})) return;
			return discovery.handle(url, raw, res);
		}
		this.count(`${method} ${path}`);
		this.json(res, 404, apiError(404, 'not_found', 'NotFound', `No route for ${method} ${path}.`));
	}

	/** Rate limit, then authentication: what every /v2 call goes through. */
	private gate(req: IncomingMessage, res: ServerResponse): boolean {
		if (!this.admitRate(res)) return false;
		const auth = req.headers.authorization ?? '';
		const token = this.accessTokens.get(auth.replace(/^Bearer\s+/i, ''));
		if (!/^Bearer\s+/i.test(auth) || !token) {
			this.json(res, 401, apiError(401, 'not_authenticated', 'NotAuthenticated', 'Authentication credentials were not provided or are invalid.'));
			return false;
		}
		if (token.expiresAt <= Date.now()) {
			this.json(res, 401, apiError(401, 'token_expired', 'NotAuthenticated', 'The access token has expired.'));
			return false;
		}
		return true;
	}

	private admitRate(res: ServerResponse): boolean {
		const limit = this.config.rateLimit;
		if (!limit) return true;
		const now = Date.now();
		if (now >= this.window.startedAt + limit.windowMs) this.window = { ...this.window, startedAt: now, count: 0 };
		const inCooldown = now < this.window.cooldownUntil;
		if (!inCooldown && this.window.count < limit.limit) {
			this.window.count++;
			return true;
		}
		if (!inCooldown) this.window.cooldownUntil = now + limit.cooldownMs;
		this.counters.rateLimited++;
		const waitMs = this.window.cooldownUntil - now;
		const headers: Record<string, string> = { 'X-RateLimit-Limit': String(limit.limit), 'X-RateLimit-Remaining': '0' };
		if (limit.retryAfter === 'seconds') headers['Retry-After'] = String(Math.ceil(waitMs / 1000));
		if (limit.retryAfter === 'date') headers['Retry-After'] = new Date(now + waitMs).toUTCString();
		if (limit.reset === 'epoch') headers['X-RateLimit-Reset'] = String(Math.ceil((now + waitMs) / 1000));
		if (limit.reset === 'seconds') headers['X-RateLimit-Reset'] = String(Math.ceil(waitMs / 1000));
		this.json(res, 429, apiError(429, 'throttled', 'Throttled', 'Request was throttled.'), headers);
		return false;
	}

	/** Applies the next fault for this route; true when the request has been answered by it. */
	private async applyFault(route: FaultRoute, res: ServerResponse, commit: () => void): Promise<boolean> {
		const fault = this.faults[route].shift();
		if (!fault) return false;
		if (fault.delayMs) await sleep(fault.delayMs);
		const commits = fault.commit ?? Boolean(fault.drop || fault.malformed || fault.slowBodyMs);
		if (commits) commit();
		// Whatever answers this request, its body trickles.
		if (fault.slowBodyMs) this.slowBodies.set(res, fault.slowBodyMs);
		if (fault.drop) {
			res.socket?.destroy();
			return true;
		}
		if (fault.malformed) {
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end('{"data": {"type": "run", "id": ');
			return true;
		}
		const headers: Record<string, string> = { ...(fault.retryAfter ? { 'Retry-After': fault.retryAfter } : {}), ...fault.headers };
		if (fault.redirect) {
			this.json(res, fault.redirect.status, {}, { ...headers, Location: fault.redirect.location });
			return true;
		}
		if (fault.body !== undefined) {
			this.json(res, fault.status ?? 200, fault.body, headers);
			return true;
		}
		if (fault.status) {
			if (fault.status === 429) this.counters.rateLimited++;
			const code = fault.status === 429 ? 'throttled' : fault.status >= 500 ? 'error' : 'invalid';
			const detail = fault.detail ?? `Injected HTTP ${fault.status}.`;
			this.json(res, fault.status, apiError(fault.status, code, 'Injected', detail, fault.pointer), headers);
			return true;
		}
		return false;
	}

	private async createRun(req: IncomingMessage, raw: string, res: ServerResponse): Promise<void> {
		let created: Run | undefined;
		const problem = validateRunRequest(req, raw) ?? this.checkActionId(JSON.parse(raw).data.action);
		const commit = () => {
			if (problem || created) return;
			created = this.newRun(JSON.parse(raw).data);
		};
		if (await this.applyFault('POST /v2/action-runs', res, commit)) return;
		if (problem) return this.json(res, 400, apiError(400, problem.code, problem.title, problem.detail, problem.pointer));
		commit();
		this.json(res, 200, { data: { type: 'run', id: created!.id } });
	}

	private newRun(data: { action: string; authentication?: string | null; inputs: Record<string, unknown> }): Run {
		const script = this.script.shift() ?? {};
		const run: Run = {
			id: randomUUID(),
			createdAt: Date.now(),
			action: data.action,
			actionKey: this.actionIds.get(data.action)?.action.key,
			authentication: data.authentication ?? null,
			inputs: data.inputs,
			durationMs: script.durationMs ?? this.config.runDurationMs,
			errorCode: script.errorCode ?? (script.errorsWithSuccess ? 'partner' : this.config.runErrorCode),
			delay: script.delay,
			resultShape: script.resultShape ?? this.config.resultShape,
			errorsWithSuccess: Boolean(script.errorsWithSuccess),
		};
		if (script.status !== undefined || script.results !== undefined || script.errors !== undefined) {
			// Passed through as given, null included.
			run.outcome = {
				status: script.status ?? 'success',
				results: script.results !== undefined ? script.results : [],
				errors: script.errors !== undefined ? script.errors : [],
			};
		}
		this.runs.set(run.id, run);
		this.counters.runsCreated++;
		return run;
	}

	private async readRun(id: string, res: ServerResponse): Promise<void> {
		if (await this.applyFault('GET /v2/action-runs/:id', res, () => {})) return;
		const run = this.runs.get(id);
		if (!run) return this.json(res, 404, apiError(404, 'not_found', 'NotFound', 'Not found.'));
		if (Date.now() - run.createdAt < run.durationMs) {
			const pending = this.config.pendingStatus;
			if (pending === 'http202') return this.json(res, 202, { data: { type: 'run' } });
			const data: Record<string, unknown> = { type: 'run', results: [], errors: [] };
			if (pending !== 'missing') data.status = pending;
			return this.json(res, 200, { data });
		}
		run.seenFinishedAt ??= Date.now();
		if (run.outcome) return this.json(res, 200, { data: { type: 'run', ...run.outcome } });
		if (run.errorCode) {
			const error: Record<string, unknown> = {
				code: run.errorCode,
				title: ERROR_TITLES[run.errorCode] ?? 'Error',
				detail: `The run failed with a ${run.errorCode} error.`,
				meta: { source: 'SANDBOX' },
			};
			if (run.delay !== undefined) error.delay = run.delay;
			const status = run.errorsWithSuccess ? 'success' : 'error';
			return this.json(res, 200, { data: { type: 'run', status, results: [], errors: [error] } });
		}
		const record = { id: `record_${run.id.slice(0, 8)}`, action: run.action, ...(run.actionKey ? { action_key: run.actionKey } : {}), ...run.inputs };
		const results = run.resultShape === 'array' ? [record, { id: `record_${run.id.slice(0, 8)}_2`, action: run.action }] : run.resultShape === 'object' ? record : [];
		this.json(res, 200, { data: { type: 'run', status: 'success', results, errors: [] } });
	}

	/** An action ID must come from a lookup that has not expired (unknown IDs may be allowed). */
	private checkActionId(id: string): Problem | undefined {
		const issued = this.actionIds.get(id);
		const pointer = '/data/action';
		if (issued && Date.now() - issued.issuedAt > this.config.actionIdTtlMs) {
			return { code: 'invalid', title: 'ValidationError', detail: `The action ID "${id}" has expired. Look the action up again.`, pointer };
		}
		if (!issued && !this.config.acceptUnknownActionIds) {
			return { code: 'invalid', title: 'ValidationError', detail: `Unknown action ID "${id}".`, pointer };
		}
		return undefined;
	}

	private issueActionId(app: CatalogApp, action: CatalogAction): string {
		if (!this.config.rotateActionIds) {
			const existing = [...this.actionIds.entries()].find(([, v]) => v.app === app && v.action === action);
			if (existing) return existing[0];
		}
		const id = `${app.slug}_core:${randomBytes(4).toString('hex')}`;
		this.actionIds.set(id, { app, action, issuedAt: Date.now() });
		return id;
	}

	private page<T>(url: URL, items: T[], res: ServerResponse): void {
		const limit = Math.max(1, Number(url.searchParams.get('limit') ?? this.config.pageSize));
		const offset = Math.max(0, Number(url.searchParams.get('offset') ?? 0));
		const link = (at: number) => {
			const next = new URL(url.toString().replace('http://127.0.0.1', this.url));
			next.searchParams.set('offset', String(at));
			next.searchParams.set('limit', String(limit));
			return next.toString();
		};
		const next = this.config.loopNextLinks ? this.selfLink(url) : offset + limit < items.length ? link(offset + limit) : null;
		this.json(res, 200, {
			links: { next, prev: offset > 0 ? link(Math.max(0, offset - limit)) : null },
			meta: { count: items.length, limit, offset },
			data: items.slice(offset, offset + limit),
		});
	}

	/** The absolute URL of the page being served. */
	private selfLink(url: URL): string {
		return url.toString().replace('http://127.0.0.1', this.url);
	}

	private appById(id: string | null): CatalogApp | undefined {
		return APPS.find((app) => app.id === id);
	}

	private discoveryRoute(method: string, path: string) {
		type Handler = (url: URL, raw: string, res: ServerResponse) => void;
		const route = (name: FaultRoute, handle: Handler) => ({ route: name, handle });
		if (method === 'GET' && path === '/v2/apps') return route('GET /v2/apps', (url, _raw, res) => this.listApps(url, res));
		if (method === 'GET' && path === '/v2/actions') return route('GET /v2/actions', (url, _raw, res) => this.listActions(url, res));
		if (method === 'GET' && path === '/v2/authentications') {
			return route('GET /v2/authentications', (url, _raw, res) => this.listAuthentications(url, res));
		}
		const inputs = /^\/v2\/actions\/([^/]+)\/inputs$/.exec(path);
		if (method === 'POST' && inputs) {
			return route('POST /v2/actions/:id/inputs', (_url, raw, res) => this.listInputs(decodeURIComponent(inputs[1]), raw, res));
		}
		const choice = /^\/v2\/actions\/([^/]+)\/inputs\/([^/]+)\/choices$/.exec(path);
		if (method === 'POST' && choice) {
			return route('POST /v2/actions/:id/inputs/:input/choices', (url, raw, res) =>
				this.listChoices(decodeURIComponent(choice[1]), decodeURIComponent(choice[2]), url, raw, res),
			);
		}
		return undefined;
	}

	private listApps(url: URL, res: ServerResponse): void {
		const query = (url.searchParams.get('query') ?? '').toLowerCase();
		const apps = APPS.filter((app) => !query || app.title.toLowerCase().includes(query)).map((app) => ({
			id: app.id,
			title: app.title,
			description: app.description,
			image: `${this.url}/static/${app.slug}.png`,
			images: { url_16x16: `${this.url}/static/${app.slug}-16.png`, url_32x32: `${this.url}/static/${app.slug}-32.png`, url_64x64: `${this.url}/static/${app.slug}-64.png`, url_128x128: `${this.url}/static/${app.slug}-128.png` },
			action_types: [...new Set(app.actions.map((a) => a.action_type))],
			links: { connect_new_authentication: app.needsAccount ? `${this.url}/connect/${app.slug}` : null },
		}));
		this.page(url, apps, res);
	}

	private listActions(url: URL, res: ServerResponse): void {
		const app = this.appById(url.searchParams.get('app'));
		if (!app) return this.json(res, 400, apiError(400, 'invalid', 'ValidationError', 'Unknown app.', undefined, 'app'));
		const type = url.searchParams.get('action_type');
		const actions = app.actions
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
		if (!app) return this.json(res, 400, apiError(400, 'invalid', 'ValidationError', 'Unknown app.', undefined, 'app'));
		this.page(url, app.authentications.map((auth) => ({ ...auth, app: app.id })), res);
	}

	/** The action behind a discovery call, or an answer saying why there is none. */
	private actionFor(id: string, res: ServerResponse): CatalogAction | undefined {
		const issued = this.actionIds.get(id);
		if (!issued) {
			this.json(res, 404, apiError(404, 'not_found', 'NotFound', `Unknown action ID "${id}".`));
			return undefined;
		}
		return issued.action;
	}

	private listInputs(id: string, raw: string, res: ServerResponse): void {
		const action = this.actionFor(id, res);
		if (!action) return;
		const inputs = (JSON.parse(raw || '{}').data?.inputs ?? {}) as Record<string, unknown>;
		this.json(res, 200, { data: inputFields(action.fields, inputs) });
	}

	private listChoices(id: string, fieldId: string, url: URL, raw: string, res: ServerResponse): void {
		const action = this.actionFor(id, res);
		if (!action) return;
		const inputs = (JSON.parse(raw || '{}').data?.inputs ?? {}) as Record<string, unknown>;
		const all = choices(action.fields, fieldId, inputs).map((c, i) => ({ id: String(i), type: 'choice', ...c }));
		const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
		const size = this.config.choicesPageSize;
		const data = all.slice((page - 1) * size, page * size);
		const next = page * size < all.length ? `${this.url}/v2/actions/${encodeURIComponent(id)}/inputs/${encodeURIComponent(fieldId)}/choices?page=${page + 1}` : null;
		this.json(res, 200, { links: { next: this.config.loopNextLinks ? this.selfLink(url) : next, prev: null }, meta: { page }, data });
	}

	private authorize(url: URL, res: ServerResponse): void {
		this.count('GET /oauth/authorize');
		const redirect = url.searchParams.get('redirect_uri');
		if (url.searchParams.get('client_id') !== this.config.clientId || !redirect) {
			return this.json(res, 400, { error: 'invalid_request', error_description: 'Unknown client_id or no redirect_uri.' });
		}
		const code = `code_${randomBytes(8).toString('hex')}`;
		this.codes.add(code);
		const target = new URL(redirect);
		target.searchParams.set('code', code);
		const state = url.searchParams.get('state');
		if (state !== null) target.searchParams.set('state', state);
		res.writeHead(302, { Location: target.toString() });
		res.end();
	}

	private token(req: IncomingMessage, raw: string, res: ServerResponse): void {
		this.count('POST /oauth/token/');
		const form = req.headers['content-type']?.includes('json')
			? new URLSearchParams(JSON.parse(raw || '{}'))
			: new URLSearchParams(raw);
		const down = this.config.tokenEndpointStatus;
		if (down !== null && form.get('grant_type') === 'refresh_token') {
			const error = down >= 500 ? 'server_error' : down === 429 ? 'temporarily_unavailable' : 'invalid_request';
			return this.json(res, down, { error });
		}
		const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
		const [clientId, clientSecret] = basic
			? Buffer.from(basic[1], 'base64').toString().split(':').map(decodeURIComponent)
			: [form.get('client_id'), form.get('client_secret')];
		if (clientId !== this.config.clientId || clientSecret !== this.config.clientSecret) {
			return this.json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed.' });
		}
		const grant = form.get('grant_type');
		if (grant === 'authorization_code') {
			const code = form.get('code') ?? '';
			if (!this.codes.delete(code)) return this.json(res, 400, { error: 'invalid_grant', error_description: 'Unknown or used code.' });
			return this.json(res, 200, this.issueTokens());
		}
		if (grant === 'refresh_token') {
			const refresh = form.get('refresh_token') ?? '';
			// Rotation: a refresh token works once; the answer carries its successor.
			if (!this.refreshTokens.delete(refresh)) {
				return this.json(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token.' });
			}
			this.counters.refreshes++;
			return this.json(res, 200, this.issueTokens());
		}
		this.json(res, 400, { error: 'unsupported_grant_type' });
	}

	private control(method: string, path: string, raw: string, res: ServerResponse): void {
		const body = raw ? JSON.parse(raw) : {};
		const route = `${method} ${path.slice('/__sandbox'.length) || '/'}`;
		switch (route) {
			case 'GET /state':
				return this.json(res, 200, this.state());
			case 'POST /reset':
				this.reset(body);
				break;
			case 'POST /config':
				this.configure(body);
				break;
			case 'POST /script':
				this.scriptRuns(...(body.runs ?? []));
				break;
			case 'POST /faults':
				if (body.route !== undefined) {
					if (!isFaultRoute(body.route)) return this.json(res, 400, { error: `No route "${body.route}"; one of: ${FAULT_ROUTES.join(', ')}` });
					this.injectRouteFaults(body.route, ...(body.faults ?? []));
				} else this.injectFaults(body.method === 'GET' ? 'GET' : 'POST', ...(body.faults ?? []));
				break;
			case 'POST /tokens':
				return this.json(res, 200, this.issueTokens());
			case 'POST /expire-tokens':
				this.expireAccessTokens();
				break;
			case 'POST /revoke-refresh-tokens':
				this.revokeRefreshTokens();
				break;
			default:
				return this.json(res, 404, { error: `No control route ${route}` });
		}
		this.json(res, 200, this.state());
	}
}

function apiError(status: number, code: string, title: string, detail: string, pointer?: string, parameter?: string) {
	const source = pointer ? { pointer } : parameter ? { parameter } : null;
	return { errors: [{ status, code, title, detail, source, meta: { source: 'SANDBOX' } }] };
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

interface Problem {
	code: string;
	title: string;
	detail: string;
	pointer?: string;
}

/** The schema's rules for `POST /v2/action-runs`. */
export function validateRunRequest(req: IncomingMessage, raw: string): Problem | undefined {
	if (!req.headers['content-type']?.includes('application/json')) {
		return { code: 'unsupported_media_type', title: 'UnsupportedMediaType', detail: 'Send JSON.' };
	}
	let body: unknown;
	try {
		body = JSON.parse(raw);
	} catch {
		return { code: 'parse_error', title: 'ParseError', detail: 'Malformed request.' };
	}
	const data = (body as { data?: unknown })?.data;
	if (!data || typeof data !== 'object' || Array.isArray(data)) {
		return { code: 'required', title: 'ValidationError', detail: 'This field is required.', pointer: '/data' };
	}
	const { action, authentication, inputs } = data as Record<string, unknown>;
	if (typeof action !== 'string' || action === '') {
		return { code: 'invalid', title: 'ValidationError', detail: 'A valid action ID is required.', pointer: '/data/action' };
	}
	if (authentication !== undefined && authentication !== null && typeof authentication !== 'string') {
		return { code: 'invalid', title: 'ValidationError', detail: 'Must be a string or null.', pointer: '/data/authentication' };
	}
	if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) {
		return { code: 'invalid', title: 'ValidationError', detail: 'Expected a dictionary of items.', pointer: '/data/inputs' };
	}
	return undefined;
}

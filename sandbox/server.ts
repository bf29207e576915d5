/**
 * A local stand-in for Zapier's Powered by Zapier API: action runs and an OAuth2 token endpoint,
 * validating requests as Zapier's schema does, with switches for timing, outcomes, faults and rate
 * limits, and counters for tests to assert on. Listens on 127.0.0.1 only.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Counters, SandboxConfig } from './config';
import { DEFAULT_CONFIG } from './config';
import type { KeyRotation } from './callbacks';
import { Callbacks } from './callbacks';
import { Control } from './control';
import { Discovery } from './discovery';
import type { Route } from './http';
import { Replies, apiError, match, readRequest, sleep } from './http';
import type { Fault } from './limits';
import { Limits, RUN_ROUTES } from './limits';
import type { TokenPair } from './oauth';
import { OAuth } from './oauth';
import type { RunScript } from './runs';
import { Runs } from './runs';

export type { Counters, PendingStatus, RateLimitConfig, ResultShape, SandboxConfig } from './config';
export { DEFAULT_CONFIG } from './config';
export type { Fault, FaultRoute } from './limits';
export { FAULT_ROUTES } from './limits';
export type { RunScript } from './runs';
export type { KeyRotation } from './callbacks';
export { validateRunRequest } from './runs';

function newCounters(): Counters {
	return { requests: {}, log: [], runsCreated: 0, rateLimited: 0, tokensIssued: 0, refreshes: 0, callbacksSent: 0, callbackAnswers: [] };
}

export class ZapierSandbox {
	config: SandboxConfig = { ...DEFAULT_CONFIG };
	counters: Counters = newCounters();
	url = '';
	private readonly replies = new Replies();
	private readonly oauth = new OAuth(this, this.replies);
	private readonly discovery = new Discovery(this, this.replies);
	private readonly callbacks = new Callbacks(this, this.replies);
	private readonly actionRuns = new Runs(this, this.replies, this.discovery, this.callbacks);
	private readonly limits = new Limits(this, this.replies, (req, res) => this.oauth.authenticate(req, res));
	private readonly control = new Control(this, this.replies);
	/** OAuth is open to all; the API sits behind the rate limit, authentication and faults. */
	private readonly routes: Route[] = [
		...this.oauth.routes,
		...this.callbacks.routes,
		...[...this.actionRuns.routes, ...this.discovery.routes].map((route) => this.limits.guard(route)),
	];
	readonly runs = this.actionRuns.runs;
	private server?: Server;

	/** Where the sandbox serves the keys that sign its callbacks. */
	get jwksUrl(): string {
		return this.callbacks.jwksUrl;
	}

	constructor(config: Partial<SandboxConfig> = {}) {
		Object.assign(this.config, config);
	}

	async start(port = 0): Promise<string> {
		this.server = createServer((req, res) => {
			this.handle(req, res).catch((error: Error) => {
				if (!res.headersSent) this.replies.json(res, 500, apiError(500, 'error', 'APIException', error.message));
			});
		});
		this.server.keepAliveTimeout = 1000;
		await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		this.replies.stop();
		this.callbacks.reset();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	/** Forgets runs, faults, action IDs and counters, and goes back to the given config; issued tokens stay valid. */
	reset(config: Partial<SandboxConfig> = {}): void {
		this.config = { ...DEFAULT_CONFIG, ...config };
		this.counters = newCounters();
		this.actionRuns.reset();
		this.callbacks.reset();
		this.limits.reset();
		this.discovery.reset();
	}

	configure(config: Partial<SandboxConfig>): void {
		Object.assign(this.config, config);
	}

	scriptRuns(...runs: RunScript[]): void {
		this.actionRuns.scriptRuns(runs);
	}

	/** The next `faults.length` requests of that method to /v2/action-runs meet these faults. */
	injectFaults(method: 'POST' | 'GET', ...faults: Fault[]): void {
		this.injectRouteFaults(RUN_ROUTES[method], ...faults);
	}

	/** The next `faults.length` requests to that route (one of FAULT_ROUTES) meet these faults. */
	injectRouteFaults(route: string, ...faults: Fault[]): void {
		this.limits.inject(route, faults);
	}

	/** Changes the key that signs callbacks, or withdraws it from the JWKS while it still signs. */
	rotateKey(rotation: KeyRotation): void {
		this.callbacks.rotateKey(rotation);
	}

	/** Another Zapier account creates a run that calls back to `callbackUrl`; its ID. */
	foreignRun(callbackUrl: string): string {
		return this.actionRuns.foreignRun(callbackUrl).id;
	}

	/** Issues a connected token pair, as if a user had just authorised. */
	issueTokens(): TokenPair {
		return this.oauth.issue();
	}

	/** Every access token issued so far stops working now. */
	expireAccessTokens(): void {
		this.oauth.expireAccessTokens();
	}

	/** Every refresh token issued so far stops working now. */
	revokeRefreshTokens(): void {
		this.oauth.revokeRefreshTokens();
	}

	isRefreshTokenValid(token: string): boolean {
		return this.oauth.isRefreshTokenValid(token);
	}

	state() {
		return {
			config: this.config,
			counters: this.counters,
			runs: [...this.runs.values()]
				.filter((run) => !run.foreign)
				.map((run) => ({ id: run.id, action: run.action, inputs: run.inputs, callbackUrl: run.callbackUrl })),
			pendingFaults: this.limits.pending(),
			pendingScript: this.actionRuns.pendingScript,
		};
	}

	private count(route: string): void {
		this.counters.requests[route] = (this.counters.requests[route] ?? 0) + 1;
		this.counters.log.push({ route, at: Date.now() });
		if (this.counters.log.length > 100_000) this.counters.log.shift();
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const request = await readRequest(req, res);
		const { method, path } = request;
		if (path.startsWith('/__sandbox')) return this.control.answer(request);
		if (this.config.latencyMs) await sleep(this.config.latencyMs);
		const found = match(this.routes, method, path);
		if (!found) {
			this.count(`${method} ${path}`);
			return this.replies.json(res, 404, apiError(404, 'not_found', 'NotFound', `No route for ${method} ${path}.`));
		}
		this.count(found.route.name);
		await found.route.handler(request, found.params);
	}
}

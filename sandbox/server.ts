/**
 * A local stand-in for Zapier's Powered by Zapier API (the Partner API, /v2) and for the API behind
 * Zapier's SDK (client credentials, under SDK_PREFIX): action runs and an OAuth2 token endpoint,
 * validating requests as Zapier's schema does, with switches for timing, outcomes, faults and rate
 * limits, and counters for tests to assert on. Both dialects serve one model: the same apps, actions,
 * accounts, runs and switches. Beside the SDK's API, its Trigger Inbox (under INBOX_PREFIX), whose
 * events the sandbox's own methods emit. Listens on 127.0.0.1 only.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Counters, SandboxConfig } from './config';
import { DEFAULT_CONFIG } from './config';
import type { KeyRotation } from './callbacks';
import { Callbacks } from './callbacks';
import type { ClientToken } from './clientTokens';
import { ClientTokens } from './clientTokens';
import { Control } from './control';
import { Discovery } from './discovery';
import { Inboxes } from './inbox';
import type { InboxEvents } from './inboxEvents';
import { InboxEventSource } from './inboxEvents';
import { InboxMessages } from './inboxMessages';
import type { InboxMessageView } from './inboxModel';
import { InboxNotifier } from './inboxNotifications';
import type { Route } from './http';
import { Replies, apiError, match, readRequest, sleep } from './http';
import type { Fault } from './limits';
import { Limits, RUN_ROUTES, SDK_RUN_ROUTES } from './limits';
import type { TokenPair } from './oauth';
import { OAuth } from './oauth';
import type { Dialect, RunScript } from './runs';
import { Runs } from './runs';
import { SdkDiscovery, sdkGate } from './sdk';
import { INBOX_PREFIX, SDK_PREFIX } from './sdkModel';
import { SdkRuns } from './sdkRuns';

export type { Counters, PendingStatus, RateLimitConfig, ResultShape, SandboxConfig } from './config';
export { DEFAULT_CONFIG } from './config';
export type { Fault, FaultRoute } from './limits';
export { FAULT_ROUTES, RUN_ROUTES, SDK_RUN_ROUTES } from './limits';
export type { Dialect, RunScript } from './runs';
export type { KeyRotation } from './callbacks';
export type { ClientToken } from './clientTokens';
export type { InboxEvents } from './inboxEvents';
export type { InboxMessageView } from './inboxModel';
export { validateRunRequest } from './runs';
export { CONNECTIONS, INBOX_PREFIX, SDK_PREFIX, SDK_VERSION, implementationName, sdkActionId, selectedApi } from './sdkModel';

function newCounters(): Counters {
	return {
		requests: {},
		log: [],
		runsCreated: 0,
		rateLimited: 0,
		tokensIssued: 0,
		clientCredentialsExchanges: 0,
		refreshes: 0,
		callbacksSent: 0,
		callbackAnswers: [],
		inboxEvents: 0,
		inboxEventsDropped: 0,
		inboxLeases: 0,
		inboxEmptyLeases: 0,
		messagesAcked: 0,
		messagesReleased: 0,
		inboxNotifications: [],
	};
}

export class ZapierSandbox {
	config: SandboxConfig = { ...DEFAULT_CONFIG };
	counters: Counters = newCounters();
	url = '';
	private readonly replies = new Replies();
	private readonly clientTokens = new ClientTokens(this, this.replies);
	private readonly oauth = new OAuth(this, this.replies, this.clientTokens);
	private readonly discovery = new Discovery(this, this.replies);
	private readonly callbacks = new Callbacks(this, this.replies);
	private readonly actionRuns = new Runs(this, this.replies, this.discovery, this.callbacks);
	private readonly sdkRuns = new SdkRuns(this, this.replies, this.actionRuns);
	private readonly sdkDiscovery = new SdkDiscovery(this, this.replies);
	private readonly inboxNotifier = new InboxNotifier(this);
	private readonly triggerInboxes: Inboxes = new Inboxes(this, this.replies, (inbox) => this.inboxQueues.drop(inbox));
	private readonly inboxQueues = new InboxMessages(this, this.replies, this.triggerInboxes, this.inboxNotifier);
	private readonly inboxEvents = new InboxEventSource(this, this.triggerInboxes, this.inboxNotifier);
	private readonly limits = new Limits(this, this.replies);
	private readonly control = new Control(this, this.replies);
	/**
	 * OAuth is open to all; each API sits behind the one rate limit window, its own authentication (each
	 * dialect takes only its own tokens; the Trigger Inbox the SDK's), and faults.
	 */
	private readonly routes: Route[] = [
		...this.oauth.routes,
		...this.callbacks.routes,
		...[...this.actionRuns.routes, ...this.discovery.routes].map((route) =>
			this.limits.guard(route, { authenticate: (req, res) => this.oauth.authenticate(req, res) }),
		),
		...[...this.sdkRuns.routes, ...this.sdkDiscovery.routes, ...this.triggerInboxes.routes, ...this.inboxQueues.routes].map((route) =>
			this.limits.guard(route, sdkGate(this.clientTokens)),
		),
	];
	readonly runs = this.actionRuns.runs;
	private server?: Server;

	/** Where the sandbox serves the keys that sign its callbacks. */
	get jwksUrl(): string {
		return this.callbacks.jwksUrl;
	}

	/** Where both grants get their tokens (Zapier's has the trailing slash; the sandbox takes it either way). */
	get tokenUrl(): string {
		return `${this.url}/oauth/token/`;
	}

	/** Where the SDK API's routes start: `SDK_PREFIX` on the sandbox's origin. */
	get sdkUrl(): string {
		return `${this.url}${SDK_PREFIX}`;
	}

	/** Where the Trigger Inbox's routes start: `INBOX_PREFIX` on the sandbox's origin. */
	get inboxUrl(): string {
		return `${this.url}${INBOX_PREFIX}`;
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
		this.inboxEvents.stop();
		this.inboxQueues.stop();
		this.inboxNotifier.reset();
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}

	/** Forgets runs, faults, action IDs, trigger inboxes and counters, and goes back to the given config; issued tokens stay valid. */
	reset(config: Partial<SandboxConfig> = {}): void {
		this.config = { ...DEFAULT_CONFIG, ...config };
		this.counters = newCounters();
		this.actionRuns.reset();
		this.callbacks.reset();
		this.limits.reset();
		this.discovery.reset();
		this.inboxEvents.stop();
		this.inboxQueues.reset();
		this.inboxNotifier.reset();
		this.triggerInboxes.reset();
	}

	configure(config: Partial<SandboxConfig>): void {
		Object.assign(this.config, config);
	}

	scriptRuns(...runs: RunScript[]): void {
		this.actionRuns.scriptRuns(runs);
	}

	/**
	 * The next `faults.length` requests of that method to a run route meet these faults: /v2/action-runs
	 * or the SDK's /actions/v1/runs, whichever is asked next (one queue per method).
	 */
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

	/** Another Zapier account creates a run that calls back to `callbackUrl`, in that dialect's shape; its ID. */
	foreignRun(callbackUrl: string, dialect: Dialect = 'partner'): string {
		return this.actionRuns.foreignRun(callbackUrl, dialect).id;
	}

	/** How many requests reached the run route of that method, of both dialects. */
	runRequests(method: 'POST' | 'GET'): number {
		const { requests } = this.counters;
		return (requests[RUN_ROUTES[method]] ?? 0) + (requests[SDK_RUN_ROUTES[method]] ?? 0);
	}

	/** Issues a connected token pair, as if a user had just authorised. */
	issueTokens(): TokenPair {
		return this.oauth.issue();
	}

	/** A client-credentials token, as if the configured client had just exchanged its credentials (not counted as an exchange). */
	issueClientToken(): ClientToken {
		return this.clientTokens.issue();
	}

	/**
	 * The app's trigger fires: `count` events (default 1) are queued in that inbox (an ID or a key), or
	 * in every active one when none is named; a paused inbox drops them. Answers the messages queued.
	 */
	emitInboxEvents(events: InboxEvents = {}): InboxMessageView[] {
		return this.inboxEvents.emit(events);
	}

	/**
	 * As emitInboxEvents, `perSecond` events a second until `count` are; resolves when done, or on reset or
	 * stop. The first goes at once: a mistake (an unknown inbox, one not active yet) is thrown here.
	 */
	emitInboxEventsAtRate(events: InboxEvents & { perSecond: number }): Promise<void> {
		return this.inboxEvents.emitAtRate(events);
	}

	/** Zapier pauses the inbox for this reason (`authentication`, `upstream_failures`, ...): its events are dropped meanwhile. */
	pauseInbox(idOrKey: string, reason = 'unknown'): void {
		this.triggerInboxes.pauseFor(this.triggerInboxes.resolve(idOrKey), reason);
	}

	/** Every lease of every inbox ends now, as if its holder had crashed: its messages are available again, and notified as redelivered. */
	expireLeases(): void {
		this.inboxQueues.expireLeases();
	}

	/** Every message ever queued in that inbox (an ID or a key), or in all of them, acked ones too. */
	inboxMessages(idOrKey?: string): InboxMessageView[] {
		return this.inboxQueues.messagesOf(idOrKey);
	}

	/** Each inbox as `state().inboxes` has it, with its messages. */
	inboxes() {
		return this.inboxQueues.summaries().map((inbox) => ({ ...inbox, messages: this.inboxQueues.messagesOf(inbox.id) }));
	}

	/** Every access token issued so far, of either grant, stops working now. */
	expireAccessTokens(): void {
		this.oauth.expireAccessTokens();
		this.clientTokens.expire();
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
				.map((run) => ({ id: run.id, dialect: run.dialect, action: run.action, inputs: run.inputs, callbackUrl: run.callbackUrl })),
			pendingFaults: this.limits.pending(),
			pendingScript: this.actionRuns.pendingScript,
			inboxes: this.inboxQueues.summaries(),
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
		const found = match(this.routes, method, path, request.url.pathname);
		if (!found) {
			this.count(`${method} ${path}`);
			return this.replies.json(res, 404, apiError(404, 'not_found', 'NotFound', `No route for ${method} ${path}.`));
		}
		this.count(found.route.name);
		await found.route.handler(request, found.params);
	}
}

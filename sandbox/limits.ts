/**
 * What stands before every API answer, of either dialect (the Partner API's /v2, the SDK's, its Trigger
 * Inbox's): the rate limit window, authentication, then the faults injected per route.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Host, RateLimitConfig } from './config';
import type { Problem, Replies, Request, Route } from './http';
import { apiError, sleep } from './http';

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
	// The SDK's, named by their path after SDK_PREFIX.
	'POST /actions/v1/runs',
	'GET /actions/v1/runs/:id',
	'GET /v4/implementations-meta/search/',
	'GET /v4/implementations-meta/lookup/',
	'GET /v4/implementations/',
	'POST /v4/implementations/needs/',
	'POST /v4/implementations/choices/',
	'GET /v4/authentications',
	'GET /v4/authentications/:id/',
	// The Trigger Inbox's, named by their path after INBOX_PREFIX.
	'POST /inboxes',
	'PUT /inboxes',
	'GET /inboxes',
	'GET /inboxes/:id',
	'PATCH /inboxes/:id',
	'DELETE /inboxes/:id',
	'POST /inboxes/:id/pause',
	'POST /inboxes/:id/resume',
	'POST /inboxes/:id/messages/lease',
	'POST /inboxes/:id/messages/ack',
	'POST /inboxes/:id/messages/release',
	'GET /inboxes/:id/messages',
] as const;
export type FaultRoute = (typeof FAULT_ROUTES)[number];

/** The action-run routes, by the method `injectFaults` has always taken. */
export const RUN_ROUTES = { POST: 'POST /v2/action-runs', GET: 'GET /v2/action-runs/:id' } as const;
export const SDK_RUN_ROUTES = { POST: 'POST /actions/v1/runs', GET: 'GET /actions/v1/runs/:id' } as const;

/**
 * Both dialects' run routes draw on one queue per method, so that a fault test meets its faults
 * whichever credential it runs with.
 */
const QUEUE_OF: Partial<Record<FaultRoute, FaultRoute>> = {
	[SDK_RUN_ROUTES.POST]: RUN_ROUTES.POST,
	[SDK_RUN_ROUTES.GET]: RUN_ROUTES.GET,
};
const queueOf = (route: FaultRoute): FaultRoute => QUEUE_OF[route] ?? route;

export const isFaultRoute = (route: string): route is FaultRoute => (FAULT_ROUTES as readonly string[]).includes(route);

/** An API route: its params come URI-decoded, and it may check the request before its fault is applied. */
export interface ApiRoute extends Route {
	name: FaultRoute;
	/** Checked before the fault, answered (as a 400) after it. */
	validate?: (request: Request) => Problem | undefined;
	/** What a committing fault does first, when the request is valid. */
	commit?: (request: Request) => void;
}

/** What a dialect puts before its routes: who may call them, and what a request over the rate limit is told. */
export interface Gate {
	/** Whether the request may go on; answers it (401) when not. */
	authenticate(req: IncomingMessage, res: ServerResponse): boolean;
	/** The body of a 429 from the rate limit; the Partner API's when absent. */
	throttled?(limit: RateLimitConfig): unknown;
}

function noFaults(): Record<FaultRoute, Fault[]> {
	return Object.fromEntries(FAULT_ROUTES.map((route) => [route, []])) as unknown as Record<FaultRoute, Fault[]>;
}

export class Limits {
	private faults = noFaults();
	private window = { startedAt: 0, count: 0, cooldownUntil: 0 };

	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
	) {}

	reset(): void {
		this.faults = noFaults();
		this.window = { startedAt: 0, count: 0, cooldownUntil: 0 };
	}

	inject(route: string, faults: Fault[]): void {
		if (!isFaultRoute(route)) throw new Error(`No route "${route}" to inject faults on; one of: ${FAULT_ROUTES.join(', ')}.`);
		this.faults[queueOf(route)].push(...faults);
	}

	/** Per route; the action-run routes (both dialects' one queue) keep the keys POST and GET. */
	pending(): { POST: number; GET: number } & Partial<Record<FaultRoute, number>> {
		const pending: { POST: number; GET: number } & Partial<Record<FaultRoute, number>> = {
			POST: this.faults[RUN_ROUTES.POST].length,
			GET: this.faults[RUN_ROUTES.GET].length,
		};
		for (const route of FAULT_ROUTES) {
			if (queueOf(route) === route && route !== RUN_ROUTES.POST && route !== RUN_ROUTES.GET) pending[route] = this.faults[route].length;
		}
		return pending;
	}

	/** The route behind the rate limit, then the gate's authentication, then its next fault, then its own checks. */
	guard(route: ApiRoute, gate: Gate): Route {
		const { method, pattern, name, exact } = route;
		const handler = async (request: Request, params: string[]) => {
			const { req, res } = request;
			if (!this.admit(res, gate) || !gate.authenticate(req, res)) return;
			const problem = route.validate?.(request);
			const commit = () => {
				if (!problem) route.commit?.(request);
			};
			if (await this.applyFault(name, res, commit)) return;
			if (problem) return this.replies.json(res, 400, apiError(400, problem.code, problem.title, problem.detail, problem.pointer));
			await route.handler(request, params.map(decodeURIComponent));
		};
		return { method, pattern, name, exact, handler };
	}

	private admit(res: ServerResponse, gate: Gate): boolean {
		const limit = this.host.config.rateLimit;
		if (!limit) return true;
		const now = Date.now();
		if (now >= this.window.startedAt + limit.windowMs) this.window = { ...this.window, startedAt: now, count: 0 };
		const inCooldown = now < this.window.cooldownUntil;
		if (!inCooldown && this.window.count < limit.limit) {
			this.window.count++;
			if (limit.headers === 'always') {
				for (const [name, value] of Object.entries(
					this.budgetHeaders(limit, limit.limit - this.window.count, this.window.startedAt + limit.windowMs - now, now),
				)) {
					res.setHeader(name, value);
				}
			}
			return true;
		}
		if (!inCooldown) this.window.cooldownUntil = now + limit.cooldownMs;
		this.host.counters.rateLimited++;
		const waitMs = this.window.cooldownUntil - now;
		const headers = limit.headers === 'never' ? {} : this.budgetHeaders(limit, 0, waitMs, now);
		if (limit.retryAfter === 'seconds') headers['Retry-After'] = String(Math.ceil(waitMs / 1000));
		if (limit.retryAfter === 'date') headers['Retry-After'] = new Date(now + waitMs).toUTCString();
		const body = gate.throttled ? gate.throttled(limit) : apiError(429, 'throttled', 'Throttled', 'Request was throttled.');
		this.replies.json(res, 429, body, headers);
		return false;
	}

	/** What the answers say of the window: its size, what is left, and when it starts again (as `reset` says). */
	private budgetHeaders(limit: RateLimitConfig, remaining: number, resetInMs: number, now: number): Record<string, string> {
		const headers: Record<string, string> = { 'X-RateLimit-Limit': String(limit.limit), 'X-RateLimit-Remaining': String(remaining) };
		if (limit.reset === 'epoch') headers['X-RateLimit-Reset'] = String(Math.ceil((now + resetInMs) / 1000));
		if (limit.reset === 'seconds') headers['X-RateLimit-Reset'] = String(Math.ceil(resetInMs / 1000));
		return headers;
	}

	/** Applies the next fault for this route; true when the request has been answered by it. */
	private async applyFault(route: FaultRoute, res: ServerResponse, commit: () => void): Promise<boolean> {
		const fault = this.faults[queueOf(route)].shift();
		if (!fault) return false;
		if (fault.delayMs) await sleep(fault.delayMs);
		const commits = fault.commit ?? Boolean(fault.drop || fault.malformed || fault.slowBodyMs);
		if (commits) commit();
		if (fault.slowBodyMs) this.replies.slow(res, fault.slowBodyMs);
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
			this.replies.json(res, fault.redirect.status, {}, { ...headers, Location: fault.redirect.location });
			return true;
		}
		if (fault.body !== undefined) {
			this.replies.json(res, fault.status ?? 200, fault.body, headers);
			return true;
		}
		if (fault.status) {
			if (fault.status === 429) this.host.counters.rateLimited++;
			const code = fault.status === 429 ? 'throttled' : fault.status >= 500 ? 'error' : 'invalid';
			const detail = fault.detail ?? `Injected HTTP ${fault.status}.`;
			this.replies.json(res, fault.status, apiError(fault.status, code, 'Injected', detail, fault.pointer), headers);
			return true;
		}
		return false;
	}
}

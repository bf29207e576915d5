/** The `/__sandbox/*` routes, for switching the sandbox over HTTP; most answer with its state. */
import type { Replies, Request, Route } from './http';
import { match } from './http';
import type { SandboxConfig } from './config';
import type { Fault, FaultRoute } from './limits';
import { FAULT_ROUTES, isFaultRoute } from './limits';
import type { KeyRotation } from './callbacks';
import type { Dialect, RunScript } from './runs';
import type { InboxEvents } from './inboxEvents';

type ControlRequest = Request & { body: any };

/** What the control routes switch: the sandbox, as far as they see it. */
export interface Controlled {
	state(): unknown;
	reset(config?: Partial<SandboxConfig>): void;
	configure(config: Partial<SandboxConfig>): void;
	scriptRuns(...runs: RunScript[]): void;
	injectFaults(method: 'POST' | 'GET', ...faults: Fault[]): void;
	injectRouteFaults(route: FaultRoute, ...faults: Fault[]): void;
	issueTokens(): unknown;
	issueClientToken(): unknown;
	expireAccessTokens(): void;
	revokeRefreshTokens(): void;
	rotateKey(rotation: KeyRotation): void;
	foreignRun(callbackUrl: string, dialect?: Dialect): string;
	emitInboxEvents(events: InboxEvents): unknown;
	emitInboxEventsAtRate(events: InboxEvents & { perSecond: number }): Promise<void>;
	pauseInbox(idOrKey: string, reason?: string): void;
	expireLeases(): void;
	inboxes(): unknown[];
}

export class Control {
	private readonly routes: Array<Route<ControlRequest>> = [
		{ method: 'GET', pattern: '/__sandbox/state', name: 'GET /state', handler: this.thenState(() => {}) },
		{ method: 'POST', pattern: '/__sandbox/reset', name: 'POST /reset', handler: this.thenState((body) => this.sandbox.reset(body)) },
		{ method: 'POST', pattern: '/__sandbox/config', name: 'POST /config', handler: this.thenState((body) => this.sandbox.configure(body)) },
		{
			method: 'POST',
			pattern: '/__sandbox/script',
			name: 'POST /script',
			handler: this.thenState((body) => this.sandbox.scriptRuns(...(body.runs ?? []))),
		},
		{ method: 'POST', pattern: '/__sandbox/faults', name: 'POST /faults', handler: (request) => this.faults(request) },
		{
			method: 'POST',
			pattern: '/__sandbox/tokens',
			name: 'POST /tokens',
			handler: ({ res }) => this.replies.json(res, 200, this.sandbox.issueTokens()),
		},
		{
			method: 'POST',
			pattern: '/__sandbox/client-token',
			name: 'POST /client-token',
			handler: ({ res }) => this.replies.json(res, 200, this.sandbox.issueClientToken()),
		},
		{
			method: 'POST',
			pattern: '/__sandbox/expire-tokens',
			name: 'POST /expire-tokens',
			handler: this.thenState(() => this.sandbox.expireAccessTokens()),
		},
		{
			method: 'POST',
			pattern: '/__sandbox/rotate-key',
			name: 'POST /rotate-key',
			handler: this.thenState((body) => this.sandbox.rotateKey(body.rotation ?? 'new-kid')),
		},
		{
			method: 'POST',
			pattern: '/__sandbox/foreign-run',
			name: 'POST /foreign-run',
			handler: ({ res, body }) =>
				this.replies.json(res, 200, { id: this.sandbox.foreignRun(String(body.callbackUrl), body.dialect === 'sdk' ? 'sdk' : 'partner') }),
		},
		{
			method: 'POST',
			pattern: '/__sandbox/revoke-refresh-tokens',
			name: 'POST /revoke-refresh-tokens',
			handler: this.thenState(() => this.sandbox.revokeRefreshTokens()),
		},
		{
			method: 'POST',
			pattern: '/__sandbox/inbox-events',
			name: 'POST /inbox-events',
			handler: this.orRefuse((body) => this.inboxEvents(body)),
		},
		{
			method: 'POST',
			pattern: '/__sandbox/inbox-pause',
			name: 'POST /inbox-pause',
			handler: this.orRefuse((body) => this.sandbox.pauseInbox(String(body.inbox), body.reason ?? undefined)),
		},
		{
			method: 'POST',
			pattern: '/__sandbox/inbox-expire-leases',
			name: 'POST /inbox-expire-leases',
			handler: this.thenState(() => this.sandbox.expireLeases()),
		},
		{
			method: 'GET',
			pattern: '/__sandbox/inboxes',
			name: 'GET /inboxes',
			handler: ({ res }) => this.replies.json(res, 200, { inboxes: this.sandbox.inboxes() }),
		},
	];

	constructor(
		private readonly sandbox: Controlled,
		private readonly replies: Replies,
	) {}

	answer(request: Request): void {
		const body = request.raw ? JSON.parse(request.raw) : {};
		const found = match(this.routes, request.method, request.path);
		if (!found) {
			const route = `${request.method} ${request.path.slice('/__sandbox'.length) || '/'}`;
			return this.replies.json(request.res, 404, { error: `No control route ${route}` });
		}
		void found.route.handler({ ...request, body }, found.params);
	}

	/** A handler that makes this change, then answers with the state. */
	private thenState(change: (body: any) => void) {
		return ({ res, body }: ControlRequest) => {
			change(body);
			this.replies.json(res, 200, this.sandbox.state());
		};
	}

	/** As thenState, but a change the sandbox refuses (an unknown inbox, say) is a 400 naming why. */
	private orRefuse(change: (body: any) => void) {
		return ({ res, body }: ControlRequest) => {
			try {
				change(body);
			} catch (error) {
				return this.replies.json(res, 400, { error: (error as Error).message });
			}
			this.replies.json(res, 200, this.sandbox.state());
		};
	}

	/** Events now, or (with `perSecond`) at that rate from now on: the answer does not wait for them. */
	private inboxEvents(body: any): void {
		const events: InboxEvents = { inbox: body.inbox ?? undefined, count: body.count, payload: body.payload, duplicate: body.duplicate };
		if (body.perSecond === undefined) this.sandbox.emitInboxEvents(events);
		else void this.sandbox.emitInboxEventsAtRate({ ...events, perSecond: Number(body.perSecond) });
	}

	private faults({ res, body }: ControlRequest): void {
		if (body.route === undefined) this.sandbox.injectFaults(body.method === 'GET' ? 'GET' : 'POST', ...(body.faults ?? []));
		else if (isFaultRoute(body.route)) this.sandbox.injectRouteFaults(body.route, ...(body.faults ?? []));
		else return this.replies.json(res, 400, { error: `No route "${body.route}"; one of: ${FAULT_ROUTES.join(', ')}` });
		this.replies.json(res, 200, this.sandbox.state());
	}
}

/** The sandbox's switches and their defaults, and the counters tests assert on. */
export type PendingStatus = 'waiting' | 'queued' | 'running' | 'missing' | 'http202';
export type ResultShape = 'array' | 'object' | 'empty';

export interface RateLimitConfig {
	limit: number;
	windowMs: number;
	cooldownMs: number;
	retryAfter: 'seconds' | 'date' | 'none';
	reset: 'epoch' | 'seconds' | 'none';
	/** Whether every answer carries X-RateLimit-Limit/Remaining/Reset (as Zapier's may), only a 429 does, or none. */
	headers?: 'always' | 'on429' | 'never';
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
	/** When set, a refresh or a client-credentials exchange at the token endpoint answers this status and issues nothing. */
	tokenEndpointStatus: number | null;
	/** How often a run with a callback URL is reported there when it ends. */
	callbackDelivery: 'once' | 'twice' | 'never';
	/** How long after the run ends its callback is sent. */
	callbackDelayMs: number;
	/**
	 * How callbacks are signed: with the JWKS key (naming the run and the body's hash), with it but naming
	 * neither (`unbound`: only the claims Zapier documents), with a forged key, an expired token, or not at all.
	 */
	callbackSignature: 'valid' | 'unbound' | 'forged' | 'expired' | 'none';
	/** How the JWKS is served: as it should be, one byte at a time, padded to 30 MB, through a redirect, or 503. */
	jwksServing: 'normal' | 'slow' | 'huge' | 'redirect' | 'down';
	/** The JWKS's Cache-Control max-age, if any. */
	jwksMaxAgeSeconds: number | null;
	/** How long after a run ends its reads still say it is going (Zapier's reads can lag its callbacks). */
	readLagMs: number;
	/** The client credentials of the API behind Zapier's SDK (a Zapier user's, from `zapier-sdk create-client-credentials`). */
	clientCredentials: { clientId: string; clientSecret: string };
	/** Lifetime of the tokens those credentials are exchanged for (Zapier: an hour). */
	clientTokenTtlSeconds: number;
	/** Whether the SDK API refuses to create runs until a person approves them in Zapier (a 403 `approval_required`). */
	approvalRequired: boolean;
	/** What the SDK API answers for an unfinished run: HTTP 202, or 200 with `status: waiting` (the SDK reads both). */
	sdkPendingStatus: 'http202' | 'waiting';
	/** The most a page of the SDK API's lists (apps, connections) holds, whatever `limit` asks (Zapier: 100). */
	sdkPageSize: number;
	/** How long a new trigger inbox stays `initializing` before it is `active` (or fails). */
	inboxInitMs: number;
	/** When set, new inboxes end their initialising in `initialization_failure`, paused for this reason (`authentication`, `subscribe_failed`...). */
	inboxInitFailure: string | null;
	/** How long a deleted inbox still reads as `deleting` before it is gone (404). */
	inboxDeleteMs: number;
	/** Whether inboxes with a notification URL are told there of new (and redelivered) messages. */
	inboxNotifications: boolean;
	/** How long after messages arrive their notification goes; what arrives meanwhile joins it. */
	inboxNotifyDelayMs: number;
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
	callbackDelivery: 'once',
	callbackDelayMs: 0,
	callbackSignature: 'valid',
	jwksServing: 'normal',
	jwksMaxAgeSeconds: null,
	readLagMs: 0,
	// Frozen: reset() copies the config shallowly, so a change to this object would change the defaults.
	clientCredentials: Object.freeze({ clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret' }),
	clientTokenTtlSeconds: 3_600,
	approvalRequired: false,
	sdkPendingStatus: 'http202',
	sdkPageSize: 100,
	inboxInitMs: 200,
	inboxInitFailure: null,
	inboxDeleteMs: 0,
	inboxNotifications: true,
	inboxNotifyDelayMs: 0,
};

export interface Counters {
	requests: Record<string, number>;
	/** The latest API requests, oldest first: route, arrival time and the status answered. */
	log: Array<{ route: string; at: number }>;
	runsCreated: number;
	rateLimited: number;
	tokensIssued: number;
	/** Client-credentials grants answered with a token (each also counts in tokensIssued). */
	clientCredentialsExchanges: number;
	refreshes: number;
	callbacksSent: number;
	/** Each callback delivery attempt: the run, when it ended, and the status answered (0: no answer). */
	callbackAnswers: Array<{ runId: string; at: number; status: number }>;
	/** Trigger inbox events emitted at an inbox, whether queued or dropped (a paused inbox drops them). */
	inboxEvents: number;
	inboxEventsDropped: number;
	/** Lease requests answered with at least one message, and those answered with none. */
	inboxLeases: number;
	inboxEmptyLeases: number;
	messagesAcked: number;
	messagesReleased: number;
	/** Each notification POSTed to an inbox's notification URL: when it went, and the status answered (0: no answer). */
	inboxNotifications: Array<{ inboxId: string; at: number; status: number; redelivery: boolean }>;
}

/** What the modules read of the sandbox that composes them; config and counters are replaced on reset, so read them each time. */
export interface Host {
	readonly config: SandboxConfig;
	readonly counters: Counters;
	readonly url: string;
}

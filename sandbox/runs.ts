/**
 * Zapier's action runs: created by `POST /v2/action-runs` (or the SDK API's route, sdkRuns.ts), read
 * until they finish, with scripted outcomes. One model for both dialects: each reads only its own runs.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Callbacks } from './callbacks';
import type { Host, ResultShape } from './config';
import type { Discovery } from './discovery';
import type { Problem, Replies, Request } from './http';
import { apiError } from './http';
import type { ApiRoute } from './limits';

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

/** Which of Zapier's APIs a run was created through: the Partner API's or the one behind the SDK. */
export type Dialect = 'partner' | 'sdk';

export interface Run {
	id: string;
	dialect: Dialect;
	createdAt: number;
	/** When a read first answered that the run had finished. */
	seenFinishedAt?: number;
	action: string;
	actionKey?: string;
	authentication: string | null;
	inputs: Record<string, unknown>;
	/** Where Zapier is asked to report the run when it ends. */
	callbackUrl?: string;
	durationMs: number;
	errorCode: string | null;
	delay?: number;
	resultShape: ResultShape;
	errorsWithSuccess: boolean;
	outcome?: { status: string; results: unknown; errors: unknown };
	/** Another Zapier account's run: this sandbox's tokens cannot read it. */
	foreign?: boolean;
	/** The SDK's app ID the run was created for. */
	selectedApi?: string;
	/** For a read_bulk action (SDK): the page of results it runs for, from 1. */
	page?: number;
}

/** What a creation says of the run to make; the rest comes from the script and the config. */
export type RunSpec = Pick<Run, 'dialect' | 'action' | 'actionKey' | 'authentication' | 'inputs' | 'callbackUrl' | 'selectedApi' | 'page'>;

/** A read_bulk action's results come in this many pages of this many records. */
export const BULK_PAGES = 2;
const BULK_PAGE_SIZE = 3;

const ERROR_TITLES: Record<string, string> = {
	user: 'Invalid input',
	authentication: 'Authentication failed',
	partner: 'The app returned an error',
	system: 'Zapier system error',
	throttled: 'Throttled by the app',
	system_throttled: 'Throttled by Zapier',
	hydration: 'Could not hydrate inputs',
};

export class Runs {
	readonly routes: ApiRoute[] = [
		{
			method: 'POST',
			pattern: '/v2/action-runs',
			name: 'POST /v2/action-runs',
			validate: ({ req, raw }) => validateRunRequest(req, raw) ?? this.discovery.checkActionId(JSON.parse(raw).data.action),
			commit: (request) => void this.create(request),
			handler: (request) => this.replies.json(request.res, 200, { data: { type: 'run', id: this.create(request).id } }),
		},
		{
			method: 'GET',
			pattern: /^\/v2\/action-runs\/([^/]+)$/,
			name: 'GET /v2/action-runs/:id',
			handler: ({ res }, [id]) => this.read(id, res),
		},
	];
	readonly runs = new Map<string, Run>();
	private script: RunScript[] = [];
	/** The run each request has created: a committing fault may have made it before the answer. */
	private created = new WeakMap<Request, Run>();

	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
		private readonly discovery: Discovery,
		private readonly callbacks: Callbacks,
	) {}

	get pendingScript(): number {
		return this.script.length;
	}

	scriptRuns(runs: RunScript[]): void {
		this.script.push(...runs);
	}

	reset(): void {
		this.runs.clear();
		this.script = [];
	}

	/** A run of another Zapier account, calling back to `callbackUrl` in that dialect's shape: Zapier signs it as it signs any. */
	foreignRun(callbackUrl: string, dialect: Dialect = 'partner'): Run {
		const run: Run = {
			id: randomUUID(),
			dialect,
			createdAt: Date.now(),
			action: 'other_account:send',
			authentication: null,
			inputs: { made: 'by another account' },
			callbackUrl,
			durationMs: this.host.config.runDurationMs,
			errorCode: null,
			resultShape: 'array',
			errorsWithSuccess: false,
			foreign: true,
		};
		this.runs.set(run.id, run);
		this.callbacks.schedule(callbackUrl, run.id, run.durationMs, () => this.finished(run));
		return run;
	}

	/** The Partner request's run, created on first call. */
	private create(request: Request): Run {
		const data = JSON.parse(request.raw).data as {
			action: string;
			authentication?: string | null;
			inputs: Record<string, unknown>;
			callback_url?: string;
		};
		return this.start(request, {
			dialect: 'partner',
			action: data.action,
			actionKey: this.discovery.actionKey(data.action),
			authentication: data.authentication ?? null,
			inputs: data.inputs,
			callbackUrl: data.callback_url,
		});
	}

	/** The request's run, created on first call (a committing fault may have made it before the answer), as the next script says. */
	start(request: Request, spec: RunSpec): Run {
		const existing = this.created.get(request);
		if (existing) return existing;
		const script = this.script.shift() ?? {};
		const run: Run = {
			id: randomUUID(),
			createdAt: Date.now(),
			...spec,
			durationMs: script.durationMs ?? this.host.config.runDurationMs,
			errorCode: script.errorCode ?? (script.errorsWithSuccess ? 'partner' : this.host.config.runErrorCode),
			delay: script.delay,
			resultShape: script.resultShape ?? this.host.config.resultShape,
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
		this.created.set(request, run);
		this.runs.set(run.id, run);
		this.host.counters.runsCreated++;
		if (run.callbackUrl) this.callbacks.schedule(run.callbackUrl, run.id, run.durationMs, () => this.finished(run));
		return run;
	}

	/** The run of this ID that this sandbox's account made through this dialect. */
	find(id: string, dialect: Dialect): Run | undefined {
		const run = this.runs.get(id);
		return run && !run.foreign && run.dialect === dialect ? run : undefined;
	}

	/** Whether a read now sees the run ended (Zapier's reads may lag); notes when one first did. */
	hasEnded(run: Run): boolean {
		if (Date.now() - run.createdAt < run.durationMs + this.host.config.readLagMs) return false;
		run.seenFinishedAt ??= Date.now();
		return true;
	}

	/** The ended run as its dialect reads it, which is also what its callback reports. */
	finished(run: Run): object {
		if (run.dialect === 'sdk') return { data: { id: run.id, ...this.outcome(run) } };
		return { data: { type: 'run', id: run.id, ...this.outcome(run) } };
	}

	private read(id: string, res: ServerResponse): void {
		const run = this.find(id, 'partner');
		if (!run) return this.replies.json(res, 404, apiError(404, 'not_found', 'NotFound', 'Not found.'));
		if (!this.hasEnded(run)) {
			const pending = this.host.config.pendingStatus;
			if (pending === 'http202') return this.replies.json(res, 202, { data: { type: 'run' } });
			const data: Record<string, unknown> = { type: 'run', results: [], errors: [] };
			if (pending !== 'missing') data.status = pending;
			return this.replies.json(res, 200, { data });
		}
		this.replies.json(res, 200, { data: { type: 'run', ...this.outcome(run) } });
	}

	/** How a run ended: status, results and errors (and a paged run's next page), as a read or a callback tells it. */
	private outcome(run: Run): { status: string; results: unknown; errors: unknown; next_page?: string | null } {
		if (run.outcome) return run.outcome;
		if (run.errorCode) {
			const error: Record<string, unknown> = {
				code: run.errorCode,
				title: ERROR_TITLES[run.errorCode] ?? 'Error',
				detail: `The run failed with a ${run.errorCode} error.`,
				meta: { source: 'SANDBOX' },
			};
			if (run.delay !== undefined) error.delay = run.delay;
			return { status: run.errorsWithSuccess ? 'success' : 'error', results: [], errors: [error] };
		}
		if (run.page !== undefined) return this.bulkPage(run, run.page);
		const record = {
			id: `record_${run.id.slice(0, 8)}`,
			action: run.action,
			...(run.actionKey ? { action_key: run.actionKey } : {}),
			...run.inputs,
		};
		const results =
			run.resultShape === 'array'
				? [record, { id: `record_${run.id.slice(0, 8)}_2`, action: run.action }]
				: run.resultShape === 'object'
					? record
					: [];
		return { status: 'success', results, errors: [] };
	}

	/** One page of a read_bulk run's records, the same records for every run, and the page after it. */
	private bulkPage(run: Run, page: number) {
		if (run.resultShape === 'empty') return { status: 'success', results: [], errors: [], next_page: null };
		const results = Array.from({ length: page < BULK_PAGES ? BULK_PAGE_SIZE : BULK_PAGE_SIZE - 1 }, (_, i) => ({
			id: `${run.actionKey ?? 'record'}_${(page - 1) * BULK_PAGE_SIZE + i + 1}`,
			action: run.action,
			action_key: run.actionKey,
			page,
			...run.inputs,
		}));
		return { status: 'success', results, errors: [], next_page: page < BULK_PAGES ? String(page + 1) : null };
	}
}

/** The rules both dialects' creations start with: a JSON body whose `data` is an object. */
export function runData(req: IncomingMessage, raw: string): { data: Record<string, unknown> } | { problem: Problem } {
	if (!req.headers['content-type']?.includes('application/json')) {
		return { problem: { code: 'unsupported_media_type', title: 'UnsupportedMediaType', detail: 'Send JSON.' } };
	}
	let body: unknown;
	try {
		body = JSON.parse(raw);
	} catch {
		return { problem: { code: 'parse_error', title: 'ParseError', detail: 'Malformed request.' } };
	}
	const data = (body as { data?: unknown })?.data;
	if (!data || typeof data !== 'object' || Array.isArray(data)) {
		return { problem: { code: 'required', title: 'ValidationError', detail: 'This field is required.', pointer: '/data' } };
	}
	return { data: data as Record<string, unknown> };
}

/** The rules both dialects' creations end with: `inputs` a dictionary, and a callback URL if any. */
export function checkInputsAndCallback({ inputs, callback_url: callbackUrl }: Record<string, unknown>): Problem | undefined {
	if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) {
		return { code: 'invalid', title: 'ValidationError', detail: 'Expected a dictionary of items.', pointer: '/data/inputs' };
	}
	// Zapier also wants HTTPS and a public address; the sandbox takes loopback HTTP, so that callbacks are testable here.
	if (callbackUrl !== undefined && (typeof callbackUrl !== 'string' || callbackUrl.length > 2_048 || !/^https?:\/\//.test(callbackUrl))) {
		return { code: 'invalid', title: 'ValidationError', detail: 'Enter a valid URL.', pointer: '/data/callback_url' };
	}
	return undefined;
}

/** The schema's rules for `POST /v2/action-runs`. */
export function validateRunRequest(req: IncomingMessage, raw: string): Problem | undefined {
	const body = runData(req, raw);
	if ('problem' in body) return body.problem;
	const { action, authentication } = body.data;
	if (typeof action !== 'string' || action === '') {
		return { code: 'invalid', title: 'ValidationError', detail: 'A valid action ID is required.', pointer: '/data/action' };
	}
	if (authentication !== undefined && authentication !== null && typeof authentication !== 'string') {
		return { code: 'invalid', title: 'ValidationError', detail: 'Must be a string or null.', pointer: '/data/authentication' };
	}
	return checkInputsAndCallback(body.data);
}

import type { IDataObject } from 'n8n-workflow';

import { isJsonObject } from './validate';

/** A run as this node reports it: the id it was created with, and what Zapier said of it. */
export interface ActionRun extends IDataObject {
	id: string;
	status: string;
	results: IDataObject[];
	errors: RunError[];
	/** A read_bulk action's next page of results, to run for next (the SDK API's `next_page`). */
	nextPage?: string;
}

export interface RunError extends IDataObject {
	code: string;
	title: string;
	detail: string;
	hint: string;
}

/** Only these end a run. `waiting`, `queued`, `running`, a missing status or a 202 mean go on. */
const FINAL_STATUSES = new Set(['success', 'error']);

export function isFinished(run: ActionRun): boolean {
	return FINAL_STATUSES.has(run.status);
}

/** Zapier's `errors` are authoritative, even next to `status: success`. */
export function hasFailed(run: ActionRun): boolean {
	return run.status === 'error' || run.errors.length > 0;
}

const HINTS: Record<string, string> = {
	user: 'Check the inputs sent to the action: the app refused them.',
	authentication: 'The connected account no longer works: reconnect it in Zapier, or choose another authentication.',
	partner: 'The app behind the action reported a problem; see the detail and meta.',
	system: 'Zapier had an internal problem running the action; try again later.',
	throttled: 'The app throttled this run: wait before running it again.',
	system_throttled: 'Zapier throttled this run: slow down and try again later.',
	hydration: 'Zapier could not load a file or reference from the inputs; check that any URLs in them are reachable.',
};

export function hintFor(code: string, delaySeconds?: number): string {
	if (code === 'throttled' && typeof delaySeconds === 'number') {
		return `The app throttled this run: wait ${delaySeconds} s before running it again.`;
	}
	return HINTS[code] ?? 'See the detail of the error in Zapier.';
}

function asObject(value: unknown): IDataObject {
	return isJsonObject(value) ? value : {};
}

/** A list, whatever Zapier sent: a list as it is, one thing as a list of one, nothing as none. */
function asList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	return value === undefined || value === null ? [] : [value];
}

/** Results as items: records as they are, anything else (text, numbers) under `value`; an empty record is none. */
function normaliseResults(results: unknown): IDataObject[] {
	if (isJsonObject(results) && !Object.keys(results).length) return [];
	return asList(results).map((result) => (isJsonObject(result) ? result : { value: result as string }));
}

function normaliseError(raw: unknown): RunError {
	const error = typeof raw === 'string' ? { detail: raw } : asObject(raw);
	const code = typeof error.code === 'string' ? error.code : 'unknown';
	const delay = typeof error.delay === 'number' ? error.delay : undefined;
	return {
		...error,
		code,
		title: typeof error.title === 'string' ? error.title : 'Run failed',
		detail: typeof error.detail === 'string' ? error.detail : '',
		hint: hintFor(code, delay),
	};
}

/** Reads a `GET /v2/action-runs/{id}` answer (or a callback body) into an ActionRun. */
export function normaliseRun(id: string, httpStatus: number, body: unknown): ActionRun {
	const data = asObject(asObject(body).data);
	const status = httpStatus === 202 || typeof data.status !== 'string' ? 'waiting' : data.status;
	const errors = asList(data.errors)
		.filter((error) => error !== '')
		.map(normaliseError);
	const nextPage =
		typeof data.next_page === 'number' || (typeof data.next_page === 'string' && data.next_page !== '')
			? String(data.next_page)
			: undefined;
	return { id, status, results: normaliseResults(data.results), errors, ...(nextPage !== undefined && { nextPage }) };
}

export function describeRunFailure(run: ActionRun): { message: string; description: string } {
	const [first] = run.errors;
	if (!first) {
		return {
			message: `The Zapier action run ${run.id} ended with status "error"`,
			description: 'Zapier gave no error details for this run.',
		};
	}
	const more = run.errors.length > 1 ? ` (and ${run.errors.length - 1} more)` : '';
	return {
		message: `The Zapier action run failed: ${first.title}${first.detail ? ` – ${first.detail}` : ''} [${first.code}]${more}`,
		description: `${first.hint} Run ID: ${run.id}.`,
	};
}

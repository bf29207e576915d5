/** Zapier's callbacks as they arrive: signed by a key from Zapier's JWKS, carrying one finished run. */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { Jwk, KeySource } from '../helpers/callbackSignature';
import { bindsBody, KeySet, UNKNOWN_KEY, verifyCallbackSignature } from '../helpers/callbackSignature';
import type { ActionRun } from '../helpers/runStatus';
import { normaliseRun } from '../helpers/runStatus';
import type { Checked } from '../helpers/validate';
import { checkId, isJsonObject } from '../helpers/validate';

export const SIGNATURE_HEADER = 'zapier-callback-signature';
const KEYS_TIMEOUT_MS = 10_000;
/** Key sets kept per JWKS URL; a workflow names one, so a handful is plenty. */
const MAX_KEY_SETS = 20;

/** The latest context fetches for a key set, so that a later callback never uses an earlier request's helpers. */
interface KeySetEntry {
	set: KeySet;
	fetch: () => Promise<Jwk[]>;
}
const keySets = new Map<string, KeySetEntry>();

async function fetchKeys(ctx: IWebhookFunctions, url: string): Promise<Jwk[]> {
	const body: unknown = await ctx.helpers.httpRequest({ method: 'GET', url, json: true, timeout: KEYS_TIMEOUT_MS });
	const keys = isJsonObject(body) && Array.isArray(body.keys) ? body.keys : [];
	return keys.filter(isJsonObject) as unknown as Jwk[];
}

/** The signing keys published at `url`, fetched once per process and again for an unknown key (at most once a minute). */
export function signingKeys(ctx: IWebhookFunctions, url: string): KeySource {
	let entry = keySets.get(url);
	if (!entry) {
		if (keySets.size >= MAX_KEY_SETS) keySets.delete(keySets.keys().next().value as string);
		const created: KeySetEntry = { fetch: async () => [], set: new KeySet(async () => await created.fetch()) };
		entry = created;
		keySets.set(url, entry);
	}
	entry.fetch = async () => await fetchKeys(ctx, url);
	return entry.set.source;
}

/** The request's body exactly as sent: the signature may bind its bytes. */
function rawBody(ctx: IWebhookFunctions): string {
	const raw = (ctx.getRequestObject() as { rawBody?: Buffer }).rawBody;
	return raw ? raw.toString('utf8') : JSON.stringify(ctx.getBodyData());
}

/**
 * `bound`: the token names this run or this body, so the body is Zapier's. Otherwise the signature
 * only proves that Zapier sent a callback: the run must be read from Zapier before it is believed.
 */
export type SignedCallback = Checked<ActionRun> & { unverifiable?: boolean; bound?: boolean };

/**
 * The run a callback carries, if Zapier signed it. `unverifiable` says the keys could not be fetched or
 * do not hold the token's key (Zapier may have rotated them),
 * which is no proof against the callback: Zapier should be asked to send it again.
 */
export async function readSignedCallback(ctx: IWebhookFunctions, keysUrl: string): Promise<SignedCallback> {
	const body = rawBody(ctx);
	const header = ctx.getHeaderData()[SIGNATURE_HEADER];
	const token = Array.isArray(header) ? header[0] : header;
	let verified;
	try {
		verified = await verifyCallbackSignature(token, body, signingKeys(ctx, keysUrl), Math.floor(Date.now() / 1000));
	} catch (error) {
		return { ok: false, problem: `the signing keys could not be fetched from ${keysUrl}: ${(error as Error).message}`, unverifiable: true };
	}
	if (!verified.ok) return { ...verified, unverifiable: verified.problem.startsWith(UNKNOWN_KEY) };
	// A verified signature has checked that the body is JSON.
	const parsed = JSON.parse(body) as IDataObject;
	const id = checkId(isJsonObject(parsed.data) ? parsed.data.id : undefined);
	if (!id.ok) return { ok: false, problem: `the callback's run ID ${id.problem}` };
	return { ok: true, value: normaliseRun(id.value, 200, parsed), bound: bindsBody(verified.value) };
}

/** Answers the request with an error and starts or resumes nothing. */
export function refuseCallback(ctx: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	const response = ctx.getResponseObject();
	response.status(status).json({ message });
	return { noWebhookResponse: true };
}

/** How long a callback may wait for the reads it needs, well within the time Zapier waits for an answer. */
export const CALLBACK_READS_MS = 20_000;

/** Refuses a callback that did not verify: 503 asks Zapier to send it again, 401 says it will never be accepted. */
export function refuseUnverified(ctx: IWebhookFunctions, callback: SignedCallback & { ok: false }): IWebhookResponseData {
	return callback.unverifiable
		? refuseCallback(ctx, 503, `Could not check the callback's signature: ${callback.problem}`)
		: refuseCallback(ctx, 401, `Callback refused: ${callback.problem}`);
}

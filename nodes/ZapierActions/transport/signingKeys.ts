/**
 * Fetching the JWKS that signs Zapier's callbacks, within bounds: a callback waits for it, and Zapier
 * waits for the callback's answer. Whole answer within 5 s, at most 64 KiB, no redirect followed.
 */
import type { IWebhookFunctions } from 'n8n-workflow';
import type { Readable } from 'node:stream';

import type { KeySource } from '../helpers/callbackSignature';
import { signingKeysOf } from '../helpers/callbackSignature';
import type { FetchedKeys } from '../helpers/keySet';
import { cacheMaxAgeMs, KeySet } from '../helpers/keySet';

export const KEYS_DEADLINE_MS = 5_000;
export const MAX_KEYS_BYTES = 64 * 1024;
/** Key sets kept per JWKS URL; a workflow names one, so a handful is plenty. */
const MAX_KEY_SETS = 20;

/** The body of a streamed answer, refused past `maxBytes` or once `signal` aborts. */
async function readBounded(stream: Readable, maxBytes: number, signal: AbortSignal): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	const onAbort = () => stream.destroy(new Error(`no complete answer within ${KEYS_DEADLINE_MS / 1000} s`));
	signal.addEventListener('abort', onAbort, { once: true });
	try {
		for await (const chunk of stream) {
			size += (chunk as Buffer).length;
			if (size > maxBytes) throw new Error(`the key set is larger than ${maxBytes / 1024} KiB`);
			chunks.push(chunk as Buffer);
		}
	} finally {
		signal.removeEventListener('abort', onAbort);
		stream.destroy();
	}
	if (signal.aborted) throw new Error(`no complete answer within ${KEYS_DEADLINE_MS / 1000} s`);
	return Buffer.concat(chunks).toString('utf8');
}

export async function fetchSigningKeys(ctx: IWebhookFunctions, url: string): Promise<FetchedKeys> {
	const deadline = new AbortController();
	const timer = setTimeout(() => deadline.abort(), KEYS_DEADLINE_MS);
	try {
		const response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			disableFollowRedirect: true,
			timeout: KEYS_DEADLINE_MS,
			abortSignal: deadline.signal,
		})) as { body: Readable; headers: Record<string, unknown> };
		const text = await readBounded(response.body, MAX_KEYS_BYTES, deadline.signal);
		let jwks: unknown;
		try {
			jwks = JSON.parse(text);
		} catch {
			throw new Error('the key set is not JSON');
		}
		return { keys: signingKeysOf(jwks), maxAgeMs: cacheMaxAgeMs(response.headers['cache-control']) };
	} catch (error) {
		throw deadline.signal.aborted ? new Error(`no complete answer within ${KEYS_DEADLINE_MS / 1000} s`) : error;
	} finally {
		clearTimeout(timer);
	}
}

/** The latest context fetches for a key set, so that a later callback never uses an earlier request's helpers. */
interface KeySetEntry {
	set: KeySet;
	fetch: () => Promise<FetchedKeys>;
}
const keySets = new Map<string, KeySetEntry>();

/** The signing keys published at `url`, kept per process. */
export function signingKeys(ctx: IWebhookFunctions, url: string): KeySource {
	let entry = keySets.get(url);
	if (!entry) {
		if (keySets.size >= MAX_KEY_SETS) keySets.delete(keySets.keys().next().value as string);
		const created: KeySetEntry = { fetch: async () => ({ keys: [] }), set: new KeySet(async () => await created.fetch()) };
		entry = created;
		keySets.set(url, entry);
	}
	entry.fetch = async () => await fetchSigningKeys(ctx, url);
	return entry.set;
}

/**
 * Fetching the JWKS that signs Zapier's callbacks, within bounds: a callback waits for it, and Zapier
 * waits for the callback's answer. Whole answer within 5 s, at most 64 KiB, no redirect followed.
 */
import type { IWebhookFunctions } from 'n8n-workflow';

import type { KeySource } from '../helpers/callbackSignature';
import { KeysUnavailable, signingKeysOf } from '../helpers/callbackSignature';
import type { FetchedKeys } from '../helpers/keySet';
import { cacheMaxAgeMs, KeySet } from '../helpers/keySet';
import { withinTime } from './timing';

const KEYS_DEADLINE_MS = 5_000;
const MAX_KEYS_BYTES = 64 * 1024;
/** Key sets kept per JWKS URL; a workflow names one, so a handful is plenty. */
const MAX_KEY_SETS = 20;

type BodyStream = AsyncIterable<Buffer> & { destroy(): void };

/** The body of a streamed answer, refused past `maxBytes`; it stops being read once `stop` aborts. */
async function readBounded(stream: BodyStream, maxBytes: number, stop: AbortSignal): Promise<string> {
	const chunks: Buffer[] = [];
	let size = 0;
	const onStop = () => stream.destroy();
	stop.addEventListener('abort', onStop, { once: true });
	try {
		for await (const chunk of stream) {
			size += chunk.length;
			if (size > maxBytes) throw new KeysUnavailable(`the key set is larger than ${maxBytes / 1024} KiB`);
			chunks.push(chunk);
		}
	} finally {
		stop.removeEventListener('abort', onStop);
		stream.destroy();
	}
	return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

async function readKeys(ctx: IWebhookFunctions, url: string, stop: AbortSignal): Promise<FetchedKeys> {
	const response = (await ctx.helpers.httpRequest({
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		disableFollowRedirect: true,
		timeout: KEYS_DEADLINE_MS,
		abortSignal: stop,
	})) as { body: BodyStream; headers: Record<string, unknown> };
	const text = await readBounded(response.body, MAX_KEYS_BYTES, stop);
	const jwks = parseJson(text);
	if (jwks === undefined) throw new KeysUnavailable('the key set is not JSON');
	return { keys: signingKeysOf(jwks), maxAgeMs: cacheMaxAgeMs(response.headers['cache-control']) };
}

/** The JWKS at `url`: all of it within 5 s, or an error. */
async function fetchSigningKeys(ctx: IWebhookFunctions, url: string): Promise<FetchedKeys> {
	const stop = new AbortController();
	try {
		const fetched = await withinTime(readKeys(ctx, url, stop.signal), KEYS_DEADLINE_MS);
		if (fetched === undefined) throw new KeysUnavailable(`no complete answer within ${KEYS_DEADLINE_MS / 1000} s`);
		return fetched;
	} finally {
		stop.abort();
	}
}

/** The latest context fetches for a key set, so that a later callback never uses an earlier request's helpers. */
interface KeySetEntry {
	set: KeySet;
	fetch: () => Promise<FetchedKeys>;
}
const keySets = new Map<string, KeySetEntry>();

/** The signing keys published at `url`, kept in memory, one set per URL. */
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

/**
 * Every URL the node sends a request to is built here, from the credential's base URL, path segments
 * and query parameters, and checked to stay under that base URL: nothing from a server, a list's page
 * token or a user's field can move a request, and the token with it, anywhere else.
 */
import type { Checked } from '../helpers/validate';

export type Query = Record<string, string | undefined>;

/** The credential's API base URL: http(s), no user info, query or fragment. */
export function parseBaseUrl(raw: string): Checked<URL> {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return { ok: false, problem: `"${raw}" is not a URL` };
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: `"${raw}" must start with https://` };
	if (url.username || url.password || url.search || url.hash) {
		return { ok: false, problem: `"${raw}" must not carry a user name, a query or a fragment` };
	}
	url.pathname = url.pathname.replace(/\/+$/, '');
	return { ok: true, value: url };
}

/** A segment that URL parsing would treat as a path step rather than a name. */
function isPathStep(segment: string): boolean {
	return segment === '' || /^(\.|%2e){1,2}$/i.test(segment);
}

/** The path of `segments`, each one encoded, with the trailing slash some of Zapier's paths end in. */
function ownPath(segments: readonly string[], trailingSlash = false): string {
	return `/${segments.map(encodeURIComponent).join('/')}${trailingSlash ? '/' : ''}`;
}

/** The URL of `segments` (each one encoded) and `query` under `base`, or why it cannot be built. */
export function apiUrl(base: URL, segments: readonly string[], query?: Query | URLSearchParams, trailingSlash = false): Checked<string> {
	const step = segments.find(isPathStep);
	if (step !== undefined) return { ok: false, problem: `"${step}" cannot be part of a URL path` };
	const prefix = base.pathname.replace(/\/+$/, '');
	const path = `${prefix}${ownPath(segments, trailingSlash)}`;
	const url = new URL(`${base.origin}${path}`);
	url.search = queryString(query);
	if (url.origin !== base.origin || url.pathname !== path) return { ok: false, problem: `"${path}" leaves the API's base URL` };
	return { ok: true, value: url.href };
}

/** The query as sent, empty values left out: also the cursor of a list's first page. */
export function queryString(query: Query | URLSearchParams = {}): string {
	if (query instanceof URLSearchParams) return query.toString();
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value);
	return params.toString();
}

/**
 * The page cursor in a list's `links.next`: only its query is kept, and only when the link names the
 * list's own path (directly, or under the base URL's path, as a proxy may rewrite it). Its host is
 * ignored: the next page is asked of the credential's base URL like every other request.
 */
export function nextCursor(next: unknown, base: URL, segments: readonly string[], trailingSlash = false): Checked<string | undefined> {
	if (next === undefined || next === null || next === '') return { ok: true, value: undefined };
	if (typeof next !== 'string') return { ok: false, problem: 'the next-page link is not text' };
	let url: URL;
	try {
		url = new URL(next, base);
	} catch {
		return { ok: false, problem: `the next-page link "${next}" is not a URL` };
	}
	const own = ownPath(segments, trailingSlash);
	const prefix = base.pathname.replace(/\/+$/, '');
	if (url.pathname !== own && url.pathname !== `${prefix}${own}`) {
		return { ok: false, problem: `the next-page link "${next}" leaves the list ${own}` };
	}
	return { ok: true, value: url.searchParams.toString() };
}

/** What a cursor this node gave out looks like: a query string as URLSearchParams writes it. */
const CURSOR = /^[A-Za-z0-9%*._+=&-]*$/;

/** A page cursor handed back by a caller (n8n's list search), as the query of the list's next page. */
export function cursorQuery(cursor: string): Checked<URLSearchParams> {
	if (!CURSOR.test(cursor)) return { ok: false, problem: `"${cursor}" is not a page token of this list` };
	return { ok: true, value: new URLSearchParams(cursor) };
}

/** Whether the base URL is Zapier's own API (and not a proxy or a local sandbox that speaks it). */
export function isZapierApi(base: URL): boolean {
	return base.protocol === 'https:' && (base.hostname === 'zapier.com' || base.hostname.endsWith('.zapier.com'));
}

/** Zapier's limit on a callback URL's length. */
const MAX_CALLBACK_URL_LENGTH = 2_048;

/** Hosts Zapier refuses to call back: loopback, private, link-local and unspecified addresses. */
function isPrivateHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	const ipv4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(host);
	if (ipv4) {
		const [a, b] = [Number(ipv4[1]), Number(ipv4[2])];
		return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
	}
	if (!host.includes(':')) return false;
	return host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
}

/**
 * A URL Zapier will call back when a run ends: at most 2,048 characters; for Zapier's own API also
 * HTTPS and a public address, as Zapier refuses anything else (a proxy or a sandbox decides for itself).
 */
export function checkCallbackUrl(raw: string, strict: boolean): Checked<string> {
	const text = raw.trim();
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return { ok: false, problem: `"${text}" is not a URL` };
	}
	if (text.length > MAX_CALLBACK_URL_LENGTH) return { ok: false, problem: `is longer than Zapier's ${MAX_CALLBACK_URL_LENGTH} characters` };
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !strict))
		return { ok: false, problem: `"${text}" must start with https://` };
	if (strict && isPrivateHost(url.hostname)) {
		return { ok: false, problem: `"${text}" points at a private or loopback address, which Zapier cannot call back` };
	}
	return { ok: true, value: url.href };
}

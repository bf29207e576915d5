import type { IDataObject } from 'n8n-workflow';

import type { ZapierContext } from './request';
import { zapierRequest } from './request';

/** At most this many pages are read from one list, whatever its links say. */
const MAX_PAGES = 100;

export interface Page {
	data: IDataObject[];
	/** Path and query of the next page, or undefined on the last one. */
	next?: string;
	/** Whether the answer had `links` at all (choices may come with only `meta.page`). */
	linked: boolean;
}

/**
 * The path and query of a `links.next` URL. Only those are kept and sent to the credential's own
 * base URL, so that a link pointing elsewhere can never receive the token.
 */
export function nextPath(body: IDataObject): string | undefined {
	const next = (body.links as IDataObject | undefined)?.next;
	if (typeof next !== 'string' || next === '') return undefined;
	const url = new URL(next, 'https://api.zapier.com');
	return `${url.pathname}${url.search}`;
}

export async function readPage(ctx: ZapierContext, path: string, body?: IDataObject): Promise<Page> {
	const response = await zapierRequest(ctx, { method: body ? 'POST' : 'GET', path, body, kind: 'read' });
	const data = Array.isArray(response.body.data) ? (response.body.data as IDataObject[]) : [];
	return { data, next: nextPath(response.body), linked: typeof response.body.links === 'object' && response.body.links !== null };
}

/** Every item of a paged list, following `links.next` until it is null. */
export async function readAllPages(ctx: ZapierContext, path: string, body?: IDataObject): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	let next: string | undefined = path;
	for (let page = 0; next && page < MAX_PAGES; page++) {
		const result = await readPage(ctx, next, body);
		items.push(...result.data);
		next = result.next;
	}
	return items;
}

export function withQuery(path: string, query: Record<string, string | undefined>): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
	const search = params.toString();
	return search ? `${path}?${search}` : path;
}

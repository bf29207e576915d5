import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isJsonObject } from '../helpers/validate';
import type { ZapierContext } from './request';
import { zapierRequest } from './request';
import type { Query } from './url';
import { cursorQuery, nextCursor, queryString } from './url';

/** At most this many pages are read from one list; a longer one is an error, never cut short silently. */
export const MAX_PAGES = 100;

/** A paged list of Zapier's: its path, first query and (for POSTed lists) body. */
export interface List {
	path: readonly string[];
	trailingSlash?: boolean;
	query?: Query;
	body?: IDataObject;
	/** Where the answer keeps its items and next-page link, when not where the Partner API does (`data`, `links.next`). */
	shape?: 'results';
}

export interface Page {
	data: IDataObject[];
	/** The next page's cursor (its query), or undefined on the last one. */
	next?: string;
	/** Whether the answer had `links` at all (choices may come with only `meta.page`). */
	linked: boolean;
}

function listName(list: List): string {
	return `/${list.path.join('/')}`;
}

function listError(ctx: ZapierContext, list: List, problem: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Could not read the Zapier list ${listName(list)}: ${problem}`);
}

/** One page of a list: the first, or the one a cursor names (a cursor only ever sets the query). */
export async function readPage(ctx: ZapierContext, list: List, cursor?: string): Promise<Page> {
	let query: Query | URLSearchParams | undefined = list.query;
	if (cursor !== undefined) {
		const parsed = cursorQuery(cursor);
		if (!parsed.ok) throw listError(ctx, list, parsed.problem);
		query = parsed.value;
	}
	const { path, trailingSlash, body: sent } = list;
	const response = await zapierRequest(ctx, { method: sent ? 'POST' : 'GET', path, trailingSlash, query, body: sent, kind: 'read' });
	const { body } = response;
	const links = list.shape === 'results' ? { next: body.next } : body.links;
	const linked = isJsonObject(links);
	const next = nextCursor(linked ? links.next : undefined, response.base, path, trailingSlash);
	if (!next.ok) throw listError(ctx, list, next.problem);
	const items = list.shape === 'results' ? body.results : body.data;
	const data = Array.isArray(items) ? (items.filter(isJsonObject) as IDataObject[]) : [];
	return { data, next: next.value, linked };
}

/**
 * Every item of a paged list, following `links.next` until it is null. `unlinkedNext` gives the
 * cursor of page N+1 for lists that answer without links (Zapier's choices count pages instead).
 * A page that comes round again ends the list; more than MAX_PAGES is an error.
 */
export async function readAllPages(
	ctx: ZapierContext,
	list: List,
	unlinkedNext?: (page: number, result: Page) => string | undefined,
): Promise<IDataObject[]> {
	const items: IDataObject[] = [];
	let cursor: string | undefined;
	const seen = new Set([queryString(list.query)]);
	for (let page = 1; ; page++) {
		if (page > MAX_PAGES) throw listError(ctx, list, `it has more than ${MAX_PAGES} pages`);
		const result = await readPage(ctx, list, cursor);
		items.push(...result.data);
		cursor = result.linked || !unlinkedNext ? result.next : unlinkedNext(page, result);
		if (cursor === undefined || seen.has(cursor)) return items;
		seen.add(cursor);
	}
}

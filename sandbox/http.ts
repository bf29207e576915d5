/** What every part of the sandbox answers with: one request's parts, route tables and their matching, JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Request {
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	/** Without trailing slashes. */
	path: string;
	url: URL;
	raw: string;
}

/** One line of a route table. */
export interface Route<R extends Request = Request> {
	/** Any method when absent. */
	method?: string;
	/** The exact path, or a RegExp whose groups are the handler's params. */
	pattern: string | RegExp;
	/** Matched against the path as sent, trailing slash and all (a strict server's routes), not the trimmed one. */
	exact?: boolean;
	/** What the request counters call the route. */
	name: string;
	handler: (request: R, params: string[]) => void | Promise<void>;
}

/** The first route of the table for this method and path, with the groups its pattern caught. */
export function match<T extends Pick<Route, 'method' | 'pattern' | 'exact'>>(
	routes: readonly T[],
	method: string,
	path: string,
	sentPath = path,
) {
	for (const route of routes) {
		if (route.method !== undefined && route.method !== method) continue;
		const target = route.exact ? sentPath : path;
		const found = typeof route.pattern === 'string' ? (route.pattern === target ? [target] : null) : route.pattern.exec(target);
		if (found) return { route, params: found.slice(1) };
	}
	return undefined;
}

export async function readRequest(req: IncomingMessage, res: ServerResponse): Promise<Request> {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return {
		req,
		res,
		method: req.method ?? 'GET',
		path: url.pathname.replace(/\/+$/, '') || '/',
		url,
		raw: Buffer.concat(chunks).toString('utf8'),
	};
}

/** A check a request failed, answered as a 400. */
export interface Problem {
	code: string;
	title: string;
	detail: string;
	pointer?: string;
}

export function apiError(status: number, code: string, title: string, detail: string, pointer?: string, parameter?: string) {
	const source = pointer ? { pointer } : parameter ? { parameter } : null;
	return { errors: [{ status, code, title, detail, source, meta: { source: 'SANDBOX' } }] };
}

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** JSON answers, sent at once or, for an answer marked slow, a byte at a time. */
export class Replies {
	private slowBodies = new WeakMap<ServerResponse, number>();
	private drips = new Set<NodeJS.Timeout>();

	json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
		const slowMs = this.slowBodies.get(res);
		if (slowMs) return this.drip(res, status, JSON.stringify(body), headers, slowMs);
		res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	}

	/** Whatever answers this request, its body trickles one byte every `everyMs`. */
	slow(res: ServerResponse, everyMs: number): void {
		this.slowBodies.set(res, everyMs);
	}

	/** Stops every body still trickling. */
	stop(): void {
		for (const timer of this.drips) clearInterval(timer);
		this.drips.clear();
	}

	/** Headers now, then the body a byte at a time, for as long as the client stays. */
	private drip(res: ServerResponse, status: number, text: string, headers: Record<string, string>, everyMs: number): void {
		// No Content-Length: the body goes out chunked, so the client keeps reading until the end.
		res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
		res.flushHeaders();
		const bytes = Buffer.from(text);
		let at = 0;
		const timer = setInterval(() => {
			if (res.destroyed) return stop();
			const byte = bytes.subarray(at, ++at);
			if (at < bytes.length) return void res.write(byte);
			stop();
			res.end(byte);
		}, everyMs);
		const stop = () => {
			clearInterval(timer);
			this.drips.delete(timer);
		};
		this.drips.add(timer);
		res.once('close', stop);
	}
}

/**
 * Another origin for tests: records every request it receives and answers each with a finished run,
 * so that a client which followed a redirect here would look successful. Listens on 127.0.0.1 only.
 */
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
	method: string;
	/** Path and query, as sent. */
	path: string;
	authorization?: string;
	/** Zapier's signature of a callback, when one came. */
	signature?: string;
	body: string;
	/** When it arrived (ms since the epoch). */
	at: number;
}

export class CaptureServer {
	url = '';
	requests: CapturedRequest[] = [];
	private server?: Server;

	async start(): Promise<string> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				this.requests.push({
					method: req.method ?? 'GET',
					path: req.url ?? '/',
					authorization: req.headers.authorization,
					signature: req.headers['zapier-callback-signature'] as string | undefined,
					body: Buffer.concat(chunks).toString('utf8'),
					at: Date.now(),
				});
				res.writeHead(200, { 'Content-Type': 'application/json' });
				res.end(JSON.stringify({ data: { id: 'stolen', status: 'success', results: [], errors: [] } }));
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		return this.url;
	}

	reset(): void {
		this.requests = [];
	}

	async stop(): Promise<void> {
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
		this.server = undefined;
	}
}

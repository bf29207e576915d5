/**
 * The npm registry as n8n's community-package installer reaches it, serving only the packed package,
 * on 127.0.0.1. n8n (1.x and 2.x) always runs `npm pack <name>@<version> --registry=https://registry.npmjs.org`
 * and asks that registry whether the version exists; another registry (N8N_COMMUNITY_PACKAGES_REGISTRY)
 * needs an enterprise licence. So this is an HTTPS proxy that n8n and its npm are pointed at
 * (`HTTPS_PROXY`, `npm_config_https_proxy`), which answers for registry.npmjs.org itself with a
 * certificate made for the run (trusted through `NODE_EXTRA_CA_CERTS` and `npm_config_cafile`) and
 * refuses every other host. Nothing leaves the machine.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REGISTRY_HOST = 'registry.npmjs.org';

interface Manifest {
	name: string;
	version: string;
	[key: string]: unknown;
}

export class LocalRegistry {
	readonly manifest: Manifest;
	/** Requests the registry answered, as `METHOD path status`. */
	readonly requests: string[] = [];
	/** What the proxy refused: other hosts (n8n's own services, say), plain HTTP. */
	readonly refused: string[] = [];
	private readonly tarball: Buffer;
	private readonly folder = mkdtempSync(join(tmpdir(), 'zapier-registry-'));
	private readonly sockets = new Set<Socket>();
	private proxy?: Server;
	private url = '';

	constructor(tarballPath: string) {
		this.tarball = readFileSync(tarballPath);
		this.manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarballPath, 'package/package.json']).toString()) as Manifest;
	}

	get certificate(): string {
		return join(this.folder, 'cert.pem');
	}

	async start(): Promise<void> {
		const key = join(this.folder, 'key.pem');
		// A certificate for the registry's name, which npm and Node check against the host.
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-newkey',
				'rsa:2048',
				'-nodes',
				'-keyout',
				key,
				'-out',
				this.certificate,
				'-days',
				'2',
				'-subj',
				`/CN=${REGISTRY_HOST}`,
				'-addext',
				`subjectAltName=DNS:${REGISTRY_HOST}`,
			],
			{ stdio: 'ignore' },
		);
		const registry = createTlsServer({ key: readFileSync(key), cert: readFileSync(this.certificate) }, (req, res) => this.answer(req, res));
		const proxy = createServer((req, res) => {
			// Plain HTTP through the proxy: nothing n8n or npm needs.
			this.refused.push(`${req.method} ${req.url}`);
			res.writeHead(403).end();
		});
		proxy.on('connect', (req: IncomingMessage, socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
			socket.on('error', () => socket.destroy());
			if (req.url !== `${REGISTRY_HOST}:443`) {
				this.refused.push(`CONNECT ${req.url}`);
				socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
				return;
			}
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			registry.emit('connection', socket);
		});
		await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
		this.proxy = proxy;
		this.url = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
	}

	/** What n8n's processes need to reach this registry (and only it) for registry.npmjs.org. */
	env(): Record<string, string> {
		return {
			HTTPS_PROXY: this.url,
			https_proxy: this.url,
			NO_PROXY: '127.0.0.1,localhost',
			no_proxy: '127.0.0.1,localhost',
			NODE_EXTRA_CA_CERTS: this.certificate,
			npm_config_https_proxy: this.url,
			npm_config_proxy: this.url,
			npm_config_noproxy: '127.0.0.1,localhost',
			npm_config_cafile: this.certificate,
			npm_config_audit: 'false',
			npm_config_fund: 'false',
			npm_config_update_notifier: 'false',
		};
	}

	async stop(): Promise<void> {
		for (const socket of this.sockets) socket.destroy();
		await new Promise((resolve) => (this.proxy ? this.proxy.close(resolve) : resolve(undefined)));
		rmSync(this.folder, { recursive: true, force: true });
	}

	private answer(req: IncomingMessage, res: ServerResponse): void {
		const { name, version } = this.manifest;
		const path = decodeURIComponent(new URL(req.url ?? '/', `https://${REGISTRY_HOST}`).pathname);
		const file = `${name}-${version}.tgz`;
		const send = (status: number, body: unknown) => {
			this.requests.push(`${req.method} ${path} ${status}`);
			if (Buffer.isBuffer(body)) {
				res.writeHead(status, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length }).end(body);
			} else {
				res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
			}
		};
		const published = {
			...this.manifest,
			_id: `${name}@${version}`,
			dist: {
				tarball: `https://${REGISTRY_HOST}/${name}/-/${file}`,
				shasum: createHash('sha1').update(this.tarball).digest('hex'),
				integrity: `sha512-${createHash('sha512').update(this.tarball).digest('base64')}`,
			},
		};
		if (req.method !== 'GET') return send(405, { error: 'method not allowed' });
		if (path === `/${name}`) {
			return send(200, { _id: name, name, 'dist-tags': { latest: version }, versions: { [version]: published } });
		}
		if (path === `/${name}/${version}` || path === `/${name}/latest`) return send(200, published);
		if (path === `/${name}/-/${file}`) return send(200, this.tarball);
		send(404, { error: 'Not found' });
	}
}

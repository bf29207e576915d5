/**
 * The setup every engine test file shares: one sandbox and one connected credential for the file,
 * the sandbox reset and the credential's settings put back before each test, and what tests ask of them.
 */
import { createHook } from 'node:async_hooks';

import type { ICredentialDataDecryptedObject, IDataObject, ILoadOptionsFunctions, IRun } from 'n8n-workflow';

import type { Execution, WorkflowJson } from '../../harness/engine';
import { loadOptionsContext, runWorkflow, startWorkflow } from '../../harness/engine';
import type { ConnectBy } from '../../harness/connectBy';
import { CONNECT_BY, isApiRoute, PARTNER_ROUTE_OF, routeOf } from '../../harness/connectBy';
import type { Engine, WorkflowOptions } from '../../harness/workflows';
import { connectCredential, CREDENTIAL_ID, startEngine, workflow, ZAPIER_NODE } from '../../harness/workflows';
import type { RateLimiter } from '../../nodes/ZapierActions/transport/rateLimit';
import { credentialLimiter } from '../../nodes/ZapierActions/transport/request';
import type { SandboxConfig } from '../../sandbox/server';
import { CaptureServer } from '../../harness/capture';

export interface EngineSetup {
	/** The sandbox's config at the start of each test. */
	sandbox?: Partial<SandboxConfig>;
	/** The credential the node connects with (else the one ZAPIER_CONNECT_BY names, the Partner OAuth2 by default). */
	connectBy?: ConnectBy;
	/** Another origin that records whatever reaches it, emptied before each test. */
	capture?: boolean;
}

export interface EngineTest extends Engine {
	readonly capture: CaptureServer;
	readonly connectBy: ConnectBy;
	/**
	 * How many requests the sandbox got on a route, e.g. `POST /v2/action-runs`: named as the Partner
	 * API names it, counted on the route of the API the credential speaks.
	 */
	requests(route: string): number;
	/** The name of the credential's API's route for what a Partner API route does (for the sandbox's faults). */
	route(route: string): string;
	/** The requests that reached Zapier's API (not the OAuth or sandbox routes), in order, named as the Partner API names them. */
	apiLog(): Array<{ route: string; at: number }>;
	credential(): ICredentialDataDecryptedObject;
	/** Changes fields of the credential for this test only. */
	setCredential(fields: IDataObject): void;
	/** Connects the credential again, with fresh tokens. */
	reconnect(): Promise<void>;
	/** The credential's rate limiter for these settings, as the node shares it. */
	limiter(limit: number, windowMs: number): RateLimiter;
	run(parameters: IDataObject, options?: WorkflowOptions): Promise<IRun>;
	runJson(json: WorkflowJson): Promise<IRun>;
	start(parameters: IDataObject, options?: WorkflowOptions): Execution;
	/** What the editor asks the node with, given its parameters. */
	context(parameters: IDataObject): ILoadOptionsFunctions;
}

/** Registers the file's hooks; what it returns is usable inside tests and hooks. */
export function useEngine(setup: EngineSetup = {}): EngineTest {
	let engine: Engine | undefined;
	let settings: ICredentialDataDecryptedObject = {};
	const capture = setup.capture ? new CaptureServer() : undefined;
	const started = (): Engine => {
		if (!engine) throw new Error('The engine starts in beforeAll');
		return engine;
	};
	const credential = () => started().credentials.get(CREDENTIAL_ID);
	const setCredential = (fields: IDataObject) =>
		started().credentials.set(CREDENTIAL_ID, { ...credential(), ...fields } as ICredentialDataDecryptedObject);

	const connectBy = setup.connectBy ?? CONNECT_BY;
	beforeAll(async () => {
		engine = await startEngine(connectBy);
		settings = { ...credential() };
		await capture?.start();
	});
	afterAll(async () => {
		await engine?.sandbox.stop();
		await capture?.stop();
	});
	beforeEach(() => {
		started().sandbox.reset(setup.sandbox);
		capture?.reset();
		// The tokens rotate as n8n refreshes them: only the settings go back.
		const { oauthTokenData, accessToken, renewAt } = credential();
		started().credentials.set(CREDENTIAL_ID, { ...settings, oauthTokenData, ...(accessToken !== undefined && { accessToken, renewAt }) });
	});

	return {
		get sandbox() {
			return started().sandbox;
		},
		get credentials() {
			return started().credentials;
		},
		get nodeTypes() {
			return started().nodeTypes;
		},
		get capture() {
			if (!capture) throw new Error('useEngine({ capture: true }) starts the capture server');
			return capture;
		},
		connectBy,
		route: (route) => routeOf(connectBy, route),
		requests: (route) => started().sandbox.counters.requests[routeOf(connectBy, route)] ?? 0,
		apiLog: () =>
			started()
				.sandbox.counters.log.filter((entry) => isApiRoute(entry.route))
				.map((entry) => ({ ...entry, route: PARTNER_ROUTE_OF[entry.route] ?? entry.route })),
		credential,
		setCredential,
		reconnect: async () => await connectCredential(started().sandbox, started().credentials, connectBy),
		limiter: (limit, windowMs) => credentialLimiter(CREDENTIAL_ID, new URL(started().sandbox.url), limit, windowMs),
		run: async (parameters, options) => await runWorkflow(workflow(parameters, options, connectBy), started()),
		runJson: async (json) => await runWorkflow(json, started()),
		start: (parameters, options) => startWorkflow(workflow(parameters, options, connectBy), started()),
		context: (parameters) => loadOptionsContext(workflow(parameters, {}, connectBy), ZAPIER_NODE, started()),
	};
}

/** A describe block for one credential's own behaviour, skipped when the suite runs with the other. */
export const onlyWith = (connectBy: ConnectBy) => (CONNECT_BY === connectBy ? describe : describe.skip);
/** A test of one credential's own behaviour (the Partner API's shapes, say), skipped with the other. */
export const testOnlyWith = (connectBy: ConnectBy) => (CONNECT_BY === connectBy ? test : test.skip);
/** What the sandbox echoes as the action of a run given the free-form ID `core:x` (under client credentials, Send Email's listing ID). */
export const echoedAction = (id: string) => (CONNECT_BY === 'clientCredentials' ? 'core:101' : id);

/** How the description of every creation that may have reached Zapier ends. */
export const NOT_SENT_AGAIN =
	'It was not sent again, so that the action runs at most once: check the action history in Zapier before running this item again.';

/** `n` items, `{ n: 0 }` to `{ n: n - 1 }`. */
export const items = (n: number) => Array.from({ length: n }, (_, i) => ({ n: i }));

/** A resource locator value, picked from the list unless told. */
export const rl = (value: string, mode = 'list') => ({ __rl: true, mode, value });

export const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** The workflow with n8n's "Retry On Fail" setting on the Zapier node. */
export function retrying(json: WorkflowJson, maxTries = 3): WorkflowJson {
	const node = json.nodes.find((candidate) => candidate.name === ZAPIER_NODE)!;
	Object.assign(node, { retryOnFail: true, maxTries, waitBetweenTries: 0 });
	return json;
}

/** How many runs the sandbox created for each input `n`. */
export function runsByInput(engine: EngineTest): Map<number, number> {
	const counts = new Map<number, number>();
	for (const run of engine.sandbox.runs.values()) counts.set(run.inputs.n as number, (counts.get(run.inputs.n as number) ?? 0) + 1);
	return counts;
}

/**
 * The timers the node sets from now on (those whose stack passes through nodes/ZapierActions), seen
 * through async_hooks: how many are pending and how many have fired. Jest's and Node's own timers,
 * which come and go meanwhile, are left out. Call stop() when done.
 */
export function nodeTimers() {
	const pending = new Set<number>();
	let fired = 0;
	const hook = createHook({
		init(id, type) {
			if (type !== 'Timeout') return;
			const limit = Error.stackTraceLimit;
			Error.stackTraceLimit = 100;
			const stack = new Error().stack ?? '';
			Error.stackTraceLimit = limit;
			if (stack.includes('/nodes/ZapierActions/')) pending.add(id);
		},
		before(id) {
			if (pending.has(id)) fired++;
		},
		destroy(id) {
			pending.delete(id);
		},
	}).enable();
	return {
		pending: () => pending.size,
		fired: () => fired,
		stop: () => void hook.disable(),
	};
}

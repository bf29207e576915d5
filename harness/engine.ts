/**
 * Runs workflows through n8n-core's real WorkflowExecute, with a credentials store that behaves like
 * n8n's: OAuth2 token data is read from it on every request and the refreshed (rotated) tokens are
 * written back to it. Nothing of the node's execution context is faked. Used by the engine tests, the
 * demo and the benchmark.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypes,
	IPinData,
	IRun,
	IWorkflowExecuteAdditionalData,
	IConnections,
	IWebhookData,
	IWebhookFunctions,
	IPollFunctions,
	IHookFunctions,
} from 'n8n-workflow';
import { ICredentialsHelper, Workflow } from 'n8n-workflow';
import { ExecutionLifecycleHooks, HookContext, LoadOptionsContext, PollContext, WebhookContext, WorkflowExecute } from 'n8n-core';

/** Stands in for n8n's Manual Trigger: the start of a workflow, whose items come from pin data. */
class ManualTrigger implements INodeType {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow',
		defaults: { name: 'When clicking "Execute workflow"' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}

/** Stands in for n8n's No Operation node: passes its items on. */
class NoOp implements INodeType {
	description = {
		displayName: 'No Operation',
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'Passes its items on',
		defaults: { name: 'No Operation' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export class NodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType>;

	constructor(nodes: Record<string, INodeType>) {
		this.types = { 'n8n-nodes-base.manualTrigger': new ManualTrigger(), 'n8n-nodes-base.noOp': new NoOp(), ...nodes };
	}

	getByName(name: string): INodeType {
		const type = this.types[name];
		if (!type) throw new Error(`Unknown node type ${name}`);
		return type;
	}

	getByNameAndVersion(name: string): INodeType {
		return this.getByName(name);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

function defaults(properties: INodeProperties[]): ICredentialDataDecryptedObject {
	return Object.fromEntries(properties.map((p) => [p.name, p.default])) as ICredentialDataDecryptedObject;
}

/** n8n's credentials helper for OAuth2 credentials, kept in memory. */
export class CredentialStore extends ICredentialsHelper {
	readonly data = new Map<string, ICredentialDataDecryptedObject>();
	readonly tokenUpdates: IDataObject[] = [];
	/** How many times a token was exchanged and saved through a credential's preAuthentication. */
	preAuthentications = 0;

	constructor(private readonly types: Record<string, ICredentialType>) {
		super();
	}

	set(id: string, data: ICredentialDataDecryptedObject): void {
		this.data.set(id, data);
	}

	get(id: string): ICredentialDataDecryptedObject {
		const stored = this.data.get(id);
		if (!stored) throw new Error(`No credential ${id}`);
		return stored;
	}

	getParentTypes(name: string): string[] {
		const parents = this.types[name]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** A type's own `authenticate` function signs the request, as n8n's helper does (OAuth2 types never get here). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		type: string,
		options: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.types[type]?.authenticate;
		return typeof authenticate === 'function' ? await authenticate(credentials, options) : options;
	}

	/** Exchanges the credential's token as n8n does: when its expirable field is empty or after a 401, saving the result. */
	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		type: string,
		node: INode,
		expired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.types[type];
		const expirable = credentialType?.properties.find((property) => property.type === 'hidden' && property.typeOptions?.expirable);
		if (!expirable || typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirable.name] !== '' && !expired) return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		const saved = node.credentials?.[type];
		if (!saved?.id) return undefined;
		this.preAuthentications++;
		this.data.set(saved.id, { ...this.get(saved.id), ...(structuredClone(output) as ICredentialDataDecryptedObject) });
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used by these tests');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.get(nodeCredentials.id!);
		return structuredClone({ ...defaults(this.getCredentialsProperties(type)), ...stored });
	}

	async updateCredentials(nodeCredentials: INodeCredentialsDetails, _type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.data.set(nodeCredentials.id!, structuredClone(data));
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.get(nodeCredentials.id!);
		this.tokenUpdates.push(structuredClone(data.oauthTokenData as IDataObject));
		this.data.set(nodeCredentials.id!, { ...stored, oauthTokenData: structuredClone(data.oauthTokenData) });
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}
}

/** A store for OAuth2 credential types: n8n's own oAuth2Api, which they extend, is known by name. */
export function oauth2CredentialStore(types: Record<string, ICredentialType>): CredentialStore {
	return new CredentialStore({ ...types, oAuth2Api: { name: 'oAuth2Api', displayName: 'OAuth2 API', properties: [] } });
}

export interface WorkflowJson {
	id?: string;
	name?: string;
	nodes: INode[];
	connections: IConnections;
	pinData?: IPinData;
}

export interface EngineOptions {
	nodeTypes: NodeTypes;
	credentials: CredentialStore;
	/** Where n8n would be reached to resume a waiting execution (`$execution.resumeUrl`). */
	webhookWaitingBaseUrl?: string;
	/** Where n8n's production webhooks would be reached (a trigger's webhook URL). */
	webhookBaseUrl?: string;
}

let executions = 0;

function additionalData(
	{ credentials, webhookWaitingBaseUrl, webhookBaseUrl }: EngineOptions,
	json: WorkflowJson,
): IWorkflowExecuteAdditionalData {
	const executionId = `execution-${++executions}`;
	const workflowData = {
		id: 'engine-test',
		name: json.name ?? 'engine test',
		nodes: json.nodes,
		connections: json.connections,
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
		activeVersionId: null,
		isArchived: false,
	};
	return {
		hooks: new ExecutionLifecycleHooks('manual', executionId, workflowData as never),
		executionId,
		credentialsHelper: credentials,
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not used here');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		formBaseUrl: 'http://127.0.0.1/form',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1/form-test',
		webhookBaseUrl: webhookBaseUrl ?? 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: webhookWaitingBaseUrl ?? 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1/mcp-test',
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Task runners are not used here');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

export interface Execution {
	/** Resolves when the workflow ends (or was cancelled). */
	done: Promise<IRun>;
	cancel(): void;
}

/**
 * What n8n keeps of an active workflow between its activation, polls and webhook calls: its static
 * data (saved with the workflow) and whether it is active.
 */
export interface Deployment {
	staticData: IDataObject;
	active: boolean;
}

function buildWorkflow(json: WorkflowJson, options: EngineOptions, deployment?: Deployment): Workflow {
	return new Workflow({
		id: json.id ?? 'engine-test',
		name: json.name ?? 'engine test',
		nodes: json.nodes,
		connections: json.connections,
		active: deployment?.active ?? false,
		nodeTypes: options.nodeTypes,
		staticData: deployment?.staticData ?? {},
		settings: {},
		pinData: json.pinData,
	});
}

export function startWorkflow(json: WorkflowJson, options: EngineOptions): Execution {
	const workflow = buildWorkflow(json, options);
	const execute = new WorkflowExecute(additionalData(options, json), 'manual');
	const startNode = json.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger');
	const promise = execute.run({ workflow, startNode, pinData: json.pinData });
	return { done: promise as unknown as Promise<IRun>, cancel: () => promise.cancel() };
}

export async function runWorkflow(json: WorkflowJson, options: EngineOptions): Promise<IRun> {
	return await startWorkflow(json, options).done;
}

/**
 * The context n8n's editor gets when it asks a node for list results, options or a resource
 * mapper's fields: n8n-core's own LoadOptionsContext, with the node's current parameters.
 */
export function loadOptionsContext(json: WorkflowJson, nodeName: string, options: EngineOptions): ILoadOptionsFunctions {
	const workflow = buildWorkflow(json, options);
	const node = workflow.getNode(nodeName)!;
	const data = additionalData(options, json);
	data.currentNodeParameters = node.parameters;
	return new LoadOptionsContext(workflow, node, data, `parameters`);
}

/**
 * What n8n does when a waiting execution's time is up (its wait tracker): the execution goes on from
 * the waiting node, which is not run again but passes its input on.
 */
export async function resumeAfterTimeout(json: WorkflowJson, options: EngineOptions, waiting: IRun): Promise<IRun> {
	const execute = new WorkflowExecute(additionalData(options, json), 'manual', structuredClone(waiting.data));
	return await execute.processRunExecutionData(buildWorkflow(json, options));
}

/** What a waiting node's webhook answered: its status and body, when it wrote the answer itself. */
export interface WebhookAnswer {
	status?: number;
	body?: unknown;
}

/**
 * The context n8n-core gives a node's webhook when a POST reaches it: a trigger's, or a waiting node's
 * at the execution's resume URL (`waiting`: the execution as it was saved). The answer the webhook
 * writes itself is kept in `answer`.
 */
export function webhookContext(
	json: WorkflowJson,
	nodeName: string,
	options: EngineOptions,
	request: { headers: Record<string, string | undefined>; body: string; query?: Record<string, string> },
	answer: WebhookAnswer,
	waiting?: IRun,
	deployment?: Deployment,
): IWebhookFunctions {
	const workflow = buildWorkflow(json, options, deployment);
	const data = additionalData(options, json);
	data.httpRequest = {
		headers: request.headers,
		body: JSON.parse(request.body),
		rawBody: Buffer.from(request.body),
		params: {},
		query: request.query ?? {},
	} as never;
	const response = {
		status(code: number) {
			answer.status = code;
			return response;
		},
		json(body: unknown) {
			answer.body = body;
			return response;
		},
	};
	data.httpResponse = response as never;
	const webhook = {
		httpMethod: 'POST',
		node: nodeName,
		path: '',
		workflowId: 'engine-test',
		webhookDescription: {},
	} as unknown as IWebhookData;
	return new WebhookContext(
		workflow,
		workflow.getNode(nodeName)!,
		data,
		'webhook',
		webhook,
		[],
		waiting ? structuredClone(waiting.data) : null,
	);
}

/** The context n8n-core gives a node's webhook methods when its workflow is activated (or deactivated). */
export function activationContext(json: WorkflowJson, nodeName: string, options: EngineOptions, deployment?: Deployment): IHookFunctions {
	const workflow = buildWorkflow(json, options, deployment);
	const data = additionalData(options, json);
	const webhook = {
		httpMethod: 'POST',
		node: nodeName,
		path: 'inbox',
		workflowId: workflow.id,
		webhookDescription: {},
	} as unknown as IWebhookData;
	return new HookContext(workflow, workflow.getNode(nodeName)!, data, 'trigger', 'activate', webhook);
}

/**
 * The context n8n-core gives a poll trigger: on its schedule (`trigger`), or for the editor's
 * Fetch Test Event (`manual`).
 */
export function pollContext(
	json: WorkflowJson,
	nodeName: string,
	options: EngineOptions,
	mode: 'trigger' | 'manual',
	deployment?: Deployment,
): IPollFunctions {
	const workflow = buildWorkflow(json, options, deployment);
	return new PollContext(
		workflow,
		workflow.getNode(nodeName)!,
		additionalData(options, json),
		mode,
		mode === 'manual' ? 'manual' : 'activate',
	);
}

/** The items a node output in its (last) run, on its first output. */
export function outputOf(run: IRun, nodeName: string): INodeExecutionData[] {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs?.length) return [];
	return runs[runs.length - 1].data?.main?.[0] ?? [];
}

/** The error that ended the workflow, if any. */
export function errorOf(run: IRun): (Error & { description?: string; context?: IDataObject }) | undefined {
	return run.data.resultData.error as (Error & { description?: string }) | undefined;
}

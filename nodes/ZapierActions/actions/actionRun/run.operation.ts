import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, ResourceMapperValue } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { withProof } from '../../helpers/callbackProof';
import { mappedInputs } from '../../helpers/fields';
import { compactRun } from '../../helpers/output.utils';
import { hasFailed } from '../../helpers/runStatus';
import { checkBoundedNumber, checkId, checkInputs, isEmpty, need } from '../../helpers/validate';
import type { RunRequest } from '../../transport/api/types';
import { dialectOf } from '../../transport/api/dialect';
import { callbackProofKey } from '../../transport/callbacks';
import type { ZapierResponse } from '../../transport/request';
import { refusedPointers, runMayExist } from '../../transport/requestErrors';
import { DeadlineReached } from '../../transport/timing';
import {
	actionLocator,
	actionTypeFilter,
	appLocator,
	authenticationLocator,
	inputFieldsMapper,
	onTimeoutOption,
	timeoutOption,
	TOOL_DEFAULT_TIMEOUT_SECONDS,
} from '../common.descriptions';
import type { ExecutionShared } from '../operation';
import type { Picks } from '../picks';
import { readPicks } from '../picks';
import { checkedCallbackUrl, resumeUrl, waitForCallbacks, waitingItem } from './callbackWait';
import { finishedRunOutput, timeoutMs } from './runOutput';
import type { WaitedRun } from './wait';
import { waitForRun } from './wait';
import { itemRunsOf } from '../itemRuns';

const DEFAULT_CONCURRENCY = 10;
const MAX_PAGES = 100;
const MAX_CONCURRENCY = 100;

const inputsMode: INodeProperties = {
	displayName: 'Inputs',
	name: 'inputsMode',
	type: 'options',
	default: 'map',
	options: [
		{ name: 'Map Each Field', value: 'map', description: "Fill the action's fields as Zapier lists them" },
		{ name: 'JSON', value: 'json', description: 'Give all inputs as one JSON object' },
	],
};

const properties: INodeProperties[] = [
	appLocator,
	// Rooted ('/'): n8n 1.x resolves only a sibling's name or a root path, and fails every execution
	// ("Max iterations reached!") on a bare 'action.mode'. At the top level both read the same value.
	{ ...actionTypeFilter, displayOptions: { show: { '/action.mode': ['list'] } } },
	actionLocator,
	authenticationLocator,
	// Map Each Field for new nodes (version 1.1); version 1 keeps JSON, the default its workflows were saved with.
	{ ...inputsMode, default: 'json', displayOptions: { show: { '@version': [1] } } },
	{ ...inputsMode, default: 'map', displayOptions: { show: { '@version': [1.1, 1.2] } } },
	{ ...inputFieldsMapper, displayOptions: { show: { inputsMode: ['map'] } } },
	{
		displayName: 'Inputs (JSON)',
		name: 'inputs',
		type: 'json',
		default: '{}',
		displayOptions: { show: { inputsMode: ['json'] } },
		description: 'The action\'s input fields as a JSON object of field ID to value, e.g. {"email": "me@example.com"}',
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description: 'Whether to wait for the run to finish and return its results. Otherwise the run ID is returned at once.',
	},
	{
		displayName: 'Wait By',
		name: 'waitBy',
		type: 'options',
		options: [
			{
				name: 'Reading the Run',
				value: 'polling',
				description: 'Read the run until it finishes, on a schedule that spares the rate limit. Works everywhere.',
			},
			{
				name: "Zapier's Callback",
				value: 'callback',
				description:
					"The execution waits without holding a worker until Zapier calls back when the run ends. n8n's WEBHOOK_URL must be a public HTTPS address.",
			},
		],
		default: 'polling',
		// An agent's tool call always reads its run: the agent needs the answer within the call.
		displayOptions: { show: { waitForCompletion: [true] }, hide: { '@tool': [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ ...onTimeoutOption, displayOptions: { show: { '/waitForCompletion': [true] } } },
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://your-n8n.example.com/webhook/zapier-runs',
				description:
					'Where Zapier POSTs the run when it ends (HTTPS, a public address). Without waiting, a run then costs one request: handle the finished runs in the workflow behind that URL.',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'The Run', value: 'run', description: 'One item with ID, status, results and errors' },
					{ name: 'One Item per Result', value: 'results', description: 'Each result of the run as an item' },
				],
				default: 'run',
				displayOptions: { show: { '/waitForCompletion': [true] } },
			},
			{
				displayName: 'Page',
				name: 'page',
				type: 'string',
				default: '',
				description: "The page of a read_bulk action's results to start from: the Next Page of an earlier run",
				displayOptions: { show: { '/authentication': ['clientCredentials'] } },
			},
			{
				displayName: 'Pages to Read',
				name: 'pages',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_PAGES, numberPrecision: 0 },
				default: 1,
				description: `For actions that return results in pages (read_bulk): how many pages to run for, one run (and one Zapier task) each, at most ${MAX_PAGES}. Their results are joined; the run's Next Page names the page after.`,
				displayOptions: { show: { '/waitForCompletion': [true], '/authentication': ['clientCredentials'] } },
			},
			{
				displayName: 'Return Run Errors as Data',
				name: 'returnRunErrorsAsData',
				type: 'boolean',
				default: false,
				description: 'Whether a run that ends in error is output as an item instead of failing',
				displayOptions: { show: { '/waitForCompletion': [true] } },
			},
			{
				displayName: 'Runs in Flight',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
				default: DEFAULT_CONCURRENCY,
				description:
					"How many items' runs may be going at once. All of them share the credential's rate limit; output keeps the input order.",
			},
			{ ...timeoutOption, displayOptions: { show: { '/waitForCompletion': [true] } } },
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['actionRun'], operation: ['run'] } }, properties);

/** The inputs, from the mapped fields or the JSON. */
function readInputs(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	if (ctx.getNodeParameter('inputsMode', itemIndex, 'map') === 'json') {
		return need(ctx.getNode(), 'Inputs', checkInputs(ctx.getNodeParameter('inputs', itemIndex, '{}')), itemIndex);
	}
	const mapped = ctx.getNodeParameter('inputFields', itemIndex, null) as ResourceMapperValue | null;
	return need(ctx.getNode(), 'Inputs', mappedInputs(mapped?.value, mapped?.schema), itemIndex);
}

/** Items run at once: Runs in Flight, read once for the node (a whole number from 1 to 100). */
export function concurrency(ctx: IExecuteFunctions): number {
	const value = Math.floor(Number(ctx.getNodeParameter('options.concurrency', 0, DEFAULT_CONCURRENCY)));
	return Number.isFinite(value) && value >= 1 ? Math.min(value, MAX_CONCURRENCY) : DEFAULT_CONCURRENCY;
}

/** An agent gets the run, compact; the Output option's one item per result is for workflows. */
export const toolOutput = compactRun;

export async function execute(this: IExecuteFunctions, itemIndex: number, shared: ExecutionShared): Promise<INodeExecutionData[]> {
	const startedAt = Date.now();
	const inputs = readInputs(this, itemIndex);
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const timeout = wait ? timeoutMs(this, options, itemIndex, shared.asTool) : 0;
	// An agent waits on the whole call: the Timeout counts from its start, and a run that the rate limit
	// would hold past it (or past a tool's default Timeout, when that is longer) is not sent.
	const callDeadline = shared.asTool ? startedAt + timeout : Infinity;
	const sendBy = shared.asTool ? startedAt + Math.max(timeout, TOOL_DEFAULT_TIMEOUT_SECONDS * 1000) : undefined;
	const waitSince = (pressure: number) => ({ at: shared.asTool ? startedAt : Date.now(), pressure });
	const byCallback = wait && waitsByCallback(this, options, itemIndex, shared);
	const callbackUrl = byCallback ? { callback_url: await resumeUrl(this, itemIndex) } : await readCallbackUrl(this, options, itemIndex);

	const startPage = isEmpty(options.page) ? {} : { page: String(options.page).trim() };
	const { id, pressure } = await runOnce(this, itemIndex, shared, { inputs, ...startPage, ...callbackUrl }, sendBy);
	if (!wait) return [{ json: { id, status: 'waiting' } }];
	if (byCallback) {
		shared.callbackDeadline = Math.max(shared.callbackDeadline ?? 0, Date.now() + timeout);
		return [{ json: waitingItem(id) }];
	}

	let waited = await waitForRun(this, id, timeout, itemIndex, waitSince(pressure), shared.durations);
	for (let page = 2; page <= pagesToRead(this, options, itemIndex) && waited.run.nextPage !== undefined; page++) {
		if (waited.timedOut || hasFailed(waited.run) || Date.now() >= callDeadline) break;
		const pageRuns = { ...shared, runs: itemRunsOf(this, page) };
		const next = await runOnce(this, itemIndex, pageRuns, { inputs, page: waited.run.nextPage }, sendBy);
		waited = joinPages(waited, await waitForRun(this, next.id, timeout, itemIndex, waitSince(next.pressure), shared.durations));
	}
	return finishedRunOutput(this, waited, itemIndex, {
		onTimeout: options.onTimeout as string | undefined,
		output: shared.asTool ? 'run' : (options.output as string | undefined),
		returnRunErrorsAsData: options.returnRunErrorsAsData as boolean | undefined,
		timeoutSeconds: timeout / 1000,
	});
}

function pagesToRead(ctx: IExecuteFunctions, options: IDataObject, itemIndex: number): number {
	if (options.pages === undefined) return 1;
	return need(
		ctx.getNode(),
		'Pages to Read',
		checkBoundedNumber(options.pages, { min: 1, max: MAX_PAGES, fallback: 1, whole: true }),
		itemIndex,
	);
}

/** The item's run with the next page's results after its own: the first run's ID, the last one's status and next page. */
function joinPages(earlier: WaitedRun, later: WaitedRun): WaitedRun {
	const pageRuns = [...((earlier.run.pageRuns as string[] | undefined) ?? [earlier.run.id]), later.run.id];
	const run = { ...later.run, id: earlier.run.id, results: [...earlier.run.results, ...later.run.results], pageRuns };
	const durationMs = earlier.durationMs !== undefined && later.durationMs !== undefined ? earlier.durationMs + later.durationMs : undefined;
	return { run, timedOut: later.timedOut, ...(durationMs !== undefined && { durationMs }) };
}

/**
 * Whether the item waits by Zapier's callback. An agent's tool call always reads the run: the agent
 * needs its answer within the call.
 */
function waitsByCallback(ctx: IExecuteFunctions, options: IDataObject, itemIndex: number, shared: ExecutionShared): boolean {
	if (shared.asTool || ctx.getNodeParameter('waitBy', itemIndex, 'polling') !== 'callback') return false;
	const conflict = !isEmpty(options.callbackUrl)
		? "Callback URL is set: waiting by callback sends the execution's own resume URL. Clear Callback URL, or wait by reading the run."
		: options.onTimeout === 'fail'
			? 'On Timeout is "Fail", which cannot apply: n8n resumes a wait that timed out without running the node, so the runs are output as still waiting. Choose "Return the Run as Still Waiting", or wait by reading the run.'
			: undefined;
	if (conflict) {
		throw new NodeOperationError(ctx.getNode(), `Wait By "Zapier's Callback" cannot be used with these options`, {
			itemIndex,
			description: `${conflict} Nothing was sent to Zapier for this item.`,
		});
	}
	return true;
}

/** Runs that call back when they end: the execution waits for them without holding a worker. */
export async function settle(this: IExecuteFunctions, output: INodeExecutionData[], shared: ExecutionShared): Promise<void> {
	if (shared.callbackDeadline !== undefined) await waitForCallbacks(this, output, shared.callbackDeadline);
}

/**
 * The callback URL to send, checked as Zapier would check it when the credential talks to Zapier
 * itself. A Zapier Action Run Trigger's URL gets a proof, made with the credential, that this n8n
 * started the run.
 */
async function readCallbackUrl(ctx: IExecuteFunctions, options: IDataObject, itemIndex: number): Promise<{ callback_url?: string }> {
	const raw = options.callbackUrl;
	if (isEmpty(raw)) return {};
	const url = await checkedCallbackUrl(ctx, 'Callback URL', String(raw), itemIndex);
	const proven = withProof(url, await callbackProofKey(ctx), Math.floor(Date.now() / 1000));
	return { callback_url: proven === url ? url : await checkedCallbackUrl(ctx, 'Callback URL', proven, itemIndex) };
}

type Creation = { response: ZapierResponse } | { error: NodeApiError | NodeOperationError };

/** What is sent to create a run besides the action and the account, which come from the pickers. */
type RunContent = Omit<RunRequest, 'action' | 'authentication'>;

/**
 * The item's run ID: of the run an earlier try of this node made in this execution, or of a new run.
 * An action picked by key whose ID Zapier refuses as stale (a 400 that proves nothing was created)
 * is looked up again and tried once more. A run that the rate limit would hold past `sendBy` is not sent.
 */
async function runOnce(
	ctx: IExecuteFunctions,
	itemIndex: number,
	shared: ExecutionShared,
	content: RunContent,
	sendBy?: number,
): Promise<{ id: string; pressure: number }> {
	const earlier = shared.runs.get(itemIndex);
	if (earlier && 'id' in earlier) return { id: earlier.id, pressure: 0 };
	if (earlier) throw mayExistError(ctx, itemIndex, earlier.mayExist);

	const zapier = dialectOf(ctx);
	const create = async (picks: Picks): Promise<Creation> =>
		await zapier.createRun(ctx, { action: picks.action, authentication: picks.authentication, ...content }, itemIndex, sendBy).then(
			(response) => ({ response }),
			(error: NodeApiError | NodeOperationError) => ({ error }),
		);
	const picks = await readPicks(ctx, itemIndex, shared.actions);
	let created = await create(picks);
	if ('error' in created && picks.byKey && refusedPointers(created.error).includes('/data/action')) {
		created = await create(await readPicks(ctx, itemIndex, shared.actions, picks.action));
	}
	if ('error' in created && created.error instanceof DeadlineReached) throw notSentInTime(ctx, itemIndex);
	if ('error' in created) {
		const { message, description } = created.error;
		if (runMayExist(created.error)) shared.runs.set(itemIndex, { mayExist: { message, description } });
		throw created.error;
	}
	const id = checkId(zapier.createdRunId(created.response));
	if (!id.ok) {
		const mayExist = {
			message: 'Zapier accepted the run but returned no usable run ID',
			description: `The run ID ${id.problem}. The run may exist in Zapier; it was not created again.`,
		};
		shared.runs.set(itemIndex, { mayExist });
		throw mayExistError(ctx, itemIndex, mayExist);
	}
	shared.runs.set(itemIndex, { id: id.value });
	return { id: id.value, pressure: created.response.pressure };
}

/** The credential's rate limit would have held the run past what the call can wait. */
function notSentInTime(ctx: IExecuteFunctions, itemIndex: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), "Zapier's rate limit would hold the run longer than this call can wait", {
		itemIndex,
		description: 'Nothing was sent to Zapier for this item. Call again in a minute.',
	});
}

/** A creation that may have reached Zapier, reported again on every later try: it is never re-sent. */
function mayExistError(
	ctx: IExecuteFunctions,
	itemIndex: number,
	what: { message: string; description?: string | null },
): NodeOperationError {
	const error = new NodeOperationError(ctx.getNode(), what.message, { itemIndex, description: what.description ?? undefined });
	error.context.runMayExist = true;
	return error;
}

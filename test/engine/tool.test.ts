/**
 * The node as an AI agent's tool (its `…Tool` type, as n8n runs it for an agent or an MCP client): the
 * agent waits on the whole call, so making the run and reading it share one Timeout.
 */
import { errorOf, outputOf } from '../../harness/engine';
import { TOOL_TYPE, workflow, ZAPIER_NODE } from '../../harness/workflows';
import { useEngine } from './setup';

const engine = useEngine({ sandbox: { runDurationMs: 150 } });
const { requests, setCredential } = engine;

/** One tool call: the Run operation with these parameters, as an agent's tool. */
async function callTool(parameters: Record<string, unknown>) {
	const json = workflow({ action: 'core:x', inputs: '{"q": 1}', ...parameters }, {}, engine.connectBy);
	json.nodes.find((node) => node.name === ZAPIER_NODE)!.type = TOOL_TYPE;
	const result = await engine.runJson(json);
	expect(errorOf(result)).toBeUndefined();
	return outputOf(result, ZAPIER_NODE).map((item) => item.json);
}

test("a run still going at the tool's Timeout comes back with its ID, to read later", async () => {
	engine.sandbox.configure({ runDurationMs: 60_000 });
	const answer = await callTool({ options: { timeout: 1 } });
	const [run] = engine.sandbox.runs.values();
	expect(answer).toEqual([{ status: 'waiting', results: [], id: run.id }]);
	expect(engine.sandbox.counters.runsCreated).toBe(1);
});

test("a run Zapier's rate limit would hold past what the call can wait is not sent, and the answer says so", async () => {
	// A limiter of this test's own (the limiter is the credential's, for these settings): the 429 cools it down.
	setCredential({ rateLimit: 4_321, rateLimitWindowSeconds: 1 });
	// A cooldown longer than the Timeout and than a tool's default Timeout (45 s).
	engine.sandbox.injectFaults('POST', { status: 429, retryAfter: '60' });
	const answer = await callTool({ options: { timeout: 2 } });
	expect(answer).toEqual([
		{
			error:
				"Zapier's rate limit would hold the run longer than this call can wait. Nothing was sent to Zapier for this item. Call again in a minute.",
		},
	]);
	expect(requests('POST /v2/action-runs')).toBe(1);
	expect(engine.sandbox.counters.runsCreated).toBe(0);
	// It answered without waiting out the cooldown.
	expect(engine.limiter(4_321, 1_000).isCoolingDown(Date.now())).toBe(true);
});

test('a run the rate limit holds only briefly is sent, even past a short Timeout, and comes back with its ID', async () => {
	setCredential({ rateLimit: 4_323, rateLimitWindowSeconds: 1 });
	engine.sandbox.configure({ runDurationMs: 60_000 });
	engine.sandbox.injectFaults('POST', { status: 429, retryAfter: '2' });
	const answer = await callTool({ options: { timeout: 1 } });
	const [run] = engine.sandbox.runs.values();
	expect(answer).toEqual([{ status: 'waiting', results: [], id: run.id }]);
	expect(requests('POST /v2/action-runs')).toBe(2);
});

test("a creation Zapier answers late is waited for, so that the call returns the run's ID", async () => {
	engine.sandbox.configure({ runDurationMs: 60_000 });
	engine.sandbox.injectFaults('POST', { delayMs: 3_000 });
	const answer = await callTool({ options: { timeout: 1 } });
	const [run] = engine.sandbox.runs.values();
	expect(answer).toEqual([{ status: 'waiting', results: [], id: run.id }]);
	expect(requests('POST /v2/action-runs')).toBe(1);
});

test('without waiting, a tool call creates the run and answers with its ID at once', async () => {
	const answer = await callTool({ waitForCompletion: false });
	const [run] = engine.sandbox.runs.values();
	expect(answer).toEqual([{ status: 'waiting', id: run.id }]);
});

test("without waiting, a tool call's run that the rate limit would hold past a tool's 45 s is not sent either", async () => {
	setCredential({ rateLimit: 4_322, rateLimitWindowSeconds: 1 });
	engine.sandbox.injectFaults('POST', { status: 429, retryAfter: '60' });
	expect(await callTool({ waitForCompletion: false })).toEqual([
		{ error: expect.stringMatching(/^Zapier's rate limit would hold the run longer than this call can wait\. Nothing was sent/) },
	]);
	expect(engine.sandbox.counters.runsCreated).toBe(0);
	expect(engine.limiter(4_322, 1_000).isCoolingDown(Date.now())).toBe(true);
});

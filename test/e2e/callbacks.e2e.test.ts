/**
 * Zapier's callbacks in a real n8n: the sandbox calls back, signed, through n8n's webhook server. The
 * Zapier Action Run Trigger starts one execution per finished run and none for anything unsigned or
 * forged; an execution waiting by callback is resumed by n8n's wait/resume, or passes its runs on
 * as still waiting when no callback comes in time.
 */
import { CONNECT_BY, isApiRoute, PARTNER_ROUTE_OF } from '../../harness/connectBy';
import { freePort } from '../../harness/n8n';
import type { Stack } from '../../harness/stack';
import { startStack } from '../../harness/stack';
import { CaptureServer } from '../../harness/capture';
import { ACCOUNT_TRIGGER_WEBHOOK_ID, callbackWorkflows, MARKING_TRIGGER_WEBHOOK_ID, triggerUrl } from '../../harness/callbackWorkflows';

let stack: Stack;
let capture: CaptureServer;

beforeAll(async () => {
	capture = new CaptureServer();
	await capture.start();
	const sandboxPort = await freePort();
	stack = await startStack({
		sandboxPort,
		workflows: callbackWorkflows(`http://127.0.0.1:${sandboxPort}/.well-known/jwks.json`, capture.url),
	});
}, 900_000);

afterAll(async () => {
	await stack?.stop();
	await capture?.stop();
});

beforeEach(() => {
	stack.sandbox.reset({ runDurationMs: 500 });
	capture.reset();
});

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** What executions reported at `path`, once `count` have (or the time is up). */
async function reports(path: string, count: number, withinMs = 30_000): Promise<any[]> {
	const deadline = Date.now() + withinMs;
	const found = () => capture.requests.filter((request) => request.path === path);
	while (found().length < count && Date.now() < deadline) await sleep(100);
	return found().map((request) => JSON.parse(request.body));
}

/** The status of every callback delivery, once `count` have been made. */
async function answers(count: number, withinMs = 30_000): Promise<number[]> {
	const deadline = Date.now() + withinMs;
	while (stack.sandbox.counters.callbackAnswers.length < count && Date.now() < deadline) await sleep(100);
	return stack.sandbox.counters.callbackAnswers.map((answer) => answer.status);
}

/** The API requests the sandbox answered, by route as the Partner API names it (its JWKS and token endpoint aside). */
function apiRequests(): Record<string, number> {
	const { requests } = stack.sandbox.counters;
	return Object.fromEntries(
		Object.entries(requests)
			.filter(([route]) => isApiRoute(route))
			.map(([route, count]) => [PARTNER_ROUTE_OF[route] ?? route, count]),
	);
}

/** Another Zapier account's run, in the dialect of the suite's credential. */
const foreignRun = (url: string) => stack.sandbox.foreignRun(url, CONNECT_BY === 'clientCredentials' ? 'sdk' : 'partner');

async function startRuns(count: number, callbackUrl: string): Promise<string[]> {
	const items = Array.from({ length: count }, (_, n) => ({ n }));
	const response = await stack.n8n.callWebhook('e2e-cb-start', { items, callbackUrl });
	expect(response.status).toBe(200);
	return (response.body as Array<{ id: string; status: string }>).map((run) => {
		expect(run.status).toBe('waiting');
		return run.id;
	});
}

describe('Zapier Action Run Trigger', () => {
	test('five runs started without waiting: one request each, and one execution per finished run, with its results', async () => {
		const ids = await startRuns(5, triggerUrl(stack.n8n.url));
		const received = await reports('/trigger', 5);
		expect(received.map((run) => run.id).sort()).toEqual([...ids].sort());
		for (const run of received) {
			expect(run).toEqual({
				id: run.id,
				status: 'success',
				results: [expect.objectContaining({ n: expect.any(Number) }), expect.anything()],
				errors: [],
			});
		}
		expect(await answers(5)).toEqual(Array(5).fill(200));
		expect(apiRequests()).toEqual({ 'POST /v2/action-runs': 5 });
	});

	test('a run delivered twice starts one execution; by option, the second is output marked as a redelivery', async () => {
		stack.sandbox.configure({ callbackDelivery: 'twice' });
		const [dropped] = await startRuns(1, triggerUrl(stack.n8n.url));
		const [marked] = await startRuns(1, triggerUrl(stack.n8n.url, MARKING_TRIGGER_WEBHOOK_ID));
		expect(await answers(4)).toEqual([200, 200, 200, 200]);
		await sleep(1_000);
		expect((await reports('/trigger', 1)).map((run) => [run.id, run.redelivery])).toEqual([[dropped, undefined]]);
		// Two executions at once: their reports may arrive in either order.
		const markedRuns = (await reports('/trigger-marked', 2)).map((run) => [run.id, run.redelivery ?? false]);
		expect(markedRuns.sort(([, a], [, b]) => Number(a) - Number(b))).toEqual([
			[marked, false],
			[marked, true],
		]);
	});

	test("a signature with only the claims Zapier documents: the URL's proof vouches that the run is this n8n's, one execution, no read", async () => {
		stack.sandbox.configure({ callbackSignature: 'unbound' });
		const [id] = await startRuns(1, triggerUrl(stack.n8n.url));
		expect(stack.sandbox.state().runs.map((run) => run.callbackUrl)).toEqual([
			expect.stringMatching(new RegExp(`^${triggerUrl(stack.n8n.url)}\\?zapier_proof=v1\\.`)),
		]);
		expect((await reports('/trigger', 1)).map((run) => run.id)).toEqual([id]);
		expect(await answers(1)).toEqual([200]);
		expect(apiRequests()).toEqual({ 'POST /v2/action-runs': 1 });
	});

	test("another Zapier account's run, called back to the trigger's URL and genuinely signed, starts no execution", async () => {
		foreignRun(triggerUrl(stack.n8n.url));
		expect(await answers(1)).toEqual([401]);
		await sleep(1_500);
		expect(capture.requests).toEqual([]);
	});

	test("accepting any run of the credential's account: a run pasted by hand is read and starts one execution; another account's starts none", async () => {
		stack.sandbox.configure({ callbackSignature: 'unbound' });
		const url = triggerUrl(stack.n8n.url, ACCOUNT_TRIGGER_WEBHOOK_ID);
		foreignRun(url);
		expect(await answers(1)).toEqual([404]);
		const [id] = await startRuns(1, url);
		expect((await reports('/trigger-account', 1)).map((run) => run.id)).toEqual([id]);
		expect(await answers(2)).toEqual([404, 200]);
		expect(apiRequests()).toEqual({ 'POST /v2/action-runs': 1, 'GET /v2/action-runs/:id': 2 });
	});

	test.each(['forged', 'expired', 'none'] as const)('a %s signature is answered 401 and starts no execution', async (callbackSignature) => {
		stack.sandbox.configure({ callbackSignature });
		await startRuns(2, triggerUrl(stack.n8n.url));
		expect(await answers(2)).toEqual([401, 401]);
		await sleep(1_500);
		expect(capture.requests).toEqual([]);
	});
});

describe("waiting by Zapier's callback", () => {
	test('one item: the run carries the resume URL, the execution waits, and the callback resumes it with the results (no read)', async () => {
		const response = await stack.n8n.callWebhook('e2e-cb-wait', { items: [{ a: 1 }], timeout: 600 });
		expect(response.status).toBe(200);
		const [resumed] = await reports('/resumed', 1);
		expect(resumed.items).toEqual([
			{ id: expect.any(String), status: 'success', results: [expect.objectContaining({ a: 1 }), expect.anything()], errors: [] },
		]);
		expect(stack.sandbox.state().runs.map((run) => run.callbackUrl)).toEqual([
			// n8n 2.x signs its resume URLs; n8n 1.x's are the bare execution ID (the callback's own signature is checked either way).
			expect.stringMatching(new RegExp(`^${stack.n8n.url}/webhook-waiting/\\d+${stack.n8n.major >= 2 ? '\\?signature=' : '$'}`)),
		]);
		expect(await answers(1)).toEqual([200]);
		expect(apiRequests()).toEqual({ 'POST /v2/action-runs': 1 });
	});

	test('three items: the execution resumes once, when every run has ended, with every item in order', async () => {
		stack.sandbox.configure({ runDurationMs: 1_500 });
		await stack.n8n.callWebhook('e2e-cb-wait', { items: [{ a: 0 }, { a: 1 }, { a: 2 }], timeout: 600 });
		const [resumed] = await reports('/resumed', 1);
		expect(resumed.items.map((run: any) => [run.status, run.results[0].a])).toEqual([
			['success', 0],
			['success', 1],
			['success', 2],
		]);
		await answers(3);
		await sleep(2_000);
		expect(await reports('/resumed', 2, 0)).toHaveLength(1);
		expect(apiRequests()['POST /v2/action-runs']).toBe(3);
	});

	test('a forged callback is answered 401 and resumes nothing', async () => {
		stack.sandbox.configure({ callbackSignature: 'forged' });
		await stack.n8n.callWebhook('e2e-cb-wait', { items: [{ a: 1 }], timeout: 600 });
		expect(await answers(1)).toEqual([401]);
		await sleep(1_500);
		expect(capture.requests).toEqual([]);
	});

	test('no callback by the timeout: n8n passes the run on as still waiting, with its ID, never run again', async () => {
		stack.sandbox.configure({ callbackDelivery: 'never' });
		await stack.n8n.callWebhook('e2e-cb-wait', { items: [{ a: 1 }], timeout: 2 });
		// n8n looks for waits that have timed out once a minute.
		const [resumed] = await reports('/resumed', 1, 150_000);
		const [run] = stack.sandbox.state().runs;
		expect(resumed.items).toEqual([{ id: run.id, status: 'waiting', waitingFor: 'callback' }]);
		expect(apiRequests()).toEqual({ 'POST /v2/action-runs': 1 });
	}, 180_000);
});

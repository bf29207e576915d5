/**
 * What a hostile server, a careless setting or a flaky network must never achieve: the token leaving
 * the credential's origin, a run created twice, a wait outliving its timeout.
 */
import type { IDataObject, INodeListSearchResult } from 'n8n-workflow';

import { errorOf, outputOf } from '../../harness/engine';
import { workflow, ZAPIER_NODE } from '../../harness/workflows';
import { ZapierActions } from '../../nodes/ZapierActions/ZapierActions.node';
import { APPS } from '../../sandbox/catalog';
import type { FaultRoute } from '../../sandbox/server';
import { items, NOT_SENT_AGAIN, onlyWith, retrying, rl, sleep, testOnlyWith, useEngine } from './setup';

const engine = useEngine({ sandbox: { runDurationMs: 100 }, capture: true });
const { apiLog, requests, run, setCredential } = engine;
const runAction = { action: 'core:x', inputs: '={{ $json }}' };
const otherRuns = (list: string) =>
	`Zapier action runs already created for other items, not created again if the node is retried: ${list}. Read them with Action Run → Get.`;

describe("the token never leaves the credential's origin", () => {
	test('a redirected run read fails, and nothing reaches the other origin', async () => {
		engine.sandbox.injectFaults('GET', { redirect: { status: 302, location: `${engine.capture.url}/v2/action-runs/stolen` } });
		const result = await run(runAction);
		const error = errorOf(result)!;
		const [created] = engine.sandbox.runs.keys();
		expect(error.message).toBe(
			`Could not read the Zapier action run ${created}: Zapier answered with a redirect (HTTP 302 to ${engine.capture.url}), which this node never follows`,
		);
		expect(error.context?.itemIndex).toBe(0);
		expect(engine.capture.requests).toEqual([]);
		expect(requests('GET /v2/action-runs/:id')).toBe(1);
	});

	test('a redirected creation may have created the run: it is not sent again, not even to the redirect', async () => {
		engine.sandbox.injectFaults('POST', { redirect: { status: 307, location: `${engine.capture.url}/v2/action-runs` } });
		const result = await run(runAction);
		expect(errorOf(result)?.message).toBe(
			`Zapier may have created the run: it answered with a redirect (HTTP 307 to ${engine.capture.url}), which this node never follows`,
		);
		expect(engine.capture.requests).toEqual([]);
		expect(requests('POST /v2/action-runs')).toBe(1);
	});

	test('a redirected app search fails, and nothing reaches the other origin', async () => {
		engine.sandbox.injectRouteFaults(engine.route('GET /v2/apps') as FaultRoute, {
			redirect: { status: 301, location: `${engine.capture.url}/v2/apps` },
		});
		const result = await run({ resource: 'app', operation: 'search', query: '' });
		expect(errorOf(result)?.message).toBe(
			`Zapier answered with a redirect (HTTP 301 to ${engine.capture.url}), which this node never follows`,
		);
		expect(engine.capture.requests).toEqual([]);
	});

	const searchApps = async (token?: string): Promise<INodeListSearchResult> =>
		await new ZapierActions().methods.listSearch.searchApps.call(engine.context({ app: rl('') }), undefined, token);

	test.each([
		['a port', () => `:${new URL(engine.capture.url).port}/v2/apps`],
		['a host suffix', () => '.evil.example/x'],
		['a scheme-relative URL', () => `//${new URL(engine.capture.url).host}/v2/apps`],
		['another path', () => '/v2/action-runs'],
	])('a crafted page token with %s is refused before any request', async (_name, token) => {
		await expect(searchApps(token())).rejects.toThrow(/is not a page token of this list/);
		expect(engine.capture.requests).toEqual([]);
		expect(requests('GET /v2/apps')).toBe(0);
	});

	// The Partner API's list shapes; the SDK API's paging is checked in clientCredentials.test.ts and url.test.ts.
	testOnlyWith('oAuth2')("the page tokens the list gives out still page through it, on the list's own path", async () => {
		engine.sandbox.configure({ pageSize: 2 });
		const first = await searchApps();
		const second = await searchApps(first.paginationToken as string);
		expect([...first.results, ...second.results].map((app) => app.value)).toEqual(APPS.slice(0, 4).map((app) => app.id));
	});

	testOnlyWith('oAuth2')(
		"a next-page link that leaves the list is refused, and the credential's origin is the only one asked",
		async () => {
			engine.sandbox.injectRouteFaults('GET /v2/apps', {
				body: { links: { next: `${engine.capture.url}/v2/action-runs?x=1` }, data: [{ id: 'a', title: 'A' }] },
			});
			const result = await run({ resource: 'app', operation: 'search', query: '' });
			expect(errorOf(result)?.message).toBe(
				`Could not read the Zapier list /v2/apps: the next-page link "${engine.capture.url}/v2/action-runs?x=1" leaves the list /v2/apps`,
			);
			expect(engine.capture.requests).toEqual([]);
		},
	);

	test('a run ID of "." is refused before anything is sent', async () => {
		const result = await run({ operation: 'get', runId: '.' });
		expect(errorOf(result)?.message).toBe('Run ID "." contains ".", which an ID never has');
		expect(errorOf(result)?.context?.itemIndex).toBe(0);
		expect(requests('GET /v2/action-runs/:id')).toBe(0);
	});

	test('a run ID from Zapier that would read the collection ("..") is not used: the run may exist, and is not created again', async () => {
		engine.sandbox.injectFaults('POST', { body: { data: { type: 'run', id: '..' } }, commit: true });
		const result = await run(runAction);
		const error = errorOf(result)!;
		expect(error.message).toBe('Zapier accepted the run but returned no usable run ID');
		expect(error.context?.itemIndex).toBe(0);
		expect(engine.sandbox.counters.log.filter((entry) => entry.route.startsWith('GET'))).toEqual([]);
		expect(requests('POST /v2/action-runs')).toBe(1);
	});
});

describe('at most one run per item, even when n8n retries the node', () => {
	test('runs already made are read again, and a creation that may have happened is never re-sent', async () => {
		engine.sandbox.injectFaults('POST', {}, { status: 503, commit: true });
		const result = await engine.runJson(retrying(workflow({ ...runAction, options: { concurrency: 1 } }, { items: items(3) })));
		const error = errorOf(result)!;
		expect(error.message).toBe('Zapier may have created the run: the request failed with HTTP 503 after reaching Zapier');
		expect(error.context?.itemIndex).toBe(1);
		// Three tries of the node: item 0 created once, item 1 POSTed once; item 2 never started.
		expect(requests('POST /v2/action-runs')).toBe(2);
		expect(engine.sandbox.counters.runsCreated).toBe(2);
		const [first] = engine.sandbox.runs.keys();
		const tail = `${NOT_SENT_AGAIN}\n${otherRuns(`item 0: ${first}`)}`;
		expect(error.description?.slice(0, 'Injected HTTP 503.'.length)).toBe('Injected HTTP 503.');
		expect(error.description?.slice(-tail.length)).toBe(tail);
		expect(error.context?.otherRuns).toEqual([{ itemIndex: 0, id: first }]);
	});

	test('a run that could not be read is read on the next try, not created again', async () => {
		engine.sandbox.injectFaults('GET', ...Array(5).fill({ status: 503 }));
		const result = await engine.runJson(retrying(workflow({ ...runAction, options: { concurrency: 1 } }, { items: items(2) })));
		expect(errorOf(result)).toBeUndefined();
		expect(outputOf(result, ZAPIER_NODE).map((item) => [item.json.status, (item.json.results as IDataObject[])[0].n])).toEqual([
			['success', 0],
			['success', 1],
		]);
		expect(requests('POST /v2/action-runs')).toBe(2);
		expect(engine.sandbox.counters.runsCreated).toBe(2);
	});

	test('a new execution creates new runs', async () => {
		await run(runAction);
		await run(runAction);
		expect(engine.sandbox.counters.runsCreated).toBe(2);
	});

	test('a failing item names the runs created for the others, without Continue On Fail', async () => {
		engine.sandbox.injectFaults('POST', {}, {}, { status: 400, detail: 'Enter a valid email address.', pointer: '/data/inputs/email' });
		const result = await run({ ...runAction, options: { concurrency: 1 } }, { items: items(4) });
		const error = errorOf(result)!;
		expect(error.message).toBe('Zapier refused the request (HTTP 400): Enter a valid email address. (at /data/inputs/email)');
		expect(error.context?.itemIndex).toBe(2);
		const ids = [...engine.sandbox.runs.keys()];
		expect(ids).toHaveLength(2);
		expect(error.description).toBe(
			`Zapier refused the request as malformed; check the field it points at.\n${otherRuns(`item 0: ${ids[0]}; item 1: ${ids[1]}`)}`,
		);
		expect(error.context?.otherRuns).toEqual([
			{ itemIndex: 0, id: ids[0] },
			{ itemIndex: 1, id: ids[1] },
		]);
	});
});

// The Partner API's action IDs expire; the SDK API's run names the action by its key.
onlyWith('oAuth2')('an expired action ID picked by key is looked up again', () => {
	test('mid-batch: one fresh lookup and one new attempt per stale ID, one run per item', async () => {
		engine.sandbox.configure({ actionIdTtlMs: 400, runDurationMs: 150 });
		const picked = { app: rl(APPS[0].id), action: rl('send_email'), authenticationId: rl('auth_mailer_work') };
		const result = await run({ ...picked, inputsMode: 'json', inputs: '={{ $json }}', options: { concurrency: 1 } }, { items: items(6) });
		expect(errorOf(result)).toBeUndefined();
		expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.status)).toEqual(Array(6).fill('success'));
		expect(engine.sandbox.counters.runsCreated).toBe(6);
		const actionIds = new Set([...engine.sandbox.runs.values()].map((created) => created.action));
		// How many IDs expire within the batch depends on how long its runs take against the 400 ms lifetime.
		expect(actionIds.size).toBeGreaterThan(1);
		// Each stale ID costs one refused POST; nothing else is sent twice.
		expect(requests('POST /v2/action-runs')).toBe(6 + actionIds.size - 1);
	});
});

describe('no wait outlives its bound', () => {
	// A byte every 300 ms, well within the request timeout each, for an answer that would outlast the test.
	const padding = 'x'.repeat(400);

	test('a slow-loris answer to a read is abandoned at the request timeout and read again', async () => {
		setCredential({ requestTimeoutSeconds: 1 });
		engine.sandbox.injectFaults('GET', { body: { data: { type: 'run', status: 'waiting', padding } }, slowBodyMs: 300 });
		const result = await run(runAction);
		expect(outputOf(result, ZAPIER_NODE)[0].json.status).toBe('success');
		// The slow answer, then the finished run.
		expect(requests('GET /v2/action-runs/:id')).toBe(2);
		expect(engine.sandbox.counters.runsCreated).toBe(1);
	});

	test('a slow-loris answer to a creation is abandoned, and the run is not created again', async () => {
		setCredential({ requestTimeoutSeconds: 1 });
		engine.sandbox.injectFaults('POST', {
			body: { data: { type: 'run', id: '123e4567-e89b-12d3-a456-426614174000' }, padding },
			slowBodyMs: 300,
			commit: true,
		});
		const result = await run(runAction);
		const error = errorOf(result)!;
		expect(error.message).toBe('Zapier may have created the run: the connection failed after the request was sent');
		expect(error.context?.itemIndex).toBe(0);
		expect(error.description).toBe(`No complete answer within 1 s (ETIMEDOUT). ${NOT_SENT_AGAIN}`);
		expect(requests('POST /v2/action-runs')).toBe(1);
	});

	test('reads failing past the timeout end the item as still waiting, with its ID, not as unreadable', async () => {
		engine.sandbox.configure({ runDurationMs: 60_000 });
		engine.sandbox.injectFaults('GET', ...Array(20).fill({ status: 503 }));
		const result = await run({ ...runAction, options: { timeout: 1 } });
		expect(errorOf(result)).toBeUndefined();
		expect(outputOf(result, ZAPIER_NODE)[0].json).toMatchObject({ status: 'waiting', id: [...engine.sandbox.runs.keys()][0] });
		// The jittered backoff (250–500 ms, then 500–1000 ms) fits a third read into the second or not; five would have given up on the run.
		expect([2, 3]).toContain(requests('GET /v2/action-runs/:id'));
	});

	test('a rate-limit cooldown longer than the timeout is not waited out; On Timeout "fail" names the run', async () => {
		// A limiter of its own: the cooldown holds the whole credential, later tests included.
		setCredential({ rateLimitWindowSeconds: 59 });
		engine.sandbox.configure({ runDurationMs: 60_000 });
		engine.sandbox.injectFaults('GET', { status: 429, retryAfter: '30' });
		const result = await run({ ...runAction, options: { timeout: 1, onTimeout: 'fail' } });
		const [id] = engine.sandbox.runs.keys();
		expect(errorOf(result)?.message).toBe(`The Zapier action run ${id} was still "waiting" after 1 s`);
		expect(errorOf(result)?.context?.itemIndex).toBe(0);
		expect(requests('GET /v2/action-runs/:id')).toBe(1);
	});

	test('a cancelled execution gives its rate-limit slots back', async () => {
		setCredential({ rateLimit: 2, rateLimitWindowSeconds: 10 });
		const execution = engine.start({ ...runAction, waitForCompletion: false }, { items: items(10) });
		await sleep(300);
		execution.cancel();
		await execution.done.catch(() => undefined);
		await sleep(100);
		const limiter = engine.limiter(2, 10_000);
		// Only the request that was sent (two per 10 s go 5 s apart) keeps its slot: nothing is booked ahead of now.
		expect(limiter.isIdle(Date.now())).toBe(true);
		expect(requests('POST /v2/action-runs')).toBe(1);
	});

	test.each([
		['a decimal Rate Limit (2.5)', { rateLimit: 2.5, rateLimitWindowSeconds: 1 }],
		['a Rate Limit below 1 (0.5)', { rateLimit: 0.5, rateLimitWindowSeconds: 1 }],
	])(
		'%s still limits: never more requests in a window than it allows',
		async (_name, fields) => {
			setCredential(fields);
			const allowed = Math.max(1, Math.floor(fields.rateLimit));
			await run({ ...runAction, waitForCompletion: false }, { items: items(3) });
			const times = apiLog().map((entry) => entry.at);
			expect(times).toHaveLength(3);
			for (const start of times) expect(times.filter((at) => at >= start && at < start + 1_000).length).toBeLessThanOrEqual(allowed);
		},
		20_000,
	);

	test("a window beyond the timer's range still holds back the next request", async () => {
		setCredential({ rateLimit: 1, rateLimitWindowSeconds: 1e10 });
		const execution = engine.start({ ...runAction, waitForCompletion: false }, { items: items(2) });
		await sleep(1_000);
		expect(requests('POST /v2/action-runs')).toBe(1);
		execution.cancel();
		await execution.done.catch(() => undefined);
	});

	test("a Request Timeout beyond the timer's range is held to an hour: requests still get their answer", async () => {
		setCredential({ requestTimeoutSeconds: 1e10 });
		const result = await run(runAction);
		expect(outputOf(result, ZAPIER_NODE)[0].json.status).toBe('success');
	});
});

describe('clear and complete outcomes', () => {
	// The refresh tests leave the credential unusable, as a user's would be: connect it again.
	afterEach(async () => await engine.reconnect());

	testOnlyWith('oAuth2')('a revoked refresh token says to reconnect, proves nothing was created, and is not retried', async () => {
		engine.sandbox.revokeRefreshTokens();
		engine.sandbox.expireAccessTokens();
		const result = await run(runAction);
		const error = errorOf(result)!;
		expect(error.message).toBe('The Zapier credential needs to be reconnected: Zapier refused to renew its access token');
		expect(error.context?.itemIndex).toBe(0);
		expect(error.description).toBe(
			'The credential "Zapier sandbox" needs to be reconnected. Zapier did nothing with this request (it was refused for want of a valid token), so nothing was sent again. Open the Zapier OAuth2 API credential and reconnect it.',
		);
		expect(requests('POST /v2/action-runs')).toBe(1);
		expect(engine.sandbox.counters.runsCreated).toBe(0);

		const read = await run({ operation: 'get', runId: '123e4567-e89b-12d3-a456-426614174000' });
		expect(errorOf(read)?.message).toBe('The Zapier credential needs to be reconnected: Zapier refused to renew its access token');
		expect(requests('GET /v2/action-runs/:id')).toBe(1);
	});

	test('a token endpoint that is down is not mistaken for Zapier having created the run', async () => {
		engine.sandbox.configure({ tokenEndpointStatus: 503 });
		engine.sandbox.expireAccessTokens();
		const result = await run(runAction);
		const error = errorOf(result)!;
		expect(error.message).toBe("Could not renew the Zapier credential's access token");
		expect(error.context?.itemIndex).toBe(0);
		const [detail, next] =
			engine.connectBy === 'clientCredentials'
				? [
						"Zapier's token endpoint answered HTTP 503 (server_error)",
						'open the Zapier Client Credentials API credential and check its Client ID, Client Secret and Token URL',
					]
				: ['the token endpoint answered HTTP 503', 'open the Zapier OAuth2 API credential and reconnect it'];
		expect(error.description).toBe(
			`${detail}. Zapier did nothing with this request (it was refused for want of a valid token), so nothing was sent again. Try again later; if it goes on, ${next}.`,
		);
		expect(requests('POST /v2/action-runs')).toBe(1);
	});

	test('results given as text, and one error given as an object, keep what Zapier sent', async () => {
		engine.sandbox.scriptRuns(
			{ results: 'Sent to 3 people' },
			{ status: 'success', errors: { code: 'partner', title: 'Partly sent', detail: 'One address bounced' } },
		);
		const result = await run({ ...runAction, options: { concurrency: 1 } }, { items: items(2), continueOnFail: true });
		const [text, failed] = outputOf(result, ZAPIER_NODE);
		expect(text.json.results).toEqual([{ value: 'Sent to 3 people' }]);
		expect(failed.json.error).toBe('The Zapier action run failed: Partly sent – One address bounced [partner]');
	});

	testOnlyWith('oAuth2')('a next-page link that repeats ends the list: no page is read twice', async () => {
		engine.sandbox.configure({ loopNextLinks: true, pageSize: 2 });
		const result = await run({ resource: 'app', operation: 'search', query: '' });
		expect(errorOf(result)).toBeUndefined();
		expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.id)).toEqual(APPS.slice(0, 2).map((app) => app.id));
		expect(requests('GET /v2/apps')).toBe(1);
	});

	testOnlyWith('oAuth2')('a list longer than the page cap is an error, not a silent cut', async () => {
		const pages = Array.from({ length: 101 }, (_, i) => ({
			body: { links: { next: `/v2/apps?offset=${i + 1}` }, data: [{ id: `app-${i}` }] },
		}));
		engine.sandbox.injectRouteFaults('GET /v2/apps', ...pages);
		const result = await run({ resource: 'app', operation: 'search', query: '' });
		expect(errorOf(result)?.message).toBe('Could not read the Zapier list /v2/apps: it has more than 100 pages');
		expect(requests('GET /v2/apps')).toBe(100);
	});
});

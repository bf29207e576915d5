/**
 * What is the SDK API's own under client credentials: the token's exchange, sharing and renewal, the
 * pickers over its apps, actions, connections and needs, approval, quota, and read_bulk pages.
 * (The behaviour both APIs share runs once per credential: see jest.config.js.)
 */
import type { IDataObject, INodeListSearchResult, ResourceMapperFields } from 'n8n-workflow';

import { errorOf, outputOf } from '../../harness/engine';
import { ZAPIER_NODE } from '../../harness/workflows';
import { ZapierActions } from '../../nodes/ZapierActions/ZapierActions.node';
import { PRIORITIES } from '../../sandbox/catalog';
import { items, rl, sleep, useEngine } from './setup';

const node = new ZapierActions();
const engine = useEngine({ connectBy: 'clientCredentials', sandbox: { runDurationMs: 100 } });
const { requests, run, context } = engine;

const SEND_EMAIL = { app: rl('MailerCLIAPI'), action: rl('send_email'), authenticationId: rl('1001') };
const exchanges = () => engine.sandbox.counters.clientCredentialsExchanges;
const tokenRequests = () => requests('POST /oauth/token/');
const sendEmail = async (extra: IDataObject = {}, n = 1) =>
	await run(
		{ ...SEND_EMAIL, inputs: '={{ JSON.stringify({ to: "a@example.com", subject: "Hi", n: $json.n }) }}', ...extra },
		{ items: items(n) },
	);

describe('the token', () => {
	test('is exchanged once for a batch that starts without one, and each request carries it under the JWT scheme', async () => {
		engine.setCredential({ accessToken: '', renewAt: 0 });
		const before = exchanges();
		const result = await sendEmail({}, 20);
		expect(errorOf(result)).toBeUndefined();
		expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.status)).toEqual(Array(20).fill('success'));
		// The sandbox answers a JWT-shaped token sent as "Bearer" with a 401: every request was signed right.
		expect(exchanges() - before).toBeLessThanOrEqual(1);
		expect(engine.credential().accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
		expect(engine.credential().renewAt).toBeGreaterThan(Date.now());
		expect(requests('POST /v2/action-runs')).toBe(20);
	});

	test('expiring mid-batch with many items in flight costs one exchange, not one per item, and one run per item', async () => {
		engine.sandbox.configure({ runDurationMs: 600 });
		const execution = engine.start(
			{ ...SEND_EMAIL, inputs: '={{ JSON.stringify({ to: "a@example.com", subject: "Hi", n: $json.n }) }}', options: { concurrency: 30 } },
			{ items: items(30) },
		);
		for (let waited = 0; engine.sandbox.counters.runsCreated < 30 && waited < 10_000; waited += 20) await sleep(20);
		const before = exchanges();
		engine.sandbox.expireAccessTokens();
		const result = await execution.done;
		expect(errorOf(result)).toBeUndefined();
		expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.status)).toEqual(Array(30).fill('success'));
		expect(exchanges() - before).toBe(1);
		expect(requests('POST /v2/action-runs')).toBe(30);
	});

	test('a 401 is answered with one fresh exchange and one more try; the node tries twice more, never in a loop', async () => {
		engine.sandbox.injectFaults('POST', { status: 401 });
		const before = tokenRequests();
		expect(errorOf(await sendEmail())).toBeUndefined();
		expect(tokenRequests() - before).toBe(1);
		expect(requests('POST /v2/action-runs')).toBe(2);
		expect(engine.sandbox.counters.runsCreated).toBe(1);

		engine.sandbox.reset();
		engine.sandbox.injectFaults('POST', ...Array(7).fill({ status: 401 }));
		const again = tokenRequests();
		const error = errorOf(await sendEmail());
		expect(error?.message).toContain('HTTP 401');
		expect(error?.description).toContain('Zapier refused a token just exchanged for the client credentials');
		// Three tries, each sent twice around one exchange: six requests, three exchanges, and no more.
		expect(tokenRequests() - again).toBe(3);
		expect(requests('POST /v2/action-runs')).toBe(6);
		expect(engine.sandbox.counters.runsCreated).toBe(0);
	});

	test('is renewed shortly before it expires: the next request does not meet a 401 first', async () => {
		// The token this process holds stops working; the one exchanged for it lives 2 s.
		engine.sandbox.configure({ clientTokenTtlSeconds: 2 });
		engine.sandbox.expireAccessTokens();
		expect(errorOf(await sendEmail())).toBeUndefined();
		const renewAt = engine.credential().renewAt as number;
		expect(renewAt - Date.now()).toBeLessThanOrEqual(1_800);
		await sleep(Math.max(0, renewAt - Date.now()) + 50);
		const [before, creations] = [exchanges(), requests('POST /v2/action-runs')];
		expect(errorOf(await sendEmail())).toBeUndefined();
		expect(exchanges() - before).toBe(1);
		// One creation: it was not refused for an expired token and sent again.
		expect(requests('POST /v2/action-runs') - creations).toBe(1);
		expect(engine.credential().renewAt).toBeGreaterThan(renewAt);
	});

	test('a wrong secret says so, names the credential, asks the token endpoint once and sends nothing', async () => {
		engine.setCredential({ clientSecret: 'wrong', accessToken: '', renewAt: 0 });
		const before = tokenRequests();
		const error = errorOf(await sendEmail());
		expect(error?.message).toBe("Zapier refused the credential's client ID and secret");
		expect(error?.description).toContain('Zapier refused the client credentials (HTTP 401, invalid_client');
		expect(error?.description).toContain(
			'Open the Zapier Client Credentials API credential and check its Client ID, Client Secret and Token URL.',
		);
		expect(error?.description).not.toContain('wrong');
		expect(tokenRequests() - before).toBe(1);
		expect(engine.apiLog()).toEqual([]);
	});
});

describe("the SDK API's own answers", () => {
	test('a run that needs approval fails with what to do, and is never reported as maybe created', async () => {
		engine.sandbox.configure({ approvalRequired: true });
		const error = errorOf(await sendEmail());
		expect(error?.message).toBe('Zapier needs a person to approve this run before it can run');
		expect(error?.description).toContain('Approve or relax the policy in Zapier');
		expect(error?.message).not.toContain('may have');
		expect(engine.sandbox.counters.runsCreated).toBe(0);
		expect(requests('POST /v2/action-runs')).toBe(1);
	});

	test("a 429 that goes on shows Zapier's quota text", async () => {
		const quota = { errors: [{ code: 'throttled', title: 'Too many requests', detail: 'Quota of 10 runs a minute reached.' }] };
		engine.sandbox.injectFaults('POST', ...Array(5).fill({ status: 429, retryAfter: '0', body: quota }));
		const error = errorOf(await sendEmail());
		expect(error?.description).toContain("Zapier's quota: Quota of 10 runs a minute reached.");
		expect(engine.sandbox.counters.runsCreated).toBe(0);
	});

	test("an action picked by key is looked up once per execution: its app's versioned API, type and listing ID", async () => {
		const result = await sendEmail({}, 10);
		expect(errorOf(result)).toBeUndefined();
		expect(requests('GET /v4/implementations-meta/lookup/')).toBe(1);
		expect(requests('GET /v4/implementations/')).toBe(1);
		const created = [...engine.sandbox.runs.values()];
		expect(created).toHaveLength(10);
		expect(created[0]).toMatchObject({ actionKey: 'send_email' });
	});

	test("a read_bulk action's pages: Next Page shown, followed up to Pages to Read, or started from with Page", async () => {
		const listEmails = { app: rl('MailerCLIAPI'), action: rl('list_emails'), authenticationId: rl('1001'), inputs: '{}' };
		const first = outputOf(await run(listEmails), ZAPIER_NODE)[0].json;
		expect(first).toMatchObject({ status: 'success', nextPage: '2' });
		expect((first.results as IDataObject[]).map((result) => result.page)).toEqual([1, 1, 1]);

		const second = outputOf(await run({ ...listEmails, options: { page: '2' } }), ZAPIER_NODE)[0].json;
		expect((second.results as IDataObject[]).map((result) => result.page)).toEqual([2, 2]);
		expect(second.nextPage).toBeUndefined();

		engine.sandbox.reset({ runDurationMs: 100 });
		const all = outputOf(await run({ ...listEmails, options: { pages: 5 } }), ZAPIER_NODE)[0].json;
		expect((all.results as IDataObject[]).map((result) => result.page)).toEqual([1, 1, 1, 2, 2]);
		expect(all.nextPage).toBeUndefined();
		expect(all.pageRuns).toHaveLength(2);
		expect(all.id).toBe((all.pageRuns as string[])[0]);
		expect(requests('POST /v2/action-runs')).toBe(2);
	});
});

describe("the editor's lists", () => {
	test('apps: all of them a page at a time, or those matching the search, by their stable key', async () => {
		const page: INodeListSearchResult = await node.methods.listSearch.searchApps.call(context({}));
		expect(page.results[0]).toMatchObject({ name: 'Mailer', value: 'MailerCLIAPI' });
		const found = await node.methods.listSearch.searchApps.call(context({}), 'chat');
		expect(found.results).toEqual([expect.objectContaining({ name: 'Team Chat', value: 'ChatCLIAPI' })]);
		expect(requests('GET /v4/implementations-meta/search/')).toBe(1);
	});

	test('actions: by key, hidden ones left out, filtered by type', async () => {
		const all = await node.methods.listSearch.searchActions.call(context({ app: rl('MailerCLIAPI') }));
		expect(all.results.map((result) => [result.name, result.value])).toEqual([
			['Send Email (write)', 'send_email'],
			['Find Email (search)', 'find_email'],
			['New Email (read)', 'new_email'],
			['List Emails (read bulk)', 'list_emails'],
		]);
		const bulk = await node.methods.listSearch.searchActions.call(context({ app: rl('MailerCLIAPI'), actionType: 'READ_BULK' }));
		expect(bulk.results.map((result) => result.value)).toEqual(['list_emails']);
	});

	test('connections: expired ones flagged; an app that needs none offers None', async () => {
		const mailer = await node.methods.listSearch.searchAuthentications.call(context({ app: rl('MailerCLIAPI') }));
		expect(mailer.results).toEqual([
			{ name: 'work@example.com', value: '1001' },
			{ name: 'old@example.com (expired: reconnect it in Zapier)', value: '1002' },
			{ name: 'home@example.com', value: '1003' },
		]);
		const formatter = await node.methods.listSearch.searchAuthentications.call(context({ app: rl('FormatterCLIAPI') }));
		expect(formatter.results[0]).toEqual({ name: 'None (this app needs no account)', value: 'none' });
		const chat = await node.methods.listSearch.searchAuthentications.call(context({ app: rl('ChatCLIAPI') }));
		expect(chat.results).toEqual([expect.objectContaining({ value: 'none', url: 'https://zapier.com/app/assets/connections' })]);
	});

	test("input fields: the action's needs, inline choices used as they are, the others asked page by page", async () => {
		const fields = (parameters: IDataObject) =>
			node.methods.resourceMapping.getInputFields.call(context({ inputsMode: 'map', ...parameters })) as Promise<ResourceMapperFields>;
		const email = await fields(SEND_EMAIL);
		const priority = email.fields.find((field) => field.id === 'priority');
		expect(priority?.options?.map((option) => option.value)).toEqual(PRIORITIES.map((choice) => choice.value));
		expect(email.fields.find((field) => field.id === 'to')).toMatchObject({ required: true, type: 'string' });
		expect(requests('POST /v4/implementations/choices/')).toBe(0);

		const chat = { app: rl('ChatCLIAPI'), action: rl('post_message'), authenticationId: rl('none') };
		const message = await fields(chat);
		expect(message.fields.find((field) => field.id === 'channel')?.options?.map((option) => option.value)).toEqual([
			'C_GENERAL',
			'C_RANDOM',
			'C_SUPPORT',
		]);
		expect(message.fields.find((field) => field.id === 'thread')).toBeUndefined();
		const withChannel = await fields({ ...chat, inputFields: { mappingMode: 'defineBelow', value: { channel: 'C_RANDOM' } } });
		expect(withChannel.fields.find((field) => field.id === 'thread')?.options?.map((option) => option.value)).toEqual([
			'C_RANDOM_T1',
			'C_RANDOM_T2',
		]);
	});
});

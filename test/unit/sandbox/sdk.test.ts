/** The sandbox's second dialect, the API behind Zapier's SDK: tokens, apps, actions, needs, choices, connections and runs. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SDK_PREFIX, ZapierSandbox } from '../../../sandbox/server';

const sandbox = new ZapierSandbox();
let token = '';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const GOOD = {
	grant_type: 'client_credentials',
	client_id: 'sandbox-client-id',
	client_secret: 'sandbox-client-secret',
	scope: 'external',
	audience: 'zapier.com',
};

async function exchange(fields: Record<string, string> = GOOD, headers: Record<string, string> = FORM) {
	const response = await fetch(`${sandbox.url}/oauth/token/`, { method: 'POST', headers, body: form(fields) });
	return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function sdk(method: string, path: string, body?: unknown, auth = `JWT ${token}`) {
	const response = await fetch(`${sandbox.url}${SDK_PREFIX}${path}`, {
		method,
		headers: { Authorization: auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}

const run = (data: Record<string, unknown>) => sdk('POST', '/actions/v1/runs', { data });
const SEND = { selected_api: 'MailerCLIAPI@1.0.0', action_key: 'send_email', action_type: 'write', inputs: { to: 'a@example.com' } };
const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

async function finished(id: string) {
	for (;;) {
		const read = await sdk('GET', `/actions/v1/runs/${id}`);
		if (read.status !== 202) return read;
		await sleep(20);
	}
}

beforeAll(async () => {
	await sandbox.start();
});
afterAll(async () => {
	await sandbox.stop();
});
beforeEach(async () => {
	sandbox.reset({ runDurationMs: 30 });
	token = (await exchange()).body.access_token;
});

describe('the client-credentials token', () => {
	test('is JWT-shaped, for an hour, without a refresh token, and counted', async () => {
		const { status, body } = await exchange();
		expect(status).toBe(200);
		expect(body).toEqual({
			access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
			token_type: 'Bearer',
			expires_in: 3600,
			scope: 'external',
		});
		expect(sandbox.counters).toMatchObject({ tokensIssued: 2, clientCredentialsExchanges: 2 });
	});

	test('refuses a wrong secret, HTTP Basic alone, a JSON body, and a wrong scope or audience', async () => {
		expect(await exchange({ ...GOOD, client_secret: 'nope' })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
		const { client_id: _id, client_secret: _secret, ...rest } = GOOD;
		const basic = `Basic ${Buffer.from('sandbox-client-id:sandbox-client-secret').toString('base64')}`;
		expect(await exchange(rest, { ...FORM, Authorization: basic })).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
		const json = await fetch(`${sandbox.url}/oauth/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify(GOOD),
		});
		expect(json.status).toBe(400);
		expect(await exchange({ ...GOOD, scope: 'zap' })).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
		expect(await exchange({ ...GOOD, audience: 'api.zapier.com' })).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
		expect(sandbox.counters.clientCredentialsExchanges).toBe(1);
	});

	test('goes as JWT, only to the SDK routes; Partner tokens only to the Partner routes; expiry ends both', async () => {
		expect((await sdk('GET', '/v4/authentications?owner=me&limit=1')).status).toBe(200);
		expect(await sdk('GET', '/v4/authentications', undefined, `Bearer ${token}`)).toMatchObject({
			status: 401,
			body: { errors: [{ code: 'invalid_token', title: 'Unauthorized' }] },
		});
		const partner = sandbox.issueTokens().access_token;
		expect((await sdk('GET', '/v4/authentications', undefined, `Bearer ${partner}`)).status).toBe(401);
		expect((await sdk('GET', '/v4/authentications', undefined, `JWT ${partner}`)).status).toBe(401);
		const onPartner = (auth: string) => fetch(`${sandbox.url}/v2/apps`, { headers: { Authorization: auth } }).then((r) => r.status);
		expect(await onPartner(`Bearer ${partner}`)).toBe(200);
		expect(await onPartner(`Bearer ${token}`)).toBe(401);
		sandbox.expireAccessTokens();
		expect(await sdk('GET', '/v4/authentications')).toMatchObject({ status: 401, body: { errors: [{ code: 'invalid_token' }] } });
	});

	test('fails as the token endpoint switch says', async () => {
		sandbox.configure({ tokenEndpointStatus: 503 });
		expect((await exchange()).status).toBe(503);
	});
});

describe('apps, actions, needs, choices and connections', () => {
	test('paths are strict about their trailing slash', async () => {
		expect((await sdk('GET', '/v4/implementations-meta/lookup?latest_only=true&selected_apis=')).status).toBe(404);
		expect((await sdk('GET', '/v4/authentications/?owner=me')).status).toBe(404);
		expect((await sdk('GET', '/v4/authentications/1001')).status).toBe(404);
		expect((await sdk('POST', '/actions/v1/runs/', { data: SEND })).status).toBe(404);
	});

	test('search and lookup, paged with absolute next links', async () => {
		const search = await sdk('GET', '/v4/implementations-meta/search/?term=MAIL');
		expect(search.body.results.map((app: any) => app.id)).toEqual(['MailerCLIAPI@1.0.0']);
		const some = await sdk(
			'GET',
			'/v4/implementations-meta/lookup/?selected_apis=MailerCLIAPI@latest,FormatterCLIAPI@1.0.0,NopeCLIAPI@1.0.0',
		);
		expect(some.body.results).toEqual([
			expect.objectContaining({
				id: 'MailerCLIAPI@1.0.0',
				key: 'MailerCLIAPI',
				name: 'Mailer',
				slug: 'mailer',
				version: '1.0.0',
				is_built_in: false,
			}),
			expect.objectContaining({ id: 'FormatterCLIAPI@1.0.0', is_built_in: true }),
		]);
		const first = await sdk('GET', '/v4/implementations-meta/lookup/?latest_only=true&selected_apis=&limit=4');
		expect(first.body).toMatchObject({ count: 10, previous: null });
		const next = new URL(first.body.next);
		expect(next.origin).toBe(sandbox.url);
		expect(Object.fromEntries(next.searchParams)).toEqual({ latest_only: 'true', selected_apis: '', limit: '4', offset: '4' });
		const last = await sdk('GET', `/v4/implementations-meta/lookup/?latest_only=true&selected_apis=&limit=4&offset=8`);
		expect(last.body.results.map((app: any) => app.id)).toEqual(['Tool6CLIAPI@1.0.0', 'Tool7CLIAPI@1.0.0']);
		expect(last.body.next).toBeNull();
		sandbox.configure({ sdkPageSize: 3 });
		const capped = await sdk('GET', '/v4/implementations-meta/lookup/?latest_only=true&selected_apis=&limit=100');
		expect(capped.body.results).toHaveLength(3);
		expect(new URL(capped.body.next).searchParams.get('offset')).toBe('3');
	});

	test('actions, the hidden one flagged; unknown or unversioned apps have none', async () => {
		const query = 'global=true&public_only=false&selected_apis=';
		const { body } = await sdk('GET', `/v4/implementations/?${query}MailerCLIAPI@1.0.0`);
		expect(body.results[0].actions.map((a: any) => [a.id, a.key, a.type, a.is_hidden])).toEqual([
			['core:101', 'send_email', 'write', false],
			['core:102', 'find_email', 'search', false],
			['core:103', 'new_email', 'read', false],
			['core:104', 'list_emails', 'read_bulk', false],
			['core:105', 'send_email_legacy', 'write', true],
		]);
		expect((await sdk('GET', `/v4/implementations/?${query}MailerCLIAPI`)).body.results).toEqual([]);
		expect((await sdk('GET', '/v4/implementations/?selected_apis=MailerCLIAPI@1.0.0')).status).toBe(400);
	});

	test('needs, mapped from the fields; dependent fields once their parent has a value', async () => {
		const ask = (action: string, params = {}, extra = {}) =>
			sdk('POST', '/v4/implementations/needs/', { selected_api: 'MailerCLIAPI@1.0.0', action, type_of: 'write', params, ...extra });
		const { body } = await ask('send_email', {}, { authentication_id: 1001 });
		expect(body.success).toBe(true);
		const byKey = Object.fromEntries(body.needs.map((need: any) => [need.key, need]));
		expect(byKey.about).toEqual({ key: 'about', type: 'copy', help_text: 'Sends one email from the connected mailbox.' });
		expect(byKey.to).toEqual({ key: 'to', label: 'To', type: 'string', required: true, placeholder: 'someone@example.com' });
		expect(byKey.priority.choices).toHaveLength(25);
		expect(byKey.priority.choices[0]).toEqual({ key: 'p1', label: 'Priority 1', value: 'p1' });
		expect(byKey.copies).toMatchObject({ type: 'integer', default: '1' });
		expect(byKey.labels).toMatchObject({ type: 'string', list: true });
		expect([byKey.body.type, byKey.send_at.type, byKey.budget.type, byKey.track_opens.type, byKey.headers.type]).toEqual([
			'text',
			'datetime',
			'decimal',
			'boolean',
			'dict',
		]);
		expect([byKey.api_key.type, byKey.url.type, byKey.url.parent_key]).toEqual(['password', 'file', 'attachments']);

		const chat = (params = {}) =>
			sdk('POST', '/v4/implementations/needs/', { selected_api: 'ChatCLIAPI@1.0.0', action: 'post_message', type_of: 'write', params });
		const before = (await chat()).body.needs;
		expect(before.map((need: any) => need.key)).toEqual(['channel', 'text']);
		expect(before[0]).toMatchObject({ format: 'SELECT', alters_custom_fields: true });
		expect(before[0].choices).toBeUndefined();
		expect((await chat({ channel: 'C_GENERAL' })).body.needs[2]).toMatchObject({ key: 'thread', depends_on: ['channel'] });

		expect(await ask('send_email', {}, { authentication_id: 1004 })).toMatchObject({ status: 200, body: { success: false } });
		expect((await ask('find_email')).body.success).toBe(false);
	});

	test('choices, 10 a page from 0, by the listing ID', async () => {
		const ask = (page: number, extra = {}) =>
			sdk('POST', '/v4/implementations/choices/', { action_id: 'core:101', input_field_id: 'priority', page, params: {}, ...extra });
		expect((await ask(0)).body).toMatchObject({ success: true, next_page: 1 });
		const last = (await ask(2)).body;
		expect(last.choices.map((c: any) => c.value)).toEqual(['p21', 'p22', 'p23', 'p24', 'p25']);
		expect(last.next_page).toBeNull();
		expect((await ask(0, { action_id: 'send_email' })).body.success).toBe(false);
		const threads = await sdk('POST', '/v4/implementations/choices/', {
			action_id: 'core:201',
			input_field_id: 'thread',
			page: 0,
			params: { channel: 'C_RANDOM' },
		});
		expect(threads.body.choices[0]).toEqual({ key: 'C_RANDOM_T1', label: 'Thread 1 in C_RANDOM', value: 'C_RANDOM_T1' });
	});

	test('connections, by app and staleness, one by ID', async () => {
		const list = (query: string) => sdk('GET', `/v4/authentications?versionless_selected_api=MailerCLIAPI&owner=me&limit=100${query}`);
		expect((await list('')).body.results.map((c: any) => [c.id, c.is_stale])).toEqual([
			[1001, false],
			[1002, true],
			[1003, false],
		]);
		expect((await list('&stale=false')).body.results.map((c: any) => c.id)).toEqual([1001, 1003]);
		expect((await list('&stale=true')).body).toMatchObject({
			count: 1,
			next: null,
			results: [{ id: 1002, selected_api: 'MailerCLIAPI@1.0.0' }],
		});
		expect((await sdk('GET', '/v4/authentications/1004/')).body).toMatchObject({ id: 1004, title: 'tool1 account', account_id: 1 });
		expect((await sdk('GET', '/v4/authentications/999/')).status).toBe(404);
	});
});

describe('runs', () => {
	test('are created, wait with a 202, and finish with results; counted with the Partner ones', async () => {
		const created = await run({ ...SEND, action_id: 'core:101', authentication_id: '1001' });
		expect(created).toMatchObject({ status: 200, body: { data: { id: expect.any(String) } } });
		const id = created.body.data.id;
		expect(await sdk('GET', `/actions/v1/runs/${id}`)).toMatchObject({ status: 202, body: { data: { id, status: 'waiting' } } });
		const done = await finished(id);
		expect(done.body.data).toMatchObject({ id, status: 'success', errors: [], results: [{ action: 'core:101', to: 'a@example.com' }, {}] });
		expect(sandbox.runs.get(id)).toMatchObject({ dialect: 'sdk', authentication: '1001', actionKey: 'send_email' });
		expect(sandbox.runRequests('POST')).toBe(1);
		expect(sandbox.runRequests('GET')).toBeGreaterThanOrEqual(2);
	});

	test('are validated like the Partner route', async () => {
		const pointer = async (data: Record<string, unknown>) => (await run(data)).body.errors?.[0]?.source?.pointer;
		expect(await pointer({ ...SEND, selected_api: 'MailerCLIAPI' })).toBe('/data/selected_api');
		expect(await pointer({ ...SEND, action_key: 'nope' })).toBe('/data/action_key');
		expect(await pointer({ ...SEND, action_type: 'search' })).toBe('/data/action_type');
		expect(await pointer({ ...SEND, action_id: 'core:102' })).toBe('/data/action_id');
		expect(await pointer({ ...SEND, authentication_id: 1004 })).toBe('/data/authentication_id');
		expect(await pointer({ ...SEND, inputs: [] })).toBe('/data/inputs');
		expect(await pointer({ ...SEND, page: '2' })).toBe('/data/page');
		expect(sandbox.counters.runsCreated).toBe(0);
	});

	test('end in error as the switches say', async () => {
		sandbox.configure({ runErrorCode: 'authentication' });
		const done = await finished((await run(SEND)).body.data.id);
		expect(done.body.data).toMatchObject({
			status: 'error',
			results: [],
			errors: [{ code: 'authentication', title: 'Authentication failed' }],
		});
	});

	test('of a read_bulk action come in pages', async () => {
		const bulk = {
			selected_api: 'MailerCLIAPI@1.0.0',
			action_key: 'list_emails',
			action_type: 'read_bulk',
			inputs: {},
			authentication_id: 1001,
		};
		const first = (await finished((await run(bulk)).body.data.id)).body.data;
		expect(first.results.map((r: any) => r.id)).toEqual(['list_emails_1', 'list_emails_2', 'list_emails_3']);
		expect(first.next_page).toBe('2');
		const second = (await finished((await run({ ...bulk, page: first.next_page })).body.data.id)).body.data;
		expect(second.results.map((r: any) => r.id)).toEqual(['list_emails_4', 'list_emails_5']);
		expect(second.next_page).toBeNull();
		expect((await run({ ...bulk, page: 2 })).status).toBe(400);
	});

	test('wait for approval when the account asks for it, creating nothing', async () => {
		sandbox.configure({ approvalRequired: true });
		const refused = await run(SEND);
		expect(refused.status).toBe(403);
		expect(refused.headers.get('x-zapier-error-type')).toBe('approval_required');
		expect(refused.body.errors[0]).toMatchObject({ code: 'approval_required', title: 'Approval required' });
		expect(sandbox.counters.runsCreated).toBe(0);
	});

	test("of another dialect or account are not found; another account's calls back in the SDK's shape", async () => {
		const partner = sandbox.issueTokens().access_token;
		const created = await fetch(`${sandbox.url}/v2/action-runs`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${partner}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ data: { action: 'x', inputs: {} } }),
		});
		const partnerRun = ((await created.json()) as any).data.id;
		expect((await sdk('GET', `/actions/v1/runs/${partnerRun}`)).status).toBe(404);
		const bodies: string[] = [];
		const receiver = createServer((req, res) => {
			let text = '';
			req.on('data', (chunk) => (text += chunk));
			req.on('end', () => {
				bodies.push(text);
				res.end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
		const foreign = sandbox.foreignRun(url, 'sdk');
		expect((await sdk('GET', `/actions/v1/runs/${foreign}`)).status).toBe(404);
		while (!bodies.length) await sleep(20);
		receiver.close();
		expect(JSON.parse(bodies[0])).toEqual({ data: { id: foreign, status: 'success', results: expect.any(Array), errors: [] } });
	});

	test('call back with the read body when given a callback URL', async () => {
		const bodies: unknown[] = [];
		const receiver = createServer((req, res) => {
			let text = '';
			req.on('data', (chunk) => (text += chunk));
			req.on('end', () => {
				bodies.push({ body: JSON.parse(text), signed: Boolean(req.headers['zapier-callback-signature']) });
				res.end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
		const id = (await run({ ...SEND, callback_url: url })).body.data.id;
		while (!bodies.length) await sleep(20);
		receiver.close();
		expect(bodies[0]).toEqual({ body: (await finished(id)).body, signed: true });
	});
});

describe('faults and rate limits', () => {
	test('injectFaults meets the run route of whichever dialect asks next', async () => {
		sandbox.injectFaults('POST', { status: 503 }, { status: 502 });
		expect((await run(SEND)).status).toBe(503);
		const partner = sandbox.issueTokens().access_token;
		const partnerCreate = await fetch(`${sandbox.url}/v2/action-runs`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${partner}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ data: { action: 'x', inputs: {} } }),
		});
		expect(partnerCreate.status).toBe(502);
		expect(sandbox.state().pendingFaults.POST).toBe(0);
		sandbox.injectRouteFaults('GET /actions/v1/runs/:id', { status: 500 });
		expect(sandbox.state().pendingFaults.GET).toBe(1);
		sandbox.injectRouteFaults('GET /v4/authentications', { status: 500 });
		expect((await sdk('GET', '/v4/authentications')).status).toBe(500);
	});

	test('a 429 carries the quota, and shares the window with the Partner routes', async () => {
		sandbox.configure({ rateLimit: { limit: 1, windowMs: 60_000, cooldownMs: 1_000, retryAfter: 'seconds', reset: 'none' } });
		const partner = sandbox.issueTokens().access_token;
		expect((await fetch(`${sandbox.url}/v2/apps`, { headers: { Authorization: `Bearer ${partner}` } })).status).toBe(200);
		const throttled = await sdk('GET', '/v4/authentications');
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('retry-after')).toBe('1');
		expect(throttled.body.errors[0]).toEqual({
			code: 'throttled',
			title: 'Too many requests',
			detail: 'Rate limit of 1 requests per 60 seconds exceeded. Ask Zapier for a higher quota.',
		});
	});

	test("the budget's headers by switch: on every answer (Reset as epoch or seconds), on a 429 only, or never; one count for every caller", async () => {
		const partner = sandbox.issueTokens().access_token;
		const apps = async () => await fetch(`${sandbox.url}/v2/apps`, { headers: { Authorization: `Bearer ${partner}` } });
		const limit = { limit: 3, windowMs: 60_000, cooldownMs: 1_000, retryAfter: 'seconds' as const };
		sandbox.reset({ rateLimit: { ...limit, reset: 'epoch', headers: 'always' } });
		const first = await apps();
		expect(first.headers.get('x-ratelimit-limit')).toBe('3');
		expect(first.headers.get('x-ratelimit-remaining')).toBe('2');
		expect(Number(first.headers.get('x-ratelimit-reset')) * 1000).toBeGreaterThan(Date.now() + 58_000);
		// The SDK's routes and the Partner API's, each caller's token: one count.
		expect((await sdk('GET', '/v4/authentications')).headers.get('x-ratelimit-remaining')).toBe('1');
		expect((await apps()).headers.get('x-ratelimit-remaining')).toBe('0');
		const throttled = await apps();
		expect(throttled.status).toBe(429);
		expect(throttled.headers.get('x-ratelimit-remaining')).toBe('0');
		expect(sandbox.counters.rateLimited).toBeGreaterThanOrEqual(1);

		sandbox.reset({ rateLimit: { ...limit, reset: 'seconds', headers: 'always' } });
		expect((await apps()).headers.get('x-ratelimit-reset')).toBe('60');
		sandbox.reset({ rateLimit: { ...limit, reset: 'seconds', headers: 'on429' } });
		expect((await apps()).headers.get('x-ratelimit-remaining')).toBeNull();
		sandbox.reset({ rateLimit: { ...limit, limit: 0, reset: 'seconds', headers: 'never' } });
		const bare = await apps();
		expect(bare.status).toBe(429);
		expect(bare.headers.get('x-ratelimit-remaining')).toBeNull();
		expect(bare.headers.get('x-ratelimit-reset')).toBeNull();
		expect(bare.headers.get('retry-after')).toBe('1');
	});
});

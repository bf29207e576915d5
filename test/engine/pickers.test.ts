/** The editor's lists and field mapping, asked through n8n-core's LoadOptionsContext against the sandbox. */
import type { IDataObject, INodeListSearchResult } from 'n8n-workflow';

import { ZapierActions } from '../../nodes/ZapierActions/ZapierActions.node';
import { APPS, PRIORITIES } from '../../sandbox/catalog';
import { rl, useEngine } from './setup';

const node = new ZapierActions();
const MAILER = APPS[0];
const CHAT = APPS[1];
const FORMATTER = APPS[2];

const engine = useEngine();
const { context, requests } = engine;

describe('App: From List', () => {
	test('pages through every app with the pagination token, with icons', async () => {
		const ctx = context({});
		const names: string[] = [];
		let token: string | undefined;
		do {
			const page: INodeListSearchResult = await node.methods.listSearch.searchApps.call(ctx, undefined, token);
			names.push(...page.results.map((r) => r.name));
			expect(page.results.every((r) => typeof r.icon === 'string' && r.icon.startsWith(engine.sandbox.url))).toBe(true);
			token = page.paginationToken;
		} while (token);
		expect(names).toEqual(APPS.map((app) => app.title));
		expect(requests('GET /v2/apps')).toBe(Math.ceil(APPS.length / engine.sandbox.config.pageSize));
	});

	test('searches by the typed text', async () => {
		const page = await node.methods.listSearch.searchApps.call(context({}), 'chat');
		expect(page.results).toEqual([{ name: 'Team Chat', value: CHAT.id, description: CHAT.description, icon: expect.any(String) }]);
	});
});

describe('Action: From List', () => {
	test("lists all the app's actions by key, over several pages", async () => {
		const page = await node.methods.listSearch.searchActions.call(context({ app: rl(MAILER.id) }));
		expect(page.results).toEqual([
			{ name: 'Send Email (write)', value: 'send_email', description: 'Sends an email.' },
			{ name: 'Find Email (search)', value: 'find_email', description: 'Finds an email by search.' },
			{ name: 'New Email (read)', value: 'new_email', description: 'Reads new emails.' },
		]);
		expect(page.paginationToken).toBeUndefined();
	});

	test('filters by action type and by the typed text', async () => {
		const searches = await node.methods.listSearch.searchActions.call(context({ app: rl(MAILER.id), actionType: 'SEARCH' }));
		expect(searches.results.map((r) => r.value)).toEqual(['find_email']);
		const typed = await node.methods.listSearch.searchActions.call(context({ app: rl(MAILER.id) }), 'new');
		expect(typed.results.map((r) => r.value)).toEqual(['new_email']);
	});

	test('asks for the app first', async () => {
		await expect(node.methods.listSearch.searchActions.call(context({}))).rejects.toThrow('Choose an App first');
	});
});

describe('Authentication: From List', () => {
	test('lists every account over several pages and flags the expired one', async () => {
		const page = await node.methods.listSearch.searchAuthentications.call(context({ app: rl(MAILER.id) }));
		expect(page.results).toEqual([
			{ name: 'work@example.com', value: 'auth_mailer_work' },
			{ name: 'old@example.com (expired: reconnect it in Zapier)', value: 'auth_mailer_old' },
			{ name: 'home@example.com', value: 'auth_mailer_home' },
		]);
	});

	test('offers "none" for an app that needs no account', async () => {
		const page = await node.methods.listSearch.searchAuthentications.call(context({ app: rl(FORMATTER.id) }));
		expect(page.results).toEqual([{ name: 'None (this app needs no account)', value: 'none' }]);
	});

	test("points at the app's connect link when it needs an account and there is none", async () => {
		const page = await node.methods.listSearch.searchAuthentications.call(context({ app: rl(CHAT.id) }));
		expect(page.results).toEqual([
			{ name: 'No account connected: connect one in Zapier (opens the link)', value: 'none', url: `${engine.sandbox.url}/connect/chat` },
		]);
	});
});

describe('Inputs: Map Each Field', () => {
	const mapper = (parameters: IDataObject) =>
		node.methods.resourceMapping.getInputFields.call(context({ inputsMode: 'map', ...parameters }));

	test("maps every Zapier field type to n8n's, with all the choices of a SELECT", async () => {
		const { fields } = await mapper({ app: rl(MAILER.id), action: rl('send_email'), authenticationId: rl('auth_mailer_work') });
		const byId = Object.fromEntries(fields.map((f) => [f.id, f]));
		expect(Object.fromEntries(fields.map((f) => [f.id, [f.type, f.required]]))).toEqual({
			__info_about: ['notice', false],
			to: ['string', true],
			subject: ['string', true],
			body: ['string', false],
			send_at: ['dateTime', false],
			priority: ['options', false],
			copies: ['number', false],
			budget: ['number', false],
			track_opens: ['boolean', false],
			labels: ['array', false],
			headers: ['object', false],
			api_key: ['string', false],
			attachments: ['array', false],
		});
		expect(byId.__info_about).toMatchObject({ displayName: 'ℹ Sends one email from the connected mailbox.', readOnly: true });
		expect(byId.attachments.displayName).toBe('Attachments (JSON list)');
		expect(byId.copies.defaultValue).toBe(1);
		expect(byId.priority.options).toEqual(PRIORITIES.map((c) => ({ name: c.label, value: c.value })));
		expect(requests('POST /v2/actions/:id/inputs/:input/choices')).toBe(3);
	});

	test('asks again with the values so far: a dependent field appears, with choices that depend on them', async () => {
		const parameters = { app: rl(CHAT.id), action: rl('post_message') };
		const before = await mapper(parameters);
		expect(before.fields.map((f) => f.id)).toEqual(['channel', 'text']);
		const after = await mapper({ ...parameters, inputFields: { mappingMode: 'defineBelow', value: { channel: 'C_SUPPORT' } } });
		expect(after.fields.map((f) => f.id)).toEqual(['channel', 'text', 'thread']);
		expect(after.fields[2]).toMatchObject({
			displayName: 'Thread (after channel)',
			options: [
				{ name: 'Thread 1 in C_SUPPORT', value: 'C_SUPPORT_T1' },
				{ name: 'Thread 2 in C_SUPPORT', value: 'C_SUPPORT_T2' },
			],
		});
	});

	test('says what to do before an action is chosen', async () => {
		const { fields, emptyFieldsNotice } = await mapper({ app: rl(MAILER.id) });
		expect(fields).toEqual([]);
		expect(emptyFieldsNotice).toBe('Choose an action first: Action is required: pick one from the list');
	});
});

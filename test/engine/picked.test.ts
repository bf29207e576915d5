/** Workflows built by picking from lists: fresh action IDs, mapped inputs, discovery operations, tool output. */
import type { IDataObject } from 'n8n-workflow';

import { errorOf, outputOf } from '../../harness/engine';
import { TOOL_TYPE, workflow, ZAPIER_NODE } from '../../harness/workflows';
import { ZapierActions } from '../../nodes/ZapierActions/ZapierActions.node';
import { APPS } from '../../sandbox/catalog';
import { rl, useEngine } from './setup';

const [MAILER, CHAT] = APPS;

const engine = useEngine({ sandbox: { runDurationMs: 50, pageSize: 2 } });
const { requests, run } = engine;
const picked = { app: rl(MAILER.id), action: rl('send_email'), authenticationId: rl('auth_mailer_work') };

describe('an action picked from the list', () => {
	test("runs with the app's current ID, looked up once per execution", async () => {
		const items = [{ n: 1 }, { n: 2 }, { n: 3 }];
		const result = await run({ ...picked, inputsMode: 'json', inputs: '={{ $json }}' }, { items });
		expect(errorOf(result)).toBeUndefined();
		expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.status)).toEqual(['success', 'success', 'success']);
		const runs = [...engine.sandbox.runs.values()];
		expect(runs.map((r) => r.action)).toEqual(Array(3).fill(expect.stringMatching(/^mailer_core:[0-9a-f]{8}$/)));
		expect(requests('GET /v2/actions')).toBe(2);
		expect(outputOf(result, ZAPIER_NODE)[0].json.results).toEqual([
			expect.objectContaining({ action_key: 'send_email', n: 1 }),
			expect.anything(),
		]);
	});

	test('still runs after the IDs it saw rotated and expired', async () => {
		engine.sandbox.configure({ actionIdTtlMs: 100 });
		await run({ ...picked, inputsMode: 'json', inputs: '{}' });
		const firstId = [...engine.sandbox.runs.values()][0].action;
		await new Promise((r) => setTimeout(r, 150));
		const again = await run({ ...picked, inputsMode: 'json', inputs: '{}' });
		expect(outputOf(again, ZAPIER_NODE)[0].json.status).toBe('success');
		expect([...engine.sandbox.runs.values()][1].action).not.toBe(firstId);
	});

	test('an expired ID given By ID fails with what to do', async () => {
		engine.sandbox.configure({ actionIdTtlMs: 100 });
		await run({ ...picked, inputsMode: 'json', inputs: '{}' });
		const staleId = [...engine.sandbox.runs.values()][0].action;
		await new Promise((r) => setTimeout(r, 150));
		const result = await run({ action: rl(staleId, 'id'), inputsMode: 'json', inputs: '{}' });
		const error = errorOf(result)!;
		expect(error.message).toBe(
			`Zapier refused the request (HTTP 400): The action ID "${staleId}" has expired. Look the action up again. (at /data/action)`,
		);
		expect(error.context?.itemIndex).toBe(0);
		expect(error.description).toBe(
			"Zapier's action IDs change and expire. Pick the action from the list (it is stored by key and its current ID is looked up on every run), or look up its current ID.",
		);
	});

	test('a key the app no longer offers fails before anything runs', async () => {
		const result = await run({ ...picked, action: rl('retired_action'), inputsMode: 'json', inputs: '{}' });
		expect(errorOf(result)?.message).toBe(
			'Action "retired_action" is no longer offered by this app: pick the action again from the list, or give its ID',
		);
		expect(errorOf(result)?.context?.itemIndex).toBe(0);
		expect(requests('POST /v2/action-runs')).toBe(0);
	});
});

describe('mapped inputs', () => {
	const schemaFor = async (parameters: IDataObject) => {
		const ctx = engine.context({ inputsMode: 'map', ...parameters });
		return (await new ZapierActions().methods.resourceMapping.getInputFields.call(ctx)).fields;
	};

	test('every type arrives at Zapier as its JSON type; empty and info fields are left out', async () => {
		const schema = await schemaFor(picked);
		const value = {
			__info_about: null,
			to: 'ada@example.com',
			subject: '={{ "Hello " + $json.name }}',
			body: '',
			send_at: '2026-12-01T09:00:00.000Z',
			priority: 'p3',
			copies: 2,
			budget: 9.5,
			track_opens: true,
			labels: '["a", "b"]',
			headers: '{"X-Trace": "1"}',
			api_key: null,
			attachments: '[{"name": "a.pdf", "url": "https://example.com/a.pdf"}]',
		};
		const result = await run(
			{ ...picked, inputsMode: 'map', inputFields: { mappingMode: 'defineBelow', value, schema, matchingColumns: [] } },
			{ items: [{ name: 'Ada' }] },
		);
		expect(errorOf(result)).toBeUndefined();
		expect([...engine.sandbox.runs.values()][0].inputs).toEqual({
			to: 'ada@example.com',
			subject: 'Hello Ada',
			send_at: '2026-12-01T09:00:00.000Z',
			priority: 'p3',
			copies: 2,
			budget: 9.5,
			track_opens: true,
			labels: ['a', 'b'],
			headers: { 'X-Trace': '1' },
			attachments: [{ name: 'a.pdf', url: 'https://example.com/a.pdf' }],
		});
	});

	const mapped = (value: IDataObject, schema: unknown) => ({
		...picked,
		inputsMode: 'map',
		inputFields: { mappingMode: 'defineBelow', value, schema, matchingColumns: [] },
	});

	test('required fields left empty stop the workflow before it starts (n8n checks the mapper)', async () => {
		const schema = await schemaFor(picked);
		await expect(run(mapped({ to: 'a@b.c', body: 'x' }, schema))).rejects.toThrow('Input "subject" is required');
		expect(requests('POST /v2/action-runs')).toBe(0);
	});

	test('required fields whose expressions come out empty are refused before sending, by name', async () => {
		const schema = await schemaFor(picked);
		const result = await run(mapped({ to: '={{ $json.nothing }}', subject: '={{ "" }}', body: 'x' }, schema));
		expect(errorOf(result)?.message).toBe('Inputs fields "To", "Subject" are required');
		expect(errorOf(result)?.context?.itemIndex).toBe(0);
		expect(requests('POST /v2/action-runs')).toBe(0);
	});

	test('a JSON field whose expression is not JSON is refused by name', async () => {
		const schema = await schemaFor(picked);
		const result = await run(mapped({ to: 'a@b.c', subject: 's', headers: '={{ "{not json" }}' }, schema));
		expect(errorOf(result)?.message).toBe('Inputs field "Headers" is not valid JSON');
		expect(errorOf(result)?.context?.itemIndex).toBe(0);
		expect(requests('POST /v2/action-runs')).toBe(0);
	});
});

describe('discovery operations page through everything', () => {
	test('App → Search', async () => {
		const all = await run({ resource: 'app', operation: 'search' });
		expect(outputOf(all, ZAPIER_NODE).map((item) => item.json.title)).toEqual(APPS.map((app) => app.title));
		expect(requests('GET /v2/apps')).toBe(Math.ceil(APPS.length / 2));
		const found = await run({ resource: 'app', operation: 'search', query: 'mail' });
		expect(outputOf(found, ZAPIER_NODE).map((item) => item.json.id)).toEqual([MAILER.id]);
	});

	test('Action → List, filtered by type', async () => {
		const all = await run({ resource: 'action', operation: 'list', app: rl(MAILER.id) });
		expect(outputOf(all, ZAPIER_NODE).map((item) => item.json.key)).toEqual(['send_email', 'find_email', 'new_email']);
		const writes = await run({ resource: 'action', operation: 'list', app: rl(MAILER.id), actionType: 'WRITE' });
		expect(outputOf(writes, ZAPIER_NODE).map((item) => item.json.key)).toEqual(['send_email']);
	});

	test('Authentication → List', async () => {
		const result = await run({ resource: 'authentication', operation: 'list', app: rl(MAILER.id) });
		expect(outputOf(result, ZAPIER_NODE).map((item) => [item.json.id, item.json.is_expired])).toEqual([
			['auth_mailer_work', false],
			['auth_mailer_old', true],
			['auth_mailer_home', false],
		]);
	});

	test('Action → Get Input Fields, with the values so far', async () => {
		const result = await run({
			resource: 'action',
			operation: 'getInputFields',
			app: rl(CHAT.id),
			action: rl('post_message'),
			inputs: '{"channel": "C_GENERAL"}',
		});
		expect(outputOf(result, ZAPIER_NODE).map((item) => item.json.id)).toEqual(['channel', 'text', 'thread']);
	});
});

test('as an AI tool, the output is the results, not the envelope', async () => {
	const json = workflow({ action: 'core:x', inputs: '{"q": 1}' });
	json.nodes[1].type = TOOL_TYPE;
	const result = await engine.runJson(json);
	expect(outputOf(result, ZAPIER_NODE)[0].json).toEqual({
		status: 'success',
		results: [expect.objectContaining({ q: 1 }), expect.anything()],
	});
});

/**
 * The Zapier Trigger as n8n-core drives it: activation and deactivation (its webhook methods), its
 * polls on the schedule and in the editor's Fetch Test Event, and Zapier's notifications to its
 * webhook, against the sandbox's Trigger Inbox with the client-credentials credential.
 */
import type { IDataObject, INodeExecutionData, ResourceMapperFields } from 'n8n-workflow';

import type { Deployment, WebhookAnswer, WorkflowJson } from '../../harness/engine';
import { activationContext, loadOptionsContext, pollContext, webhookContext } from '../../harness/engine';
import { triggerWorkflow, ZAPIER_TRIGGER_NODE } from '../../harness/workflows';
import { ZapierTrigger } from '../../nodes/ZapierTrigger/ZapierTrigger.node';
import { useEngine } from './setup';

const engine = useEngine({ connectBy: 'clientCredentials', sandbox: { inboxInitMs: 50 } });
const trigger = new ZapierTrigger();
let workflows = 0;

interface Deployed {
	json: WorkflowJson;
	deployment: Deployment;
}

/** A workflow of its own per test (inbox keys derive from the workflow), deployed as n8n keeps it. */
function deployed(parameters: IDataObject = {}): Deployed {
	workflows++;
	return { json: triggerWorkflow(`wf${workflows}`, parameters), deployment: { staticData: {}, active: true } };
}

const hooks = (workflow: Deployed) => activationContext(workflow.json, ZAPIER_TRIGGER_NODE, engine, workflow.deployment);

async function activate(workflow: Deployed): Promise<void> {
	const context = hooks(workflow);
	if (!(await trigger.webhookMethods.default.checkExists.call(context))) await trigger.webhookMethods.default.create.call(context);
}

async function poll(workflow: Deployed, mode: 'trigger' | 'manual' = 'trigger'): Promise<INodeExecutionData[] | null> {
	const answer = await trigger.poll.call(pollContext(workflow.json, ZAPIER_TRIGGER_NODE, engine, mode, workflow.deployment));
	return answer === null ? null : answer[0];
}

async function notify(workflow: Deployed, body: IDataObject) {
	const answer: WebhookAnswer = {};
	const request = { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
	const context = webhookContext(workflow.json, ZAPIER_TRIGGER_NODE, engine, request, answer, undefined, workflow.deployment);
	return await trigger.webhook.call(context);
}

const inboxes = () => engine.sandbox.inboxes();
const onlyInbox = () => {
	const all = inboxes().filter((inbox) => inbox.status !== 'deleting');
	expect(all).toHaveLength(1);
	return all[0];
};
const payloadIds = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => item.json.id);
const leases = () => engine.requests('POST /inboxes/:id/messages/lease');
const memory = (workflow: Deployed) => workflow.deployment.staticData[`node:${ZAPIER_TRIGGER_NODE}`] as IDataObject;

describe("the editor's lists", () => {
	const editing = (parameters: IDataObject) => loadOptionsContext(deployed(parameters).json, ZAPIER_TRIGGER_NODE, engine);

	test("the app's triggers are its read actions; the trigger's fields come with their choices", async () => {
		const triggers = await trigger.methods.listSearch.searchTriggers.call(editing({}));
		expect(triggers.results).toEqual([{ name: 'New Email', value: 'new_email', description: 'Reads new emails.' }]);
		const { fields } = (await trigger.methods.resourceMapping.getInputFields.call(editing({}))) as ResourceMapperFields;
		expect(fields.map((field) => [field.id, field.required, field.options?.map((option) => option.value)])).toEqual([
			['folder', true, ['INBOX', 'WORK', 'SPAM']],
			['from_contains', false, undefined],
		]);
		const connections = await trigger.methods.listSearch.searchAuthentications.call(editing({}));
		expect(connections.results.map((result) => result.value)).toEqual(['1001', '1002', '1003']);
	});
});

describe('activation', () => {
	test('makes one inbox for the trigger and waits until Zapier has it active; activating again reuses it', async () => {
		const workflow = deployed();
		await activate(workflow);
		const inbox = onlyInbox();
		expect(inbox).toMatchObject({
			status: 'active',
			key: expect.stringMatching(/^n8n-wf\d+-/),
			notification_url: null,
			subscription: { app_key: 'MailerCLIAPI@1.0.0', action_key: 'new_email', inputs: { folder: 'INBOX' }, connection_id: 1001 },
		});
		expect(memory(workflow).inbox).toEqual({ id: inbox.id, key: inbox.key });
		expect(engine.requests('PUT /inboxes')).toBe(1);

		// n8n starting again asks whether the inbox is still there: it is, and nothing is made.
		await activate(workflow);
		expect(engine.requests('PUT /inboxes')).toBe(1);
		// Forgotten (another n8n's database, say), the same choices find the same inbox again.
		delete memory(workflow).inbox;
		await activate(workflow);
		expect(onlyInbox().id).toBe(inbox.id);
	});

	test('Push: the inbox notifies the webhook URL; changed choices replace the inbox, and deactivation deletes it', async () => {
		const workflow = deployed({ receive: 'push' });
		await activate(workflow);
		const first = onlyInbox();
		expect(first.notification_url).toBe(`http://127.0.0.1/webhook/${workflow.json.nodes[0].webhookId}/inbox`);

		workflow.json.nodes[0].parameters.inputFields = { mappingMode: 'defineBelow', value: { folder: 'WORK' } };
		await activate(workflow);
		const second = onlyInbox();
		expect(second.id).not.toBe(first.id);
		expect(second.subscription).toMatchObject({ inputs: { folder: 'WORK' } });

		await trigger.webhookMethods.default.delete.call(hooks(workflow));
		expect(inboxes().filter((inbox) => inbox.status !== 'deleting')).toEqual([]);
		expect(memory(workflow).inbox).toBeUndefined();
	});

	test('an inbox Zapier cannot set up fails the activation, saying why and what to do', async () => {
		engine.sandbox.configure({ inboxInitFailure: 'authentication' });
		await expect(activate(deployed())).rejects.toMatchObject({
			message: "Zapier could not start watching the app's trigger: Zapier could not sign in to the app with the chosen connection",
			description: expect.stringContaining('Reconnect the account in Zapier'),
		});
	});

	test('a Push webhook URL Zapier could not reach is refused before anything is made', async () => {
		const workflow = deployed({ receive: 'push' });
		engine.setCredential({ apiBaseUrl: 'https://sdkapi.zapier.com' });
		await expect(activate(workflow)).rejects.toMatchObject({
			message: expect.stringContaining('Zapier cannot notify this trigger: its webhook URL'),
			description: expect.stringContaining('WEBHOOK_URL'),
		});
		expect(engine.requests('PUT /inboxes')).toBe(0);
	});

	test('bad choices are refused by field name, before Zapier is asked anything', async () => {
		await expect(
			activate(
				deployed({
					inputFields: { mappingMode: 'defineBelow', value: {}, schema: [{ id: 'folder', displayName: 'Folder', required: true }] },
				}),
			),
		).rejects.toMatchObject({
			message: 'Input Fields field "Folder" is required',
		});
		await expect(activate(deployed({ options: { batchSize: 'many' } }))).rejects.toMatchObject({
			message: 'Batch Size must be a number, got "many"',
		});
		expect(engine.requests('PUT /inboxes')).toBe(0);
	});
});

describe('what n8n must not make the node lose', () => {
	test("n8n's start while Zapier cannot be asked, or finds the inbox paused, keeps the inbox (a failed check would make n8n delete it)", async () => {
		const workflow = deployed();
		await activate(workflow);
		const inbox = onlyInbox();
		const check = () => trigger.webhookMethods.default.checkExists.call(hooks(workflow));
		engine.sandbox.injectRouteFaults('GET /inboxes/:id', ...Array(5).fill({ status: 503 }));
		await expect(check()).resolves.toBe(true);
		engine.sandbox.pauseInbox(inbox.id, 'authentication');
		await expect(check()).resolves.toBe(true);
		expect(engine.requests('DELETE /inboxes/:id')).toBe(0);
	});

	test('deactivation deletes every inbox of the node, also those its static data lost; a test with other choices deletes none', async () => {
		const workflow = deployed();
		await activate(workflow);
		const live = onlyInbox();
		// Fetch Test Event with other choices: an inbox of its own, the workflow's untouched and still remembered.
		const testing = { ...workflow, json: structuredClone(workflow.json) };
		testing.json.nodes[0].parameters.inputFields = { mappingMode: 'defineBelow', value: { folder: 'SPAM' } };
		await expect(poll(testing, 'manual')).rejects.toMatchObject({ message: 'No event in the inbox yet' });
		expect(inboxes().map((inbox) => inbox.status)).toEqual(['active', 'active']);
		expect(memory(workflow).inbox).toMatchObject({ id: live.id });
		await trigger.webhookMethods.default.delete.call(hooks(workflow));
		expect(inboxes().filter((inbox) => inbox.status !== 'deleting')).toEqual([]);
		// Another node's inbox is not the node's to delete.
		const other = deployed();
		await activate(other);
		await trigger.webhookMethods.default.delete.call(hooks(deployed()));
		expect(onlyInbox().key).toMatch(new RegExp(`^n8n-${other.json.id}-`));
	});

	test("a key Zapier says is taken (the app's version moved on since) keeps the inbox there is", async () => {
		const workflow = deployed();
		await activate(workflow);
		const inbox = onlyInbox();
		delete memory(workflow).inbox;
		const taken = {
			errors: [{ code: 'conflict', title: 'Conflict', detail: 'An inbox with this key already exists with a different subscription.' }],
		};
		engine.sandbox.injectRouteFaults('PUT /inboxes', { status: 409, body: taken });
		await activate(workflow);
		expect(memory(workflow).inbox).toMatchObject({ id: inbox.id });
		expect(onlyInbox().id).toBe(inbox.id);
	});

	test("a notification writes nothing to the static data, which n8n would save over the polls' own", async () => {
		const workflow = deployed({ receive: 'push', options: { batchSize: 2 } });
		await activate(workflow);
		const saved = JSON.parse(JSON.stringify(memory(workflow)));
		engine.sandbox.emitInboxEvents({ count: 2 });
		expect(((await notify(workflow, { inbox_id: onlyInbox().id.toUpperCase() })).workflowData ?? [[]])[0]).toHaveLength(2);
		expect(JSON.parse(JSON.stringify(memory(workflow)))).toEqual(saved);
	});

	test('a problem found by the first poll (no activation) is reported once too', async () => {
		engine.sandbox.configure({ inboxInitFailure: 'subscribe_failed' });
		const workflow = deployed();
		await expect(poll(workflow)).rejects.toMatchObject({
			message: expect.stringContaining("Zapier could not subscribe to the app's trigger"),
		});
		expect(await poll(workflow)).toBeNull();
	});
});

describe('polling', () => {
	test("events come out in Zapier's order, a batch per poll, each acknowledged as it is handed over", async () => {
		const workflow = deployed({ options: { batchSize: 25 } });
		await activate(workflow);
		const queued = engine.sandbox.emitInboxEvents({ count: 30 });
		const first = await poll(workflow);
		expect(payloadIds(first)).toEqual(queued.slice(0, 25).map((message) => message.payload.id));
		expect(first![0].json).toEqual({
			...queued[0].payload,
			_zapier: { message_id: queued[0].id, created_at: expect.any(String), lease_count: 1, possible_duplicate_data: false },
		});
		expect(onlyInbox()).toMatchObject({ acked: 25, available: 5, leased: 0 });
		expect(payloadIds(await poll(workflow))).toEqual(queued.slice(25).map((message) => message.payload.id));
		expect(await poll(workflow)).toBeNull();
		expect(onlyInbox()).toMatchObject({ acked: 30, available: 0 });
		// Two leases and two acknowledgements. The inbox is looked at before leasing (an empty lease would
		// still cost a Zapier task), except right after a full batch, when more are waiting.
		expect(leases()).toBe(2);
		expect(engine.requests('POST /inboxes/:id/messages/ack')).toBe(2);
		expect(engine.requests('GET /inboxes/:id/messages')).toBe(2);
		expect(engine.requests('GET /inboxes/:id')).toBe(2);
	});

	test("a Batch Size beyond Zapier's 100 (an expression, say) leases 100", async () => {
		const workflow = deployed({ options: { batchSize: 500 } });
		await activate(workflow);
		engine.sandbox.emitInboxEvents({ count: 120 });
		expect(await poll(workflow)).toHaveLength(100);
		expect(await poll(workflow)).toHaveLength(20);
	});

	test('without an activation (n8n gives polls none), the first poll makes the inbox', async () => {
		const workflow = deployed();
		expect(await poll(workflow)).toBeNull();
		engine.sandbox.emitInboxEvents({ count: 2 });
		expect(await poll(workflow)).toHaveLength(2);
		expect(engine.requests('PUT /inboxes')).toBe(1);
	});

	test('an inbox deleted in Zapier is made again by the next poll', async () => {
		const workflow = deployed();
		await activate(workflow);
		const before = onlyInbox();
		engine.sandbox.reset({ inboxInitMs: 50 });
		expect(await poll(workflow)).toBeNull();
		expect(onlyInbox().id).not.toBe(before.id);
	});

	test("a lost acknowledgement: the lease ends, and Zapier's redelivery is dropped (or marked, by option)", async () => {
		for (const redeliveries of ['drop', 'mark']) {
			engine.sandbox.reset({ inboxInitMs: 50 });
			const workflow = deployed({ options: { redeliveries } });
			await activate(workflow);
			engine.sandbox.emitInboxEvents({ count: 3 });
			engine.sandbox.injectRouteFaults('POST /inboxes/:id/messages/ack', { status: 400, detail: 'Something went wrong.' });
			expect(await poll(workflow)).toHaveLength(3);
			expect(onlyInbox()).toMatchObject({ acked: 0, leased: 3 });
			engine.sandbox.expireLeases();
			const again = await poll(workflow);
			if (redeliveries === 'drop') expect(again).toBeNull();
			else
				expect((again ?? []).map((item) => item.json._zapier)).toEqual(
					Array(3).fill(expect.objectContaining({ lease_count: 2, redelivered: true })),
				);
			expect(onlyInbox()).toMatchObject({ acked: 3, available: 0 });
		}
	});

	test('a lease that fails after reaching Zapier is never sent again; its events come back when it ends, and none is lost', async () => {
		const workflow = deployed();
		await activate(workflow);
		const queued = engine.sandbox.emitInboxEvents({ count: 4 });
		engine.sandbox.injectRouteFaults('POST /inboxes/:id/messages/lease', { drop: true, commit: true });
		await expect(poll(workflow)).rejects.toMatchObject({ message: expect.stringContaining('Zapier may have created a lease of messages') });
		expect(leases()).toBe(1);
		expect(onlyInbox()).toMatchObject({ leased: 4 });
		engine.sandbox.expireLeases();
		const delivered = await poll(workflow);
		expect(payloadIds(delivered)).toEqual(queued.map((message) => message.payload.id));
		expect(delivered!.map((item) => (item.json._zapier as IDataObject).lease_count)).toEqual([2, 2, 2, 2]);
	});

	test('a paused inbox is reported once per change, with the reason and what to do', async () => {
		const workflow = deployed();
		await activate(workflow);
		const inbox = onlyInbox();
		engine.sandbox.pauseInbox(inbox.id, 'authentication');
		await expect(poll(workflow)).rejects.toMatchObject({
			message: "Zapier paused this trigger's inbox: Zapier could not sign in to the app with the chosen connection",
			description: expect.stringContaining('Reconnect the account in Zapier'),
		});
		expect(await poll(workflow)).toBeNull();
		expect(await poll(workflow)).toBeNull();
		engine.sandbox.pauseInbox(inbox.id, 'upstream_failures');
		await expect(poll(workflow)).rejects.toMatchObject({ message: expect.stringContaining('the app kept failing') });
		// The editor's test tells it every time.
		await expect(poll(workflow, 'manual')).rejects.toMatchObject({ message: expect.stringContaining('the app kept failing') });
	});

	test('with Resume When Paused, a pause that resuming cures is lifted and the events flow again', async () => {
		const workflow = deployed({ options: { resumeWhenPaused: true } });
		await activate(workflow);
		const inbox = onlyInbox();
		engine.sandbox.pauseInbox(inbox.id, 'user');
		expect(await poll(workflow)).toBeNull();
		expect(onlyInbox().status).toBe('active');
		engine.sandbox.emitInboxEvents({ count: 1 });
		expect(await poll(workflow)).toHaveLength(1);
		// A pause only Zapier's user can cure is still reported.
		engine.sandbox.pauseInbox(inbox.id, 'authentication');
		await expect(poll(workflow)).rejects.toMatchObject({ message: expect.stringContaining('could not sign in') });
	});
});

describe("the editor's Fetch Test Event", () => {
	test('leases and releases: the events are shown and nothing is consumed', async () => {
		const workflow = deployed();
		await activate(workflow);
		const queued = engine.sandbox.emitInboxEvents({ count: 3 });
		expect(payloadIds(await poll(workflow, 'manual'))).toEqual(queued.map((message) => message.payload.id));
		expect(onlyInbox()).toMatchObject({ available: 3, acked: 0 });
		// The workflow's next poll gets them all, not as redeliveries.
		const delivered = await poll(workflow);
		expect(payloadIds(delivered)).toEqual(queued.map((message) => message.payload.id));
		expect(delivered!.every((item) => !(item.json._zapier as IDataObject).redelivered)).toBe(true);
	});

	test('with an empty inbox, says so and how to make the app produce an event', async () => {
		await expect(poll(deployed({}), 'manual')).rejects.toMatchObject({
			message: 'No event in the inbox yet',
			description: expect.stringContaining('Make the app produce an event'),
		});
		expect(onlyInbox().status).toBe('active');
	});
});

describe("Zapier's notifications (Push)", () => {
	test("a notification of the trigger's inbox takes a batch at once", async () => {
		const workflow = deployed({ receive: 'push' });
		await activate(workflow);
		const inbox = onlyInbox();
		const queued = engine.sandbox.emitInboxEvents({ inbox: inbox.id, count: 2 });
		const answer = await notify(workflow, { inbox_id: inbox.id, received_message_count: 2, redelivery: false });
		expect(payloadIds(answer.workflowData?.[0] ?? null)).toEqual(queued.map((message) => message.payload.id));
		expect(onlyInbox()).toMatchObject({ acked: 2 });
	});

	test("anything but the inbox's own news costs no lease and starts nothing", async () => {
		const workflow = deployed({ receive: 'push' });
		await activate(workflow);
		engine.sandbox.emitInboxEvents({ count: 2 });
		for (const body of [{ inbox_id: 'another-inbox' }, {}, { inbox_id: null }]) {
			expect(await notify(workflow, body)).toEqual({ webhookResponse: { received: true, leased: 0 } });
		}
		expect(leases()).toBe(0);
		// Nor does an empty inbox's.
		await poll(workflow);
		expect(await notify(workflow, { inbox_id: onlyInbox().id })).toEqual({ webhookResponse: { received: true, leased: 0 } });
	});
});

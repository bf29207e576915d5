/** The Zapier Action Run Trigger as n8n-core hands it a callback: what starts an execution, and what is refused. */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

import type { INode, IWebhookResponseData } from 'n8n-workflow';

import type { CapturedRequest } from '../../harness/capture';
import type { WebhookAnswer, WorkflowJson } from '../../harness/engine';
import { webhookContext } from '../../harness/engine';
import { CREDENTIAL_ID, TRIGGER_TYPE } from '../../harness/workflows';
import { ZapierActionRunTrigger } from '../../nodes/ZapierActionRunTrigger/ZapierActionRunTrigger.node';
import { sleep, useEngine } from './setup';

const engine = useEngine({ sandbox: { runDurationMs: 50 }, capture: true });
const TRIGGER = 'Zapier Action Run Trigger';
let workflows = 0;

/** A workflow of its own for each test: redeliveries are remembered per workflow and trigger. */
function triggerWorkflow(options: Record<string, unknown> = {}, withCredential = false): WorkflowJson {
	const node: INode = {
		id: `trigger-${++workflows}`,
		name: TRIGGER,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { options: { keysUrl: engine.sandbox.jwksUrl, ...options } },
		...(withCredential ? { credentials: { zapierOAuth2Api: { id: CREDENTIAL_ID, name: 'Zapier' } } } : {}),
	};
	return { name: `trigger ${workflows}`, nodes: [node], connections: {} };
}

/** Starts a run without waiting, with the capture server as its callback URL, and returns Zapier's callback. */
async function finishedRunCallback(): Promise<CapturedRequest> {
	const before = engine.capture.requests.length;
	await engine.run({
		action: 'core:x',
		inputs: '{"a": 1}',
		waitForCompletion: false,
		options: { callbackUrl: `${engine.capture.url}/trigger` },
	});
	for (let waited = 0; engine.capture.requests.length === before && waited < 5_000; waited += 50) await sleep(50);
	return engine.capture.requests[before];
}

async function deliver(json: WorkflowJson, callback: { signature?: string; body: string }) {
	const answer: WebhookAnswer = {};
	const headers = { 'content-type': 'application/json', 'zapier-callback-signature': callback.signature };
	const response: IWebhookResponseData = await new ZapierActionRunTrigger().webhook.call(
		webhookContext(json, TRIGGER, engine, { headers, body: callback.body }, answer),
	);
	return { response, answer };
}

const reads = () => engine.requests('GET /v2/action-runs/:id');
const runId = () => engine.sandbox.state().runs[0].id;

test('a signed callback that names its run starts one execution with the run, reading nothing', async () => {
	const { response } = await deliver(triggerWorkflow(), await finishedRunCallback());
	expect(response.workflowData![0].map((item) => item.json)).toEqual([
		{ id: runId(), status: 'success', results: [expect.objectContaining({ a: 1 }), expect.anything()], errors: [] },
	]);
	expect(reads()).toBe(0);
});

test('a run delivered again starts nothing, or by option an execution marked as a redelivery', async () => {
	const callback = await finishedRunCallback();
	const dropping = triggerWorkflow();
	await deliver(dropping, callback);
	expect((await deliver(dropping, callback)).response).toEqual({ webhookResponse: { received: true, redelivery: true } });
	const marking = triggerWorkflow({ redeliveries: 'mark' });
	await deliver(marking, callback);
	expect((await deliver(marking, callback)).response.workflowData![0][0].json).toMatchObject({ id: runId(), redelivery: true });
});

describe('a signature with only the claims Zapier documents (iat, exp), naming neither the run nor the body', () => {
	beforeEach(() => engine.sandbox.configure({ callbackSignature: 'unbound' }));

	test('without a credential on the trigger: 401, nothing read, nothing started', async () => {
		const { response, answer } = await deliver(triggerWorkflow(), await finishedRunCallback());
		expect(response).toEqual({ noWebhookResponse: true });
		expect(answer.status).toBe(401);
		expect(answer.body).toEqual({
			message: expect.stringMatching(/names neither the run nor the body.*choose the trigger's Zapier credential$/),
		});
		expect(reads()).toBe(0);
	});

	test("with the credential: the run is read from Zapier, and Zapier's run is output, whatever the body says", async () => {
		const callback = await finishedRunCallback();
		const forgedBody = JSON.stringify({ data: { type: 'run', id: runId(), status: 'error', results: [{ made: 'up' }], errors: [] } });
		const { response } = await deliver(triggerWorkflow({}, true), { signature: callback.signature, body: forgedBody });
		expect(response.workflowData![0].map((item) => item.json)).toEqual([
			{ id: runId(), status: 'success', results: [expect.objectContaining({ a: 1 }), expect.anything()], errors: [] },
		]);
		expect(reads()).toBe(1);
	});
});

test('a token signed by a key the JWKS does not hold (yet) is answered 503, so that Zapier sends it again', async () => {
	const callback = await finishedRunCallback();
	const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const now = Math.floor(Date.now() / 1000);
	const claims = { iat: now, exp: now + 300, run_id: runId(), body_sha256: createHash('sha256').update(callback.body).digest('hex') };
	const input = `${encode({ alg: 'RS256', kid: 'rotated-key' })}.${encode(claims)}`;
	const signature = `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
	const { response, answer } = await deliver(triggerWorkflow(), { signature, body: callback.body });
	expect(response).toEqual({ noWebhookResponse: true });
	expect(answer).toEqual({
		status: 503,
		body: { message: 'Could not check the callback\'s signature: no signing key "rotated-key" in the JWKS' },
	});
});

test.each([
	['forged', 'the signature does not verify'],
	['expired', 'the signature has expired'],
	['none', 'the request is not signed'],
] as const)('a %s signature is answered 401 and starts nothing', async (callbackSignature, problem) => {
	engine.sandbox.configure({ callbackSignature });
	const { response, answer } = await deliver(triggerWorkflow({}, true), await finishedRunCallback());
	expect(response).toEqual({ noWebhookResponse: true });
	expect(answer).toEqual({ status: 401, body: { message: `Callback refused: ${problem}` } });
	expect(reads()).toBe(0);
});

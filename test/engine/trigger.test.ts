/**
 * The Zapier Action Run Trigger as n8n-core hands it a callback: what starts an execution, and what is
 * refused. Each test has a key set of its own (the JWKS URL differs by its query), as each n8n does.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

import type { INode, IWebhookResponseData } from 'n8n-workflow';

import type { CapturedRequest } from '../../harness/capture';
import { connectedWith } from '../../harness/connectBy';
import type { WebhookAnswer, WorkflowJson } from '../../harness/engine';
import { activationContext, webhookContext } from '../../harness/engine';
import { CREDENTIAL_ID, TRIGGER_TYPE } from '../../harness/workflows';
import { ZapierActionRunTrigger } from '../../nodes/ZapierActionRunTrigger/ZapierActionRunTrigger.node';
import { proofKey, withProof } from '../../nodes/ZapierActions/helpers/callbackProof';
import { sleep, useEngine } from './setup';

const engine = useEngine({ sandbox: { runDurationMs: 50 }, capture: true });
const TRIGGER = 'Zapier Action Run Trigger';
let workflows = 0;
const keysUrl = () => `${engine.sandbox.jwksUrl}?workflow=${workflows}`;
const webhookId = () => `0000000${workflows}-0000-4000-8000-00000000e000`.slice(-36);
/** The trigger's Production URL, as the capture server stands in for n8n. */
const triggerUrl = () => `${engine.capture.url}/webhook/${webhookId()}/zapier-action-runs`;

/** A workflow of its own for each test: redeliveries are remembered per workflow and trigger. */
function triggerWorkflow(parameters: Record<string, unknown> = {}, withCredential = true): WorkflowJson {
	workflows++;
	const connected = connectedWith(engine.connectBy, { id: CREDENTIAL_ID, name: 'Zapier' });
	const node: INode = {
		id: `trigger-${workflows}`,
		name: TRIGGER,
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: webhookId(),
		parameters: { ...connected.parameters, ...parameters, options: { keysUrl: keysUrl(), ...(parameters.options as object) } },
		...(withCredential ? { credentials: connected.credentials } : {}),
	};
	return { name: `trigger ${workflows}`, nodes: [node], connections: {} };
}

/** Zapier's callbacks to `url` once `count` have come. */
async function callbacksTo(path: string, count = 1): Promise<CapturedRequest[]> {
	const found = () => engine.capture.requests.filter((request) => request.path.startsWith(path));
	for (let waited = 0; found().length < count && waited < 5_000; waited += 50) await sleep(50);
	return found();
}

/** Starts a run without waiting, calling back to `callbackUrl` (the trigger's by default), and returns Zapier's callback. */
async function finishedRunCallback(callbackUrl = triggerUrl()): Promise<CapturedRequest> {
	const before = engine.capture.requests.length;
	await engine.run({ action: 'core:x', inputs: '{"a": 1}', waitForCompletion: false, options: { callbackUrl } });
	for (let waited = 0; engine.capture.requests.length === before && waited < 5_000; waited += 50) await sleep(50);
	return engine.capture.requests[before];
}

async function deliver(json: WorkflowJson, callback: { signature?: string; body: string; path?: string }) {
	const answer: WebhookAnswer = {};
	const headers = { 'content-type': 'application/json', 'zapier-callback-signature': callback.signature };
	const query = Object.fromEntries(new URL(callback.path ?? '/', 'http://n8n').searchParams);
	const ctx = webhookContext(json, TRIGGER, engine, { headers, body: callback.body, query }, answer);
	const warn = jest.spyOn(ctx.logger, 'warn').mockImplementation(() => undefined);
	const response: IWebhookResponseData = await new ZapierActionRunTrigger().webhook.call(ctx);
	const warnings = warn.mock.calls.map(([message]) => String(message));
	warn.mockRestore();
	return { response, answer, warnings };
}

const reads = () => engine.requests('GET /v2/action-runs/:id');
const jwksFetches = () => engine.requests('GET /.well-known/jwks.json');
const runId = () => engine.sandbox.state().runs[0].id;
const outputOf = (response: IWebhookResponseData) => response.workflowData?.[0].map((item) => item.json);
const refusedWith = (status: number, message: string) => ({ response: { noWebhookResponse: true }, answer: { status, body: { message } } });
const theRun = () => ({ id: runId(), status: 'success', results: [expect.objectContaining({ a: 1 }), expect.anything()], errors: [] });

describe("runs started by this n8n (the default): the trigger's URL carries a proof made with the credential", () => {
	test('a signed callback with the proof starts one execution with the run, reading nothing', async () => {
		const json = triggerWorkflow();
		const callback = await finishedRunCallback();
		expect(new URL(callback.path, 'http://n8n').searchParams.get('zapier_proof')).toMatch(/^v1\.\d+\.[\w-]+\.[\w-]+$/);
		const { response } = await deliver(json, callback);
		expect(outputOf(response)).toEqual([theRun()]);
		expect(reads()).toBe(0);
	});

	test('with only the claims Zapier documents (iat, exp), the callback is believed as it is: the URL proves the run is ours', async () => {
		engine.sandbox.configure({ callbackSignature: 'unbound' });
		const json = triggerWorkflow();
		const { response } = await deliver(json, await finishedRunCallback());
		expect(outputOf(response)).toEqual([theRun()]);
		expect(reads()).toBe(0);
	});

	test("another Zapier account's run called back to the trigger's URL, genuinely signed, starts nothing", async () => {
		const json = triggerWorkflow();
		engine.sandbox.foreignRun(triggerUrl());
		const [callback] = await callbacksTo(`/webhook/${webhookId()}`);
		const refusal = await deliver(json, callback);
		expect(refusal).toMatchObject(refusedWith(401, 'Callback refused: its URL carries no proof that this n8n started the run'));
		expect(refusal.warnings).toEqual([expect.stringContaining('answered 401')]);
		expect(reads()).toBe(0);
	});

	test("a proof copied from one of this n8n's runs into another account's run is refused once the run it was made for came", async () => {
		const json = triggerWorkflow();
		const ours = await finishedRunCallback();
		await deliver(json, ours);
		engine.sandbox.foreignRun(new URL(ours.path, engine.capture.url).href);
		const [, theirs] = await callbacksTo(`/webhook/${webhookId()}`, 2);
		expect(await deliver(json, theirs)).toMatchObject(refusedWith(401, "Callback refused: its URL's proof was made for another run"));
	});

	test('a proof made with another credential, or for another trigger, is refused', async () => {
		const json = triggerWorkflow();
		const stranger = withProof(triggerUrl(), proofKey('a stranger'), Math.floor(Date.now() / 1000));
		const callback = await finishedRunCallback(stranger.replace('zapier_proof', 'x'));
		for (const url of [stranger, withProof(triggerUrl().replace(webhookId(), 'another-trigger'), proofKey('sandbox-secret'), 1)]) {
			const { answer } = await deliver(json, { ...callback, path: new URL(url).search });
			expect(answer).toEqual({
				status: 401,
				body: { message: "Callback refused: its URL's proof was not made with this credential for this trigger" },
			});
		}
	});

	test('other URLs are sent as they are', async () => {
		const callback = await finishedRunCallback(`${engine.capture.url}/elsewhere?mine=1`);
		expect(callback.path).toBe('/elsewhere?mine=1');
	});

	test('activation without the credential fails and says what is needed, so that no callback is refused quietly later', async () => {
		const json = triggerWorkflow({}, false);
		const methods = new ZapierActionRunTrigger().webhookMethods.default;
		await expect(methods.checkExists.call(activationContext(json, TRIGGER, engine))).rejects.toThrow(
			'Choose the Zapier credential that starts the runs',
		);
		await expect(methods.checkExists.call(activationContext(triggerWorkflow(), TRIGGER, engine))).resolves.toBe(true);
	});
});

describe("any run of the credential's account: for callback URLs pasted by hand, each run is read from Zapier", () => {
	const byHand = { accept: 'account' };

	test("Zapier's run is output, whatever the body says", async () => {
		engine.sandbox.configure({ callbackSignature: 'unbound' });
		const json = triggerWorkflow(byHand);
		const callback = await finishedRunCallback(`${engine.capture.url}/pasted-by-hand`);
		const forgedBody = JSON.stringify({ data: { type: 'run', id: runId(), status: 'error', results: [{ made: 'up' }], errors: [] } });
		const { response } = await deliver(json, { ...callback, body: forgedBody });
		expect(outputOf(response)).toEqual([theRun()]);
		expect(reads()).toBe(1);
	});

	test("another account's run is one Zapier does not show this credential: 404, nothing started", async () => {
		const json = triggerWorkflow(byHand);
		engine.sandbox.foreignRun(`${engine.capture.url}/pasted-by-hand`);
		const [callback] = await callbacksTo('/pasted-by-hand');
		const id = JSON.parse(callback.body).data.id;
		expect(await deliver(json, callback)).toMatchObject(refusedWith(404, `Callback refused: Zapier has no run ${id} for this credential`));
	});

	test('a run Zapier still reads as going (its read lags its callback) is answered 503, so that Zapier sends it again', async () => {
		engine.sandbox.configure({ readLagMs: 1_000 });
		const json = triggerWorkflow(byHand);
		const callback = await finishedRunCallback(`${engine.capture.url}/pasted-by-hand`);
		expect(await deliver(json, callback)).toMatchObject(
			refusedWith(503, `Zapier does not say run ${runId()} has ended yet; send the callback again later`),
		);
		await sleep(1_000);
		expect(outputOf((await deliver(json, callback)).response)).toEqual([theRun()]);
	});
});

test('a run delivered again starts nothing, or by option an execution marked as a redelivery', async () => {
	const dropping = triggerWorkflow();
	const callback = await finishedRunCallback();
	await deliver(dropping, callback);
	expect((await deliver(dropping, callback)).response).toEqual({ webhookResponse: { received: true, redelivery: true } });
	const marking = triggerWorkflow({ options: { redeliveries: 'mark' } });
	const marked = await finishedRunCallback();
	await deliver(marking, marked);
	expect(outputOf((await deliver(marking, marked)).response)).toEqual([expect.objectContaining({ redelivery: true })]);
});

test.each([
	['forged', 'the signature does not verify'],
	['expired', 'the signature has expired'],
	['none', 'the request is not signed'],
] as const)('a %s signature is answered 401 and starts nothing', async (callbackSignature, problem) => {
	engine.sandbox.configure({ callbackSignature });
	const json = triggerWorkflow();
	expect(await deliver(json, await finishedRunCallback())).toMatchObject(refusedWith(401, `Callback refused: ${problem}`));
	expect(reads()).toBe(0);
});

// Last in the file: its clock only ever moves forward, as the credential's rate limiter expects.
describe('keys that change', () => {
	let offsetMs = 0;
	/** Moves every clock the process reads forward by `ms`, as time passing would. */
	const later = (ms: number) => (offsetMs += ms);
	beforeAll(() => {
		const now = Date.now.bind(Date);
		jest.spyOn(Date, 'now').mockImplementation(() => now() + offsetMs);
	});
	afterAll(() => jest.restoreAllMocks());

	test.each(['same-kid', 'new-kid'] as const)(
		'after a rotation (%s), a callback signed by the new key is accepted: keys over a minute old are fetched again',
		async (rotation) => {
			const json = triggerWorkflow();
			await deliver(json, await finishedRunCallback());
			engine.sandbox.rotateKey(rotation);
			later(61_000);
			const { response } = await deliver(json, await finishedRunCallback());
			expect(response.workflowData).toHaveLength(1);
			expect(jwksFetches()).toBe(2);
		},
	);

	test("after the credential's client secret changes, proofs made with the new one are accepted, the old ones refused", async () => {
		const json = triggerWorkflow();
		const before = await finishedRunCallback();
		expect((await deliver(json, before)).response.workflowData).toHaveLength(1);
		engine.setCredential({ clientSecret: 'a new secret' });
		const after = await finishedRunCallback();
		expect((await deliver(json, after)).response.workflowData).toHaveLength(1);
		expect((await deliver(json, before)).answer).toEqual({
			status: 401,
			body: { message: "Callback refused: its URL's proof was not made with this credential for this trigger" },
		});
	});

	test('a key withdrawn from the JWKS is no longer trusted once the keys reach their maximum age', async () => {
		engine.sandbox.configure({ jwksMaxAgeSeconds: 60 });
		const json = triggerWorkflow();
		await deliver(json, await finishedRunCallback());
		engine.sandbox.rotateKey('withdraw');
		later(61_000);
		// This callback is checked against the keys it finds, while newer ones are fetched.
		expect((await deliver(json, await finishedRunCallback())).response.workflowData).toHaveLength(1);
		await sleep(200);
		const refusal = await deliver(json, await finishedRunCallback());
		expect(refusal.answer.status).toBe(401);
		expect(jwksFetches()).toBe(2);
	});

	test('a key the JWKS does not hold after a fresh fetch is a 401', async () => {
		const json = triggerWorkflow();
		const callback = await finishedRunCallback();
		const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
		const now = Math.floor(Date.now() / 1000);
		const claims = { iat: now, exp: now + 300, run_id: runId(), body_sha256: createHash('sha256').update(callback.body).digest('hex') };
		const input = `${encode({ alg: 'RS256', kid: 'made-up' })}.${encode(claims)}`;
		const signature = `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
		expect(await deliver(json, { ...callback, signature })).toMatchObject(
			refusedWith(401, 'Callback refused: no signing key "made-up" in the JWKS'),
		);
	});

	test('when the JWKS fails, the last good keys are kept: valid callbacks go on, and a made-up key makes one fetch a minute, not one per callback', async () => {
		const json = triggerWorkflow();
		const good = await finishedRunCallback();
		await deliver(json, good);
		engine.sandbox.configure({ jwksServing: 'down' });
		engine.sandbox.rotateKey('new-kid');
		later(61_000);
		const unknown = await finishedRunCallback();
		for (let attempt = 0; attempt < 3; attempt++) {
			const refusal = await deliver(json, unknown);
			expect(refusal.answer).toEqual({ status: 503, body: { message: "Could not check the callback's signature; send it again later" } });
			expect(refusal.warnings).toEqual([expect.stringContaining(`could not be fetched from ${keysUrl()}`)]);
		}
		expect(jwksFetches()).toBe(2);
		engine.sandbox.reset({ runDurationMs: 50, jwksServing: 'down' });
		expect((await deliver(json, await finishedRunCallback())).response.workflowData).toHaveLength(1);
	});

	test.each([
		['slow', 'no complete answer within 5 s'],
		['huge', 'the key set is larger than 64 KiB'],
		['redirect', 'status code 302'],
	] as const)('a %s JWKS is given up (503, Zapier sends the callback again), and the reason logged', async (jwksServing, reason) => {
		engine.sandbox.configure({ jwksServing });
		const json = triggerWorkflow();
		const refusal = await deliver(json, await finishedRunCallback());
		expect(refusal.answer.status).toBe(503);
		expect(refusal.warnings).toEqual([expect.stringContaining(reason)]);
		// No redirect is followed.
		expect(jwksFetches()).toBe(1);
	});
});

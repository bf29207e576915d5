/** Failed requests to Zapier: what is retried, what is never sent again, and OAuth2 refreshes. */
import type { IDataObject } from 'n8n-workflow';

import { errorOf, outputOf } from '../../harness/engine';
import { ZAPIER_NODE } from '../../harness/workflows';
import { NOT_SENT_AGAIN, useEngine, onlyWith } from './setup';

const engine = useEngine({ sandbox: { runDurationMs: 100 } });
const { requests } = engine;

const runAction = async () => await engine.run({ action: 'core:x', inputs: '{"a": 1}' });
const tokens = () => engine.credential().oauthTokenData as IDataObject;

describe('creating a run is never repeated once it may have happened', () => {
	test.each([
		['a 503', { status: 503 }, 'the request failed with HTTP 503 after reaching Zapier', 'Injected HTTP 503.'],
		['a 500', { status: 500 }, 'the request failed with HTTP 500 after reaching Zapier', 'Injected HTTP 500.'],
		['a dropped connection', { drop: true }, 'the connection failed after the request was sent', 'socket hang up (ECONNRESET).'],
		[
			'a malformed answer',
			{ malformed: true },
			'the connection failed after the request was sent',
			'Zapier answered with something that is not JSON (MALFORMED_RESPONSE).',
		],
	])('after %s: one POST, and an error saying the run may exist', async (_name, fault, reason, cause) => {
		engine.sandbox.injectFaults('POST', fault);
		const result = await runAction();
		const error = errorOf(result)!;
		expect(error.message).toBe(`Zapier may have created the run: ${reason}`);
		// The cause as Zapier or the connection gave it, then what to do.
		expect(error.description?.slice(0, cause.length)).toBe(cause);
		expect(error.description?.slice(-NOT_SENT_AGAIN.length)).toBe(NOT_SENT_AGAIN);
		expect(requests('POST /v2/action-runs')).toBe(1);
	});

	test('a 429 is retried after Retry-After, and one run is created', async () => {
		engine.sandbox.injectFaults('POST', { status: 429, retryAfter: '1' });
		const result = await runAction();
		expect(outputOf(result, ZAPIER_NODE)[0].json.status).toBe('success');
		expect(requests('POST /v2/action-runs')).toBe(2);
		expect(engine.sandbox.counters.runsCreated).toBe(1);
	});

	test("a 429 that goes on past the bound fails the item, with Zapier's detail", async () => {
		engine.sandbox.injectFaults('POST', ...Array(5).fill({ status: 429, retryAfter: '0' }));
		const result = await runAction();
		expect(errorOf(result)?.message).toBe('Zapier refused the request (HTTP 429): Injected HTTP 429.');
		expect(errorOf(result)?.context?.itemIndex).toBe(0);
		expect(requests('POST /v2/action-runs')).toBe(5);
		expect(engine.sandbox.counters.runsCreated).toBe(0);
	});

	test("a 400 shows Zapier's detail and the JSON pointer of the field", async () => {
		engine.sandbox.injectFaults('POST', { status: 400, detail: 'Enter a valid email address.', pointer: '/data/inputs/email' });
		const result = await runAction();
		const error = errorOf(result)!;
		expect(error.message).toBe('Zapier refused the request (HTTP 400): Enter a valid email address. (at /data/inputs/email)');
		expect(error.context?.itemIndex).toBe(0);
		expect(requests('POST /v2/action-runs')).toBe(1);
	});
});

describe('reading a run retries what is safe to retry', () => {
	test.each([
		['5xx answers', [{ status: 503 }, { status: 500 }, { status: 502 }]],
		['dropped connections', [{ drop: true }, { drop: true }]],
		['a 429', [{ status: 429, retryAfter: '1' }]],
		['malformed JSON', [{ malformed: true }]],
	])('%s, then success', async (_name, faults) => {
		engine.sandbox.injectFaults('GET', ...faults);
		const result = await runAction();
		expect(errorOf(result)).toBeUndefined();
		expect(outputOf(result, ZAPIER_NODE)[0].json.status).toBe('success');
		expect(engine.sandbox.counters.runsCreated).toBe(1);
	});

	test('gives up after five failed reads, naming the run so that it can be read later', async () => {
		engine.sandbox.injectFaults('GET', ...Array(5).fill({ status: 503 }));
		const result = await runAction();
		const [run] = engine.sandbox.runs.values();
		const error = errorOf(result)!;
		expect(error.message).toBe(`Could not read the Zapier action run ${run.id}: Zapier refused the request (HTTP 503): Injected HTTP 503.`);
		expect(error.context?.itemIndex).toBe(0);
		expect(error.description).toBe('The run was created and was not created again. Read it later with Action Run → Get and this Run ID.');
		expect(requests('GET /v2/action-runs/:id')).toBe(5);
	});
});

onlyWith('oAuth2')('OAuth2', () => {
	test('an expired token is refreshed, the rotated refresh token kept and used on the next expiry', async () => {
		const first = tokens();
		engine.sandbox.expireAccessTokens();
		const result = await runAction();
		expect(outputOf(result, ZAPIER_NODE)[0].json.status).toBe('success');
		expect(engine.sandbox.counters.refreshes).toBe(1);
		const second = tokens();
		expect(second.refresh_token).not.toBe(first.refresh_token);
		expect(engine.sandbox.isRefreshTokenValid(first.refresh_token as string)).toBe(false);
		expect(engine.sandbox.isRefreshTokenValid(second.refresh_token as string)).toBe(true);
		expect(engine.sandbox.counters.runsCreated).toBe(1);

		engine.sandbox.expireAccessTokens();
		const again = await runAction();
		expect(outputOf(again, ZAPIER_NODE)[0].json.status).toBe('success');
		expect(engine.sandbox.counters.refreshes).toBe(2);
		expect(tokens().refresh_token).not.toBe(second.refresh_token);
		expect(JSON.stringify([result.data, again.data])).not.toMatch(/at_[0-9a-f]{24}|rt_[0-9a-f]{24}/);
	});

	test('a token expiring while waiting is refreshed without creating the run again', async () => {
		engine.sandbox.configure({ runDurationMs: 800 });
		setTimeout(() => engine.sandbox.expireAccessTokens(), 300);
		const result = await runAction();
		expect(outputOf(result, ZAPIER_NODE)[0].json.status).toBe('success');
		expect(engine.sandbox.counters.refreshes).toBe(1);
		expect(requests('POST /v2/action-runs')).toBe(1);
	});
});

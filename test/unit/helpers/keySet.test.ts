import type { Jwk } from '../../../nodes/ZapierActions/helpers/callbackSignature';
import { KeysUnavailable } from '../../../nodes/ZapierActions/helpers/callbackSignature';
import type { FetchedKeys } from '../../../nodes/ZapierActions/helpers/keySet';
import { cacheMaxAgeMs, DEFAULT_KEYS_MAX_AGE_MS, KEY_REFRESH_MS, KeySet } from '../../../nodes/ZapierActions/helpers/keySet';

const key = (kid: string) => ({ kty: 'RSA', kid, n: 'n', e: 'AQAB' }) as Jwk;

/** A key set over scripted fetches (each a key set or a failure), on a clock the test moves. */
function keySet(...answers: Array<FetchedKeys | Error>) {
	const clock = { now: 0 };
	let fetches = 0;
	const set = new KeySet(
		async () => {
			const answer = answers[Math.min(fetches++, answers.length - 1)];
			if (answer instanceof Error) throw answer;
			return answer;
		},
		() => clock.now,
	);
	return { set, clock, fetches: () => fetches };
}
const kids = async (snapshot: Promise<{ keys: Jwk[] }>) => (await snapshot).keys.map((k) => k.kid);
const settle = async () => await new Promise((resolve) => setImmediate(resolve));

test('keys are fetched once, then again in the background once older than their maximum age', async () => {
	const { set, clock, fetches } = keySet({ keys: [key('a')] }, { keys: [key('b')] });
	expect(await kids(set.current())).toEqual(['a']);
	clock.now = DEFAULT_KEYS_MAX_AGE_MS - 1;
	expect(await kids(set.current())).toEqual(['a']);
	expect(fetches()).toBe(1);
	clock.now = DEFAULT_KEYS_MAX_AGE_MS;
	// The callback that notices is not held up: it gets the keys it has, the next one the new keys.
	expect(await kids(set.current())).toEqual(['a']);
	await settle();
	expect(await kids(set.current())).toEqual(['b']);
	expect(fetches()).toBe(2);
});

test("the JWKS's Cache-Control sets the maximum age, within a minute and a day", async () => {
	expect([
		cacheMaxAgeMs('public, max-age=300'),
		cacheMaxAgeMs('max-age="60"'),
		cacheMaxAgeMs('no-store'),
		cacheMaxAgeMs(undefined),
	]).toEqual([300_000, 60_000, 0, undefined]);
	const { set, clock, fetches } = keySet(
		{ keys: [key('a')], maxAgeMs: 0 },
		{ keys: [key('b')], maxAgeMs: 10 * 86_400_000 },
		{ keys: [key('c')] },
	);
	await set.current();
	clock.now = KEY_REFRESH_MS;
	await set.current();
	await settle();
	expect(await kids(set.current())).toEqual(['b']);
	clock.now += 86_400_000 - 1;
	await set.current();
	await settle();
	expect(fetches()).toBe(2);
	clock.now += 1;
	await set.current();
	await settle();
	expect(await kids(set.current())).toEqual(['c']);
});

test('a refresh fetches again only when the keys are a minute old or more', async () => {
	const { set, clock, fetches } = keySet({ keys: [key('a')] }, { keys: [key('b')] });
	const first = await set.current();
	clock.now = KEY_REFRESH_MS - 1;
	expect(await set.refresh()).toBe(first);
	clock.now = KEY_REFRESH_MS;
	expect(await kids(set.refresh())).toEqual(['b']);
	expect(fetches()).toBe(2);
});

test('a failed fetch keeps the last good keys, and is remembered for a minute: no fetch per callback', async () => {
	const { set, clock, fetches } = keySet({ keys: [key('a')] }, new Error('JWKS down'), { keys: [key('b')] });
	await set.current();
	clock.now = KEY_REFRESH_MS;
	await expect(set.refresh()).rejects.toEqual(new KeysUnavailable('JWKS down'));
	expect(await kids(set.current())).toEqual(['a']);
	clock.now = 2 * KEY_REFRESH_MS - 1;
	await expect(set.refresh()).rejects.toBeInstanceOf(KeysUnavailable);
	expect(fetches()).toBe(2);
	clock.now = 2 * KEY_REFRESH_MS;
	expect(await kids(set.refresh())).toEqual(['b']);
	expect(fetches()).toBe(3);
});

test('nor does a failed background refresh fetch again within the minute', async () => {
	const { set, clock, fetches } = keySet({ keys: [key('a')] }, new Error('JWKS down'), { keys: [key('b')] });
	await set.current();
	clock.now = DEFAULT_KEYS_MAX_AGE_MS;
	await set.current();
	await settle();
	clock.now += KEY_REFRESH_MS - 1;
	expect(await kids(set.current())).toEqual(['a']);
	await settle();
	expect(fetches()).toBe(2);
	clock.now += 1;
	await set.current();
	await settle();
	expect(await kids(set.current())).toEqual(['b']);
});

test('without keys yet, a failure is thrown, and not fetched again within the minute', async () => {
	const { set, clock, fetches } = keySet(new Error('JWKS down'), { keys: [key('a')] });
	await expect(set.current()).rejects.toBeInstanceOf(KeysUnavailable);
	await expect(set.current()).rejects.toBeInstanceOf(KeysUnavailable);
	expect(fetches()).toBe(1);
	clock.now = KEY_REFRESH_MS;
	expect(await kids(set.current())).toEqual(['a']);
});

test('callbacks at once share one fetch', async () => {
	const { set, fetches } = keySet({ keys: [key('a')] });
	await Promise.all([set.current(), set.current(), set.current()]);
	expect(fetches()).toBe(1);
});

import type { KeyObject } from 'node:crypto';
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';

import type { Jwk } from '../../../nodes/ZapierActions/helpers/callbackSignature';
import { bindsBody, KeySet, verifyCallbackSignature } from '../../../nodes/ZapierActions/helpers/callbackSignature';

const NOW = 1_800_000_000;
const zapier = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = (key: KeyObject, kid: string): Jwk => ({ ...(key.export({ format: 'jwk' }) as Jwk), kid, alg: 'RS256', use: 'sig' });
const jwks = [jwk(zapier.publicKey, 'zapier-1')];
const keys = async () => jwks;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function token(claims: object, options: { header?: object; key?: KeyObject } = {}): string {
	const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'zapier-1', ...options.header })}.${b64(claims)}`;
	return `${input}.${sign('RSA-SHA256', Buffer.from(input), options.key ?? zapier.privateKey).toString('base64url')}`;
}
const body = JSON.stringify({ data: { type: 'run', id: 'run-1', status: 'success', results: [], errors: [] } });
const valid = { iat: NOW - 10, exp: NOW + 290 };

test('a token signed with the JWKS key, within its time, is valid', async () => {
	expect(await verifyCallbackSignature(token(valid), body, keys, NOW)).toEqual({ ok: true, value: valid });
});

test.each<[string, string | undefined, string]>([
	['no signature', undefined, 'the request is not signed'],
	['not a JWT', 'abc.def', 'the signature is not a JWT'],
	['signed by another key under the same kid', token(valid, { key: other.privateKey }), 'the signature does not verify'],
	['alg none', `${b64({ alg: 'none', kid: 'zapier-1' })}.${b64(valid)}.`, 'the signature\'s algorithm "none" is not RS256'],
	[
		'HS256 keyed with the public key',
		(() => {
			const input = `${b64({ alg: 'HS256', kid: 'zapier-1' })}.${b64(valid)}`;
			const secret = zapier.publicKey.export({ format: 'pem', type: 'spki' });
			return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
		})(),
		'the signature\'s algorithm "HS256" is not RS256',
	],
	['expired beyond the clock skew', token({ iat: NOW - 400, exp: NOW - 100 }), 'the signature has expired'],
	['without an expiry', token({ iat: NOW }), 'the signature has expired'],
	['issued in the future', token({ iat: NOW + 600, exp: NOW + 900 }), 'the signature is issued in the future'],
	['naming another run than the body', token({ ...valid, run_id: 'run-2' }), "the token's run_id is not the body's run"],
	[
		'binding another body',
		token({ ...valid, body_sha256: createHash('sha256').update('{}').digest('hex') }),
		"the body does not match the token's hash",
	],
])('refused: %s', async (_name, signature, problem) => {
	expect(await verifyCallbackSignature(signature, body, keys, NOW)).toEqual({ ok: false, problem });
});

test('a token that binds the body and names its run is valid with that body only', async () => {
	const bound = token({ ...valid, run_id: 'run-1', body_sha256: createHash('sha256').update(body).digest('hex') });
	expect(await verifyCallbackSignature(bound, body, keys, NOW)).toMatchObject({ ok: true });
	expect(await verifyCallbackSignature(bound, body.replace('success', 'error'), keys, NOW)).toEqual({
		ok: false,
		problem: "the body does not match the token's hash",
	});
});

test('a key that appeared since the last fetch is found by fetching the JWKS again, at most once a minute', async () => {
	let now = 0;
	const served: Jwk[][] = [jwks, [...jwks, jwk(other.publicKey, 'zapier-2')]];
	let fetches = 0;
	const set = new KeySet(
		async () => served[Math.min(fetches++, 1)],
		60_000,
		() => now,
	);
	await set.source(false);
	now = 120_000;
	const rotated = token(valid, { key: other.privateKey, header: { kid: 'zapier-2' } });
	expect(await verifyCallbackSignature(rotated, body, set.source, NOW)).toMatchObject({ ok: true });
	expect(fetches).toBe(2);

	const forged = token(valid, { key: other.privateKey, header: { kid: 'made-up' } });
	expect(await verifyCallbackSignature(forged, body, set.source, NOW)).toEqual({
		ok: false,
		problem: 'no signing key "made-up" in the JWKS',
	});
	expect(fetches).toBe(2);
});

test('a token binds its body when it names the run or the body hash; the claims Zapier documents alone do not', () => {
	expect(bindsBody({ iat: NOW, exp: NOW + 300 })).toBe(false);
	expect(bindsBody({ ...valid, run_id: 'run-1' })).toBe(true);
	expect(bindsBody({ ...valid, id: 'run-1' })).toBe(true);
	expect(bindsBody({ ...valid, body_sha256: 'abc' })).toBe(true);
	expect(bindsBody({ ...valid, sha256: 'abc' })).toBe(true);
});

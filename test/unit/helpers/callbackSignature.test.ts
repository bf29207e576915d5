import type { KeyObject } from 'node:crypto';
import { createHash, createHmac, generateKeyPairSync, sign } from 'node:crypto';

import type { Jwk, KeySnapshot } from '../../../nodes/ZapierActions/helpers/callbackSignature';
import { bindsBody, decodeBase64url, signingKeysOf, verifyCallbackSignature } from '../../../nodes/ZapierActions/helpers/callbackSignature';

const NOW = 1_800_000_000;
const zapier = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = (key: KeyObject, kid?: string, extra: object = {}): Jwk => ({
	...(key.export({ format: 'jwk' }) as Jwk),
	...(kid === undefined ? {} : { kid }),
	alg: 'RS256',
	use: 'sig',
	...extra,
});
const fixed = (keys: Jwk[]) => {
	const snapshot: KeySnapshot = { keys, fetchedAt: 0 };
	return { current: async () => snapshot, refresh: async () => snapshot };
};
const keys = fixed([jwk(zapier.publicKey, 'zapier-1')]);

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

/** A token whose third part is the same signature spelt another way. */
const respelt = (spell: (signature: string) => string) => {
	const [header, claims, signature] = token(valid).split('.');
	return `${header}.${claims}.${spell(signature)}`;
};

test.each<[string, string | undefined, string]>([
	['no signature', undefined, 'the request is not signed'],
	['not a JWT', 'abc.def', 'the signature is not a JWT'],
	['signed by another key under the same kid', token(valid, { key: other.privateKey }), 'the signature does not verify'],
	['alg none', `${b64({ alg: 'none', kid: 'zapier-1' })}.${b64(valid)}.`, 'the signature is not a JWT'],
	[
		'alg none with a signature part',
		`${b64({ alg: 'none', kid: 'zapier-1' })}.${b64(valid)}.AAAA`,
		'the signature\'s algorithm "none" is not RS256',
	],
	[
		'HS256 keyed with the public key',
		(() => {
			const input = `${b64({ alg: 'HS256', kid: 'zapier-1' })}.${b64(valid)}`;
			const secret = zapier.publicKey.export({ format: 'pem', type: 'spki' });
			return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
		})(),
		'the signature\'s algorithm "HS256" is not RS256',
	],
	['the signature in standard base64', respelt((s) => Buffer.from(s, 'base64url').toString('base64')), 'the signature is not a JWT'],
	['the signature padded', respelt((s) => `${s}==`), 'the signature is not a JWT'],
	['a stray character in the signature', respelt((s) => `${s.slice(0, 10)}*${s.slice(10)}`), 'the signature is not a JWT'],
	['surrounding spaces', ` ${token(valid)} `, 'the signature is not a JWT'],
	[
		'claims that are not UTF-8',
		`${b64({ alg: 'RS256', kid: 'zapier-1' })}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}.AAAA`,
		'the signature is not a JWT',
	],
	['a crit header', token(valid, { header: { crit: ['exp'] } }), 'the token names critical extensions (crit)'],
	['a kid that is not a string', token(valid, { header: { kid: 1 } }), "the token's kid is not a string"],
	['exp as a string', token({ iat: NOW, exp: String(NOW + 300) }), "the token's exp is not a number"],
	['iat as a string', token({ iat: String(NOW), exp: NOW + 300 }), "the token's iat is not a number"],
	['nbf as a string', token({ ...valid, nbf: 'now' }), "the token's nbf is not a number"],
	['body_sha256 as a number', token({ ...valid, body_sha256: 1 }), "the token's body_sha256 is not a string"],
	['expired beyond the clock skew', token({ iat: NOW - 400, exp: NOW - 100 }), 'the signature has expired'],
	['without an expiry', token({ iat: NOW }), 'the signature has expired'],
	['without iat', token({ exp: NOW + 300 }), 'the token does not say when it was issued (iat)'],
	['valid for a day', token({ iat: NOW, exp: NOW + 86_400 }), "the token is valid longer than Zapier's 300 s"],
	['issued in the future', token({ iat: NOW + 600, exp: NOW + 900 }), 'the signature is issued in the future'],
	['not valid yet', token({ ...valid, nbf: NOW + 200 }), 'the signature is not valid yet'],
	['naming another run than the body', token({ ...valid, run_id: 'run-2' }), "the token's run_id is not the body's run"],
	[
		'binding another body',
		token({ ...valid, body_sha256: createHash('sha256').update('{}').digest('hex') }),
		"the body does not match the token's hash",
	],
	[
		'signed by a key the JWKS does not hold',
		token(valid, { key: other.privateKey, header: { kid: 'made-up' } }),
		'no signing key "made-up" in the JWKS',
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

test('a token without kid, or under a kid two keys share, is checked against each candidate key', async () => {
	const both = fixed([jwk(other.publicKey, 'shared'), jwk(zapier.publicKey, 'shared')]);
	expect(await verifyCallbackSignature(token(valid, { header: { kid: 'shared' } }), body, both, NOW)).toMatchObject({ ok: true });
	const unnamed = fixed([jwk(other.publicKey), jwk(zapier.publicKey)]);
	expect(await verifyCallbackSignature(token(valid, { header: { kid: undefined } }), body, unnamed, NOW)).toMatchObject({ ok: true });
});

test('a signature that fails against the keys is checked once more against keys fetched anew', async () => {
	const rotated: KeySnapshot = { keys: [jwk(other.publicKey, 'zapier-1')], fetchedAt: 1 };
	const old: KeySnapshot = { keys: [jwk(zapier.publicKey, 'zapier-1')], fetchedAt: 0 };
	let refreshes = 0;
	const source = {
		current: async () => old,
		refresh: async () => {
			refreshes++;
			return rotated;
		},
	};
	expect(await verifyCallbackSignature(token(valid, { key: other.privateKey }), body, source, NOW)).toMatchObject({ ok: true });
	expect(await verifyCallbackSignature(token(valid), body, source, NOW)).toMatchObject({ ok: true });
	expect(refreshes).toBe(1);
});

test('only keys fit to verify RS256 are used: public RSA keys of 2,048 bits or more, for signing', () => {
	const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
	const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	const fit = jwk(zapier.publicKey, 'fit');
	const jwks = {
		keys: [
			fit,
			{ ...fit, kid: 'no use', use: undefined, alg: undefined },
			{ ...fit, kid: 'verify', key_ops: ['verify'] },
			{ ...fit, kid: 'enc', use: 'enc' },
			{ ...fit, kid: 'ps256', alg: 'PS256' },
			{ ...fit, kid: 'sign only', key_ops: ['sign'] },
			{ ...(zapier.privateKey.export({ format: 'jwk' }) as object), kid: 'private' },
			jwk(small.publicKey, 'small'),
			{ ...(ec.publicKey.export({ format: 'jwk' }) as object), kid: 'ec' },
			{ ...fit, kid: 7 },
			'not a key',
		],
	};
	expect(signingKeysOf(jwks).map((key) => key.kid)).toEqual(['fit', 'no use', 'verify']);
	expect(signingKeysOf({ keys: 'none' })).toEqual([]);
	expect(signingKeysOf(null)).toEqual([]);
});

test('base64url is read only in its one canonical spelling', () => {
	expect(decodeBase64url('AQID')?.toString('hex')).toBe('010203');
	expect(decodeBase64url('AQI')?.toString('hex')).toBe('0102');
	for (const spelling of ['AQI=', 'AQJ', 'A', 'AQ+D', 'AQ/D', 'AQ D']) expect(decodeBase64url(spelling)).toBeUndefined();
});

test('a token binds the body by its hash; the claims Zapier documents, or the run ID alone, do not', () => {
	expect(bindsBody(valid)).toBe(false);
	expect(bindsBody({ ...valid, run_id: 'run-1' })).toBe(false);
	expect(bindsBody({ ...valid, body_sha256: 'abc' })).toBe(true);
	expect(bindsBody({ ...valid, sha256: 'abc' })).toBe(true);
});

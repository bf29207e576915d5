/**
 * The verifier's verdicts against jose's (a well-kept JOSE library) over generated tokens: they agree,
 * except where this verifier is stricter for a reason the README gives.
 */
import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync, sign } from 'node:crypto';

import type { JWTVerifyOptions, KeyLike } from 'jose';
import { createLocalJWKSet, errors, jwtVerify } from 'jose';

import type { Jwk, KeySnapshot } from '../../../nodes/ZapierActions/helpers/callbackSignature';
import { signingKeysOf, verifyCallbackSignature } from '../../../nodes/ZapierActions/helpers/callbackSignature';

const NOW = 1_800_000_000;
const zapier = generateKeyPairSync('rsa', { modulusLength: 2048 });
const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
const publicJwk = (key: KeyObject, kid: string, extra: object = {}) => ({ ...(key.export({ format: 'jwk' }) as object), kid, ...extra });
const jwks = {
	keys: [
		publicJwk(zapier.publicKey, 'zapier-1', { alg: 'RS256', use: 'sig' }),
		publicJwk(other.publicKey, 'enc-key', { use: 'enc' }),
		publicJwk(other.publicKey, 'ps-key', { alg: 'PS256' }),
		publicJwk(small.publicKey, 'small-key'),
	],
};
const snapshot: KeySnapshot = { keys: signingKeysOf(jwks) as Jwk[], fetchedAt: 0 };
const ours = { current: async () => snapshot, refresh: async () => snapshot };
const theirs = createLocalJWKSet(jwks as never);
const body = JSON.stringify({ data: { type: 'run', id: 'run-1', status: 'success', results: [], errors: [] } });

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
function token(header: object, claims: unknown, key: KeyObject = zapier.privateKey): string {
	const input = `${b64(header)}.${b64(claims)}`;
	return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

const header = { alg: 'RS256', typ: 'JWT', kid: 'zapier-1' };
const headers: Record<string, object> = {
	plain: header,
	'no kid': { alg: 'RS256' },
	'unknown kid': { ...header, kid: 'nobody' },
	'kid of an encryption key': { ...header, kid: 'enc-key' },
	'kid of a PS256 key': { ...header, kid: 'ps-key' },
	'kid of a 1,024-bit key': { ...header, kid: 'small-key' },
	'alg RS512': { ...header, alg: 'RS512' },
	'alg none': { ...header, alg: 'none' },
	crit: { ...header, crit: ['b64'], b64: false },
};
const claimSets: Record<string, unknown> = {
	valid: { iat: NOW - 10, exp: NOW + 290 },
	'with nbf': { iat: NOW - 10, nbf: NOW - 10, exp: NOW + 290 },
	'within the skew': { iat: NOW - 350, exp: NOW - 50 },
	expired: { iat: NOW - 500, exp: NOW - 200 },
	'no exp': { iat: NOW },
	'no iat': { exp: NOW + 300 },
	'iat in the future': { iat: NOW + 120, exp: NOW + 400 },
	'nbf in the future': { iat: NOW, nbf: NOW + 120, exp: NOW + 300 },
	'exp as a string': { iat: NOW, exp: `${NOW + 300}` },
	'iat as a string': { iat: `${NOW}`, exp: NOW + 300 },
	'naming the run': { iat: NOW, exp: NOW + 300, run_id: 'run-1' },
	'valid for a day': { iat: NOW, exp: NOW + 86_400 },
	'run_id as a number': { iat: NOW, exp: NOW + 300, run_id: 1 },
	'not an object': [NOW],
};
const signers: Record<string, KeyObject> = { 'the key': zapier.privateKey, 'another key': other.privateKey };
const respellings: Record<string, (token: string) => string> = {
	'as signed': (t) => t,
	'signature in base64': (t) => t.replace(/[^.]+$/, (s) => Buffer.from(s, 'base64url').toString('base64')),
	'signature padded': (t) => `${t}=`,
	'a part of the signature cut': (t) => t.slice(0, -4),
};

/** Where this verifier is stricter than jose, and why (the README's "A strict verifier"). */
function stricter(claimsName: string, respelling: string): string | undefined {
	if (claimsName === 'valid for a day') return "Zapier's tokens live 5 minutes: a longer-lived one is not Zapier's";
	if (claimsName === 'run_id as a number') return 'a claim this verifier reads must be of its type; jose does not read run_id';
	if (respelling === 'signature padded' || respelling === 'signature in base64')
		return 'one signature, one spelling: only canonical base64url (jose decodes leniently)';
	return undefined;
}

const joseOptions: JWTVerifyOptions = {
	algorithms: ['RS256'],
	currentDate: new Date(NOW * 1000),
	clockTolerance: 60,
	requiredClaims: ['iat', 'exp'],
	maxTokenAge: 360,
};

/** jose's verdict, trying each matching key when several match (as jose's documentation says to). */
async function joseVerdict(t: string): Promise<boolean> {
	try {
		await jwtVerify(t, theirs, joseOptions);
		return true;
	} catch (error) {
		if (!(error instanceof errors.JWKSMultipleMatchingKeys)) return false;
		for await (const key of error as unknown as AsyncIterable<KeyLike>) {
			if (
				await jwtVerify(t, key, joseOptions).then(
					() => true,
					() => false,
				)
			)
				return true;
		}
		return false;
	}
}

const cases = Object.entries(headers).flatMap(([h, headerValue]) =>
	Object.entries(claimSets).flatMap(([c, claims]) =>
		Object.entries(signers).flatMap(([s, key]) =>
			Object.entries(respellings).map(([r, respell]) => ({
				name: `${h}, ${c}, by ${s}, ${r}`,
				c,
				r,
				token: respell(token(headerValue, claims, key)),
			})),
		),
	),
);

test(`over ${cases.length} generated tokens, the verdicts agree with jose's but where this verifier is stricter, for a stated reason`, async () => {
	const disagreements: string[] = [];
	const expected: string[] = [];
	for (const { name, c, r, token: t } of cases) {
		const mine = (await verifyCallbackSignature(t, body, ours, NOW)).ok;
		const jose = await joseVerdict(t);
		if (mine === jose) continue;
		const reason = stricter(c, r);
		if (reason && jose && !mine) expected.push(name);
		else disagreements.push(`${name}: this verifier ${mine ? 'accepts' : 'refuses'}, jose ${jose ? 'accepts' : 'refuses'}`);
	}
	expect(disagreements).toEqual([]);
	// Each stated difference does occur, so that none stands for nothing.
	expect(new Set(expected.map((name) => stricter(name.split(', ')[1], name.split(', ').at(-1)!)))).toEqual(
		new Set([
			"Zapier's tokens live 5 minutes: a longer-lived one is not Zapier's",
			'a claim this verifier reads must be of its type; jose does not read run_id',
			'one signature, one spelling: only canonical base64url (jose decodes leniently)',
		]),
	);
});

import {
	checkProof,
	PROOF_LIFETIME_SECONDS,
	PROOF_PARAMETER,
	proofKey,
	triggerOf,
	withProof,
} from '../../../nodes/ZapierActions/helpers/callbackProof';

const NOW = 1_800_000_000;
const key = proofKey('client-secret');
const TRIGGER = '3f0c2a4e-1b7d-4c55-9a61-0d2b8e7f6a10';
const url = `https://n8n.example.com/webhook/${TRIGGER}/zapier-action-runs`;
const proofOf = (proven: string) => new URL(proven).searchParams.get(PROOF_PARAMETER);

test("a trigger's URL gets a proof for that trigger, which checks with the same credential's key", () => {
	const proven = withProof(`${url}?mine=1`, key, NOW, 'nonce-1');
	expect(new URL(proven).searchParams.get('mine')).toBe('1');
	expect(checkProof(proofOf(proven), key, TRIGGER, NOW)).toEqual({ ok: true, value: 'nonce-1' });
	expect(triggerOf(new URL(proven))).toBe(TRIGGER);
	// The test URL of the same trigger carries the same proof.
	expect(checkProof(proofOf(withProof(url.replace('/webhook/', '/webhook-test/'), key, NOW, 'n')), key, TRIGGER, NOW).ok).toBe(true);
});

test('other URLs are sent as they are: a proof is for triggers only', () => {
	for (const other of ['https://example.com/hooks/zapier', 'https://example.com/zapier-action-runs', `${url}/more`]) {
		expect(withProof(other, key, NOW)).toBe(other);
	}
});

test('each proof has a nonce of its own', () => {
	expect(proofOf(withProof(url, key, NOW))).not.toBe(proofOf(withProof(url, key, NOW)));
});

test.each<[string, () => unknown, string, number]>([
	['no proof', () => undefined, TRIGGER, NOW],
	['an empty proof', () => '', TRIGGER, NOW],
	['a proof of another credential', () => proofOf(withProof(url, proofKey('another-secret'), NOW)), TRIGGER, NOW],
	['a proof for another trigger', () => proofOf(withProof(url, key, NOW)), 'another-trigger', NOW],
	['a proof older than 7 days', () => proofOf(withProof(url, key, NOW)), TRIGGER, NOW + PROOF_LIFETIME_SECONDS + 1],
	['a proof from the future', () => proofOf(withProof(url, key, NOW + 3_600)), TRIGGER, NOW],
	['a proof with another nonce', () => proofOf(withProof(url, key, NOW, 'a'))!.replace('.a.', '.b.'), TRIGGER, NOW],
	['a proof with another time', () => proofOf(withProof(url, key, NOW, 'a'))!.replace(`.${NOW}.`, `.${NOW + 1}.`), TRIGGER, NOW],
	['a proof in another version', () => proofOf(withProof(url, key, NOW, 'a'))!.replace(/^v1/, 'v2'), TRIGGER, NOW],
	['a MAC spelt another way', () => `${proofOf(withProof(url, key, NOW, 'a'))!}=`, TRIGGER, NOW],
	['a proof with a part more', () => `${proofOf(withProof(url, key, NOW, 'a'))!}.x`, TRIGGER, NOW],
])('refused: %s', (_name, proof, target, now) => {
	expect(checkProof(proof(), key, target, now).ok).toBe(false);
});

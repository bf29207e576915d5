/**
 * Zapier's callbacks as they arrive: signed by a key from Zapier's JWKS, carrying one finished run.
 * A refused callback is answered with what was refused, never with the keys URL or what Zapier or the
 * network said: those go to n8n's log, at warn, for the n8n user.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { proofKey } from '../helpers/callbackProof';
import { bindsBody, KeysUnavailable, verifyCallbackSignature } from '../helpers/callbackSignature';
import type { ActionRun } from '../helpers/runStatus';
import { normaliseRun } from '../helpers/runStatus';
import { checkId, isJsonObject } from '../helpers/validate';
import { credentialKindOf } from './credentialKinds';
import { signingKeys } from './signingKeys';

export const SIGNATURE_HEADER = 'zapier-callback-signature';

/** How long a callback may wait for the reads it needs, well within the time Zapier waits for an answer. */
export const CALLBACK_READS_MS = 20_000;

/** A callback not taken: the status Zapier acts on (5xx: it sends the callback again), what the sender is told, and what is logged. */
export interface Refusal {
	status: number;
	message: string;
	detail?: string;
}

/** `bodyBound`: the token binds the body's bytes, so the body is what Zapier sent. */
export type SignedCallback = { ok: true; run: ActionRun; bodyBound: boolean } | { ok: false; refusal: Refusal };

/** The request's body exactly as sent: the signature may bind its bytes. */
function rawBody(ctx: IWebhookFunctions): string {
	const raw = (ctx.getRequestObject() as { rawBody?: Buffer }).rawBody;
	return raw ? raw.toString('utf8') : JSON.stringify(ctx.getBodyData());
}

export const refused = (message: string, detail?: string): Refusal => ({ status: 401, message: `Callback refused: ${message}`, detail });

/** The run a callback carries, if Zapier signed it: a key that could not be had is worth Zapier's retry (503). */
export async function readSignedCallback(ctx: IWebhookFunctions, keysUrl: string): Promise<SignedCallback> {
	const body = rawBody(ctx);
	const header = ctx.getHeaderData()[SIGNATURE_HEADER];
	const token = Array.isArray(header) ? header[0] : header;
	let verified;
	try {
		verified = await verifyCallbackSignature(token, body, signingKeys(ctx, keysUrl), Math.floor(Date.now() / 1000));
	} catch (error) {
		if (!(error instanceof KeysUnavailable)) throw new NodeOperationError(ctx.getNode(), error as Error);
		const detail = `the signing keys could not be fetched from ${keysUrl}: ${error.message}`;
		return { ok: false, refusal: { status: 503, message: "Could not check the callback's signature; send it again later", detail } };
	}
	if (!verified.ok) return { ok: false, refusal: refused(verified.problem) };
	// A verified signature has checked that the body is JSON.
	const parsed = JSON.parse(body) as IDataObject;
	const id = checkId(isJsonObject(parsed.data) ? parsed.data.id : undefined);
	if (!id.ok) return { ok: false, refusal: { status: 400, message: `Callback refused: its run ID ${id.problem}` } };
	return { ok: true, run: normaliseRun(id.value, 200, parsed), bodyBound: bindsBody(verified.value) };
}

/** Answers the request with the refusal, starts or resumes nothing, and leaves a trace in n8n's log. */
export function refuse(ctx: IWebhookFunctions, refusal: Refusal): IWebhookResponseData {
	const { status, message, detail } = refusal;
	ctx.logger.warn(`Zapier callback to "${ctx.getNode().name}" answered ${status}: ${message}${detail ? ` (${detail})` : ''}`);
	ctx.getResponseObject().status(status).json({ message });
	return { noWebhookResponse: true };
}

/** A read made for a callback that failed: Zapier not knowing the run is final (4xx), anything else is worth a retry (503). */
export function readFailed(id: string, error: Error): Refusal {
	const httpCode = (error as { httpCode?: string }).httpCode;
	if (httpCode === '404' || httpCode === '403') {
		return { status: 404, message: `Callback refused: Zapier has no run ${id} for this credential`, detail: error.message };
	}
	return { status: 503, message: `Could not read run ${id} from Zapier; send the callback again later`, detail: error.message };
}

/** Proof keys by credential, so that a callback costs no credential read; read again when a proof fails against one. */
const proofKeys = new Map<string, Buffer>();
const MAX_PROOF_KEYS = 100;

/**
 * What `check` makes of a callback's proof with the credential's key: the one remembered first, then,
 * when that fails, the credential's current one (its secret may have changed).
 */
export async function checkWithProofKey<T>(
	ctx: IWebhookFunctions,
	check: (key: Buffer) => { ok: true; value: T } | { ok: false; problem: string },
): Promise<{ ok: true; value: T } | { ok: false; problem: string }> {
	const id = ctx.getNode().credentials?.[credentialKindOf(ctx.getNode()).type]?.id ?? 'unsaved';
	const remembered = proofKeys.get(id);
	const first = remembered ? check(remembered) : undefined;
	if (first?.ok) return first;
	const key = await callbackProofKey(ctx);
	if (!proofKeys.has(id) && proofKeys.size >= MAX_PROOF_KEYS) proofKeys.delete(proofKeys.keys().next().value as string);
	proofKeys.set(id, key);
	return check(key);
}

/** The key of the proofs that callback URLs carry, from the Zapier credential's client secret. */
export async function callbackProofKey(ctx: {
	getNode(): INode;
	getCredentials(type: string): Promise<ICredentialDataDecryptedObject>;
}): Promise<Buffer> {
	let secret: unknown;
	try {
		secret = (await ctx.getCredentials(credentialKindOf(ctx.getNode()).type)).clientSecret;
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), 'Choose the Zapier credential that starts the runs', {
			description: `A callback is believed only when its URL carries a proof made with the credential of the Zapier Actions node that started its run. ${(error as Error).message}`,
		});
	}
	if (typeof secret !== 'string' || secret === '') {
		throw new NodeOperationError(ctx.getNode(), "The Zapier credential has no client secret to check callbacks' proofs with", {
			description: 'Open the Zapier credential and enter its client secret.',
		});
	}
	return proofKey(secret);
}

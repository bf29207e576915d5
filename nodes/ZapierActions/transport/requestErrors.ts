/** How a failed request reads: what Zapier did or may have done, and what to do next. */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { CredentialKind } from './credentialKinds';
import { describeZapierError, hintForStatus, quotaText, zapierErrors } from './failure';
import type { Failure, RequestKind } from './retry';
import { provesNothingDone } from './retry';

export function unsafeUrlError(node: INode, itemIndex: number | undefined, problem: string): NodeOperationError {
	return new NodeOperationError(node, `Refused to build a Zapier URL: ${problem}`, {
		itemIndex,
		description: 'An ID or a link does not fit in a URL of the API. Nothing was sent to Zapier.',
	});
}

/** Whether the error says that a run's creation may have reached Zapier, so that it is never sent again. */
export function runMayExist(error: unknown): boolean {
	return (error as NodeOperationError | undefined)?.context?.runMayExist === true;
}

/** The JSON pointers of what Zapier refused, when it answered 4xx. */
export function refusedPointers(error: unknown): string[] {
	const pointers = (error as NodeApiError | undefined)?.context?.refusedPointers;
	return Array.isArray(pointers) ? (pointers as string[]) : [];
}

function redirectTarget(failure: Extract<Failure, { kind: 'http' }>, url: string): string {
	try {
		return ` to ${new URL(failure.headers.location ?? '', url).origin}`;
	} catch {
		return '';
	}
}

/** The error for a request that failed for good. A cancellation is told by the caller. */
export function requestError(
	node: INode,
	request: { kind: RequestKind; creates?: { what: string; hint: string }; itemIndex?: number; url: string; credential: CredentialKind },
	failure: Exclude<Failure, { kind: 'cancelled' }>,
): NodeApiError | NodeOperationError {
	const { itemIndex, url, credential } = request;
	const made = `Zapier may have created ${request.creates?.what ?? 'the run'}`;
	const mayExist = request.kind === 'create' && !provesNothingDone(failure);
	const atMostOnce =
		request.creates?.hint ??
		'It was not sent again, so that the action runs at most once: check the action history in Zapier before running this item again.';
	const mark = (error: NodeApiError | NodeOperationError) => {
		if (mayExist) error.context.runMayExist = true;
		return error;
	};

	if (failure.kind === 'http' && failure.status >= 300 && failure.status < 400) {
		const redirect = `Zapier answered with a redirect (HTTP ${failure.status}${redirectTarget(failure, url)}), which this node never follows`;
		const message = mayExist ? `${made}: ${redirect.replace(/^Zapier answered/, 'it answered')}` : redirect;
		const description = `Zapier's API never redirects, and following one could send the token elsewhere: check the API base URL of the credential.${mayExist ? ` ${atMostOnce}` : ''}`;
		return mark(
			new NodeApiError(
				node,
				{ message, description, httpCode: String(failure.status) },
				{ message, description, httpCode: String(failure.status), itemIndex },
			),
		);
	}
	if (failure.kind === 'http' && failure.status === 403 && failure.headers['x-zapier-error-type'] === 'approval_required') {
		const message = 'Zapier needs a person to approve this run before it can run';
		const description =
			'Zapier did not run the action: the account requires approval of runs made with its client credentials. Approve or relax the policy in Zapier, then run this item again.';
		const httpCode = String(failure.status);
		return new NodeApiError(node, { message, description, httpCode }, { message, description, httpCode, itemIndex });
	}
	if (failure.kind === 'http') {
		const errors = zapierErrors(failure.body);
		const detail = errors.length ? errors.map(describeZapierError).join('; ') : `HTTP ${failure.status}`;
		const message = mayExist
			? `${made}: the request failed with HTTP ${failure.status} after reaching Zapier`
			: `Zapier refused the request (HTTP ${failure.status}): ${detail}`;
		const pointers = errors.map((error) => error.source?.pointer).filter((pointer): pointer is string => typeof pointer === 'string');
		const description = mayExist
			? `${detail.replace(/\.$/, '')}. ${atMostOnce}`
			: pointers.includes('/data/action')
				? "Zapier's action IDs change and expire. Pick the action from the list (it is stored by key and its current ID is looked up on every run), or look up its current ID."
				: failure.status === 401 && credential.connectBy === 'clientCredentials'
					? `Zapier refused a token just exchanged for the client credentials: check in Zapier that they still exist, or open the ${credential.displayName} credential and enter new ones.`
					: failure.status === 429 && quotaText(failure.body)
						? `Zapier's quota: ${quotaText(failure.body)}. Zapier kept rate limiting the request: lower the credential's rate limit, or try again later.`
						: hintForStatus(failure.status);
		const response: JsonObject = { message, description, httpCode: String(failure.status) };
		const error = mark(new NodeApiError(node, response, { message, description, httpCode: String(failure.status), itemIndex }));
		if (!mayExist) error.context.refusedPointers = pointers;
		return error;
	}
	if (failure.kind === 'refresh') {
		const byClient = credential.connectBy === 'clientCredentials';
		const message = failure.revoked
			? byClient
				? "Zapier refused the credential's client ID and secret"
				: 'The Zapier credential needs to be reconnected: Zapier refused to renew its access token'
			: "Could not renew the Zapier credential's access token";
		const fix = byClient ? 'check its Client ID, Client Secret and Token URL' : 'reconnect it';
		const next = failure.revoked
			? `Open the ${credential.displayName} credential and ${fix}.`
			: `Try again later; if it goes on, open the ${credential.displayName} credential and ${fix}.`;
		return new NodeOperationError(node, message, {
			itemIndex,
			description: `${failure.detail.replace(/\.$/, '')}. Zapier did nothing with this request (it was refused for want of a valid token), so nothing was sent again. ${next}`,
		});
	}
	// The code goes in the description: n8n replaces messages that name a Node.js error code.
	const message = mayExist ? `${made}: the connection failed after the request was sent` : 'Could not reach Zapier';
	const cause = `${failure.message} (${failure.code}).`;
	const description = mayExist
		? `${cause} ${atMostOnce}`
		: `${cause} Check the API base URL of the credential and the network, then try again.`;
	return mark(new NodeOperationError(node, message, { description, itemIndex }));
}

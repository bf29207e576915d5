import type { INodeProperties } from 'n8n-workflow';

/** How fast and how long the node may talk to Zapier, and whose keys sign its callbacks: the same for every Zapier credential. */
export function requestSettings(limitNote: string): INodeProperties[] {
	return [
		{
			displayName: 'Rate Limit (Requests)',
			name: 'rateLimit',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10_000, numberPrecision: 0 },
			default: 60,
			description: `At most this many requests per window from each n8n process, shared by its items and executions; processes in queue mode share Zapier's budget by what its answers say is left (${limitNote})`,
		},
		{
			displayName: 'Rate Limit Window (Seconds)',
			name: 'rateLimitWindowSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 86_400 },
			default: 60,
			description: 'The window of the rate limit, at most a day',
		},
		{
			displayName: 'Request Timeout (Seconds)',
			name: 'requestTimeoutSeconds',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 3_600 },
			default: 30,
			description:
				'A request without a complete answer by then (body included) is abandoned: a read is tried again, a run creation never is. At most an hour.',
		},
		{
			displayName: 'Callback Signing Keys URL',
			name: 'callbackKeysUrl',
			type: 'string',
			default: 'https://zapier.com/.well-known/jwks.json',
			description:
				'Where Zapier publishes the keys (JWKS) that sign its callbacks. A run waiting by callback resumes only for a callback signed by one of them.',
		},
	];
}

/** What an inbox that delivers nothing is told to the user: why, in Zapier's words made plain, and what to do. Pure. */

export interface InboxProblem {
	/** One state per cause, so that a problem is reported once until it changes. */
	state: string;
	message: string;
	description: string;
}

const RECONNECT = 'Reconnect the account in Zapier (Connections), then deactivate and activate this workflow (a new inbox is made).';

const REASONS: Record<string, { why: string; fix: string }> = {
	user: { why: 'it was paused in Zapier', fix: 'Resume it in Zapier, or turn on the option Resume When Paused.' },
	authentication: { why: 'Zapier could not sign in to the app with the chosen connection', fix: RECONNECT },
	authentication_access_revoked: { why: "the app revoked Zapier's access to the account", fix: RECONNECT },
	partner_revoked: { why: "the app's maker withdrew the app or this trigger from Zapier", fix: 'Choose another trigger or app.' },
	subscribe_failed: {
		why: "Zapier could not subscribe to the app's trigger",
		fix: 'Check the connection and the trigger inputs, then deactivate and activate this workflow.',
	},
	migrate_failed: {
		why: "Zapier could not move the subscription to the app's new version",
		fix: 'Deactivate and activate this workflow (a new inbox is made).',
	},
	abandoned: { why: 'nobody collected its events for a long time', fix: 'Turn on the option Resume When Paused, or resume it in Zapier.' },
	upstream_failures: {
		why: 'the app kept failing when Zapier asked it for events',
		fix: "Check the app's status, then resume the inbox (option Resume When Paused).",
	},
};

const UNKNOWN = { why: 'for a reason Zapier does not give', fix: 'Look at the inbox in Zapier, or deactivate and activate this workflow.' };

/** Pauses the user may lift from here; the others need something done in Zapier or the app first. */
const RESUMABLE = new Set(['user', 'abandoned', 'upstream_failures', 'unknown']);

export function isResumable(reason: string | null): boolean {
	return RESUMABLE.has(reason ?? 'unknown');
}

export function pausedProblem(reason: string | null): InboxProblem {
	const { why, fix } = (reason && REASONS[reason]) || UNKNOWN;
	return {
		state: `paused:${reason ?? 'unknown'}`,
		message: `Zapier paused this trigger's inbox: ${why}`,
		description: `Zapier drops the app's events while the inbox is paused (reason: ${reason ?? 'none given'}). ${fix}`,
	};
}

export function initializationProblem(reason: string | null): InboxProblem {
	const { why, fix } = (reason && REASONS[reason]) || UNKNOWN;
	return {
		state: `initialization_failure:${reason ?? 'unknown'}`,
		message: `Zapier could not start watching the app's trigger: ${why}`,
		description: `The inbox failed to initialise (reason: ${reason ?? 'none given'}). ${fix}`,
	};
}

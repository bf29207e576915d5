/**
 * Zapier's Trigger Inbox (under INBOX_PREFIX): inboxes that subscribe to one trigger of one app,
 * with a connection and inputs, made (`POST`), ensured by key (`PUT`), listed, read, pointed at a
 * notification URL, paused, resumed and deleted. Their messages and leases are in inboxMessages.ts,
 * their notifications in inboxNotifications.ts. Statuses follow from time (no timers): `initializing`
 * for `inboxInitMs`, then `active` (or `initialization_failure`), `deleting` for `inboxDeleteMs`.
 */
import { randomUUID } from 'node:crypto';

import { inputFields } from './catalog';
import type { Host } from './config';
import type { Replies, Request } from './http';
import type { Answer, Inbox, Subscription } from './inboxModel';
import { canonical, inboxError, invalid, isNotificationUrl, jsonBody, notFound, reply } from './inboxModel';
import type { ApiRoute } from './limits';
import { inboxRoute } from './sdk';
import { appOfSelectedApi, connectionOf, selectedApi } from './sdkModel';

/** Pauses only a reconnection in Zapier lifts: resuming such an inbox is refused. */
const RECONNECT_FIRST = new Set(['authentication', 'authentication_access_revoked', 'partner_revoked']);

export interface InboxAttributes {
	status: string;
	paused_reason: string | null;
}

const conflict = (detail: string) => inboxError(409, 'conflict', 'Conflict', detail);

export class Inboxes {
	readonly routes: ApiRoute[] = [
		inboxRoute('POST /inboxes', this.replies, (request) => this.create(request, 'create')),
		inboxRoute('PUT /inboxes', this.replies, (request) => this.create(request, 'ensure')),
		inboxRoute('GET /inboxes', this.replies, ({ url }) => this.list(url)),
		inboxRoute('GET /inboxes/:id', this.replies, (_, [id]) => this.withInbox(id, (inbox) => this.answer(200, inbox))),
		inboxRoute('PATCH /inboxes/:id', this.replies, (request, [id]) => this.withInbox(id, (inbox) => this.patch(request, inbox))),
		inboxRoute('DELETE /inboxes/:id', this.replies, (_, [id]) => this.withInbox(id, (inbox) => this.delete(inbox))),
		inboxRoute('POST /inboxes/:id/pause', this.replies, (_, [id]) => this.withInbox(id, (inbox) => this.pauseByUser(inbox))),
		inboxRoute('POST /inboxes/:id/resume', this.replies, (_, [id]) => this.withInbox(id, (inbox) => this.resume(inbox))),
	];
	private inboxes = new Map<string, Inbox>();

	/** `deleted`: what else must forget a deleted inbox (its leases). */
	constructor(
		private readonly host: Host,
		private readonly replies: Replies,
		private readonly deleted: (inbox: Inbox) => void,
	) {}

	reset(): void {
		this.inboxes.clear();
	}

	/** Every inbox there is, `deleting` ones too, oldest first. */
	all(): Inbox[] {
		this.sweep();
		return [...this.inboxes.values()];
	}

	/** The inbox of this ID (even `deleting`), or the live one of this key. */
	find(idOrKey: string): Inbox | undefined {
		this.sweep();
		return this.inboxes.get(idOrKey) ?? this.byKey(idOrKey);
	}

	/** As `find`, for the sandbox's own methods: an unknown inbox is a mistake of the test. */
	resolve(idOrKey: string): Inbox {
		const inbox = this.find(idOrKey);
		if (!inbox) throw new Error(`No trigger inbox "${idOrKey}" (an ID or a key of a live inbox).`);
		return inbox;
	}

	attributes(inbox: Inbox): InboxAttributes {
		if (inbox.deletedAt !== undefined) return { status: 'deleting', paused_reason: null };
		if (Date.now() < inbox.readyAt) return { status: 'initializing', paused_reason: null };
		if (inbox.failure !== null) return { status: 'initialization_failure', paused_reason: inbox.failure };
		if (inbox.pausedFor !== null) return { status: 'paused', paused_reason: inbox.pausedFor };
		return { status: 'active', paused_reason: null };
	}

	/** Zapier pauses the inbox for this reason (`authentication`, `upstream_failures`...): its events are dropped until it is resumed. */
	pauseFor(inbox: Inbox, reason: string): void {
		if (inbox.deletedAt === undefined) inbox.pausedFor = reason;
	}

	/** The inbox as the API writes it. */
	body(inbox: Inbox) {
		const { status, paused_reason } = this.attributes(inbox);
		return {
			id: inbox.id,
			created_at: new Date(inbox.createdAt).toISOString(),
			key: inbox.key,
			name: inbox.key,
			status,
			paused_reason,
			notification_url: inbox.notificationUrl,
			subscription: { ...inbox.subscription, inputs: structuredClone(inbox.subscription.inputs) },
		};
	}

	/** What `then` answers for the inbox of this route's ID, or a 404 (only IDs here: the SDK resolves keys by listing). */
	withInbox(id: string, then: (inbox: Inbox) => Answer): Answer {
		this.sweep();
		const inbox = this.inboxes.get(id);
		if (!inbox) return reply(404, notFound(id));
		return then(inbox);
	}

	/** Deleted inboxes are gone once they have read as `deleting` for `inboxDeleteMs`. */
	private sweep(): void {
		const now = Date.now();
		for (const inbox of this.inboxes.values()) {
			if (inbox.deletedAt !== undefined && now >= inbox.deletedAt + this.host.config.inboxDeleteMs) this.inboxes.delete(inbox.id);
		}
	}

	/** A `deleting` inbox's key is free again. */
	private byKey(key: string): Inbox | undefined {
		return [...this.inboxes.values()].find((inbox) => inbox.key === key && inbox.deletedAt === undefined);
	}

	private answer(status: number, inbox: Inbox): Answer {
		return reply(status, this.body(inbox));
	}

	/** `create` (POST) always makes a new inbox; `ensure` (PUT) answers the one of that key when it has the same subscription. */
	private create(request: Request, how: 'create' | 'ensure'): Answer {
		const parsed = jsonBody(request);
		if ('problem' in parsed) return reply(400, invalid(parsed.problem));
		const { body } = parsed;
		const key = body.key ?? null;
		if (how === 'ensure' && key === null) return reply(400, invalid('"key" is required to ensure an inbox.'));
		if (key !== null && (typeof key !== 'string' || key.length < 1 || key.length > 100)) {
			return reply(400, invalid('"key" must be a string of 1 to 100 characters.'));
		}
		const notificationUrl = body.notification_url ?? null;
		if (notificationUrl !== null && !isNotificationUrl(notificationUrl)) {
			return reply(400, invalid('"notification_url" must be an http(s) URL of at most 2048 characters.'));
		}
		const checked = this.subscription(body.subscription);
		if (typeof checked === 'string') return reply(400, invalid(checked));
		const existing = key === null ? undefined : this.byKey(key);
		if (existing) {
			const same = sameSubscription(existing.subscription, checked);
			if (!same) return reply(409, conflict(`An inbox with key "${key}" already exists with a different subscription.`));
			// PUT is the get-or-create: the inbox as it is (its notification URL changes only by PATCH).
			if (how === 'ensure') return this.answer(200, existing);
			return reply(409, conflict(`An inbox with key "${key}" already exists; ensure it (PUT /inboxes) to get it.`));
		}
		const now = Date.now();
		const stale = connectionOf(checked.connection_id)?.isStale === true;
		const inbox: Inbox = {
			id: randomUUID(),
			createdAt: now,
			key,
			notificationUrl,
			subscription: checked,
			readyAt: now + this.host.config.inboxInitMs,
			// Taken when made: a later switch does not change how an inbox already initialising ends.
			failure: this.host.config.inboxInitFailure ?? (stale ? 'authentication' : null),
			pausedFor: null,
			messages: [],
		};
		this.inboxes.set(inbox.id, inbox);
		return this.answer(201, inbox);
	}

	/** The subscription asked for, or what is wrong with it (naming the field). */
	private subscription(value: unknown): Subscription | string {
		if (!value || typeof value !== 'object' || Array.isArray(value)) return '"subscription" is required: an object.';
		const { app_key: appKey, action_key: actionKey, inputs, connection_id: connectionId } = value as Record<string, unknown>;
		const app = appOfSelectedApi(appKey, true);
		if (!app) return `"subscription.app_key": unknown app ${JSON.stringify(appKey)}; send a versioned app such as "MailerCLIAPI@1.0.0".`;
		const action = app.actions.find((candidate) => candidate.key === actionKey);
		if (!action) return `"subscription.action_key": the app ${app.title} has no action ${JSON.stringify(actionKey)}.`;
		if (action.action_type !== 'READ') {
			return `"subscription.action_key": "${action.key}" is a ${action.action_type.toLowerCase()} action; an inbox takes a trigger (read).`;
		}
		if (!inputs || typeof inputs !== 'object' || Array.isArray(inputs)) return '"subscription.inputs" must be an object.';
		const given = inputs as Record<string, unknown>;
		const missing = inputFields(action.fields, given)
			.filter((field) => field.type === 'input_field' && field.is_required === true)
			.map((field) => String(field.id))
			.filter((id) => given[id] === undefined || given[id] === null || given[id] === '');
		if (missing.length) return `"subscription.inputs": the trigger "${action.key}" needs ${missing.map((id) => `"${id}"`).join(', ')}.`;
		if (!('connection_id' in value)) return '"subscription.connection_id" is required (null when the app needs no account).';
		if (connectionId === null) {
			if (app.needsAccount) return `"subscription.connection_id": the app ${app.title} needs a connection.`;
		} else if ((typeof connectionId !== 'number' && typeof connectionId !== 'string') || connectionOf(connectionId)?.app !== app) {
			return `"subscription.connection_id": no connection ${JSON.stringify(connectionId)} of the app ${app.title}.`;
		}
		return { app_key: selectedApi(app), action_key: action.key, inputs: structuredClone(given), connection_id: connectionId };
	}

	/** Live inboxes (not `deleting`) by `key` and `status`, a page by `limit` and `offset`, `next` an absolute URL. */
	private list(url: URL): Answer {
		const query = url.searchParams;
		const found = this.all().filter(
			(inbox) =>
				inbox.deletedAt === undefined &&
				(!query.has('key') || inbox.key === query.get('key')) &&
				(!query.has('status') || this.attributes(inbox).status === query.get('status')),
		);
		const most = this.host.config.sdkPageSize;
		const asked = Number(query.get('limit') ?? most);
		const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, most) : most;
		const offset = Math.max(0, Math.floor(Number(query.get('offset') ?? 0)) || 0);
		let next: string | null = null;
		if (offset + limit < found.length) {
			const target = new URL(`${this.host.url}${url.pathname}${url.search}`);
			target.searchParams.set('offset', String(offset + limit));
			next = target.toString();
		}
		const results = found.slice(offset, offset + limit).map((inbox) => this.body(inbox));
		return reply(200, { count: found.length, next, previous: null, results });
	}

	/** Only the notification URL can change (a URL, or null for none). */
	private patch(request: Request, inbox: Inbox): Answer {
		if (inbox.deletedAt !== undefined) return reply(409, beingDeleted(inbox));
		const parsed = jsonBody(request);
		if ('problem' in parsed) return reply(400, invalid(parsed.problem));
		const others = Object.keys(parsed.body).filter((field) => field !== 'notification_url');
		if (others.length) {
			return reply(400, invalid(`Only "notification_url" can change, not ${others.map((f) => `"${f}"`).join(', ')}.`));
		}
		const url = parsed.body.notification_url;
		if (url === undefined) return reply(400, invalid('"notification_url" is required (null to clear it).'));
		if (url !== null && !isNotificationUrl(url)) {
			return reply(400, invalid('"notification_url" must be an http(s) URL of at most 2048 characters, or null.'));
		}
		inbox.notificationUrl = url;
		return this.answer(200, inbox);
	}

	/** Marks it `deleting` (the answer says so), drops its messages and frees its key. */
	private delete(inbox: Inbox): Answer {
		if (inbox.deletedAt === undefined) {
			inbox.deletedAt = Date.now();
			inbox.messages = [];
			this.deleted(inbox);
		}
		return this.answer(200, inbox);
	}

	/** A pause Zapier made for another reason stays that reason: pausing again must not turn it into one the user can lift. */
	private pauseByUser(inbox: Inbox): Answer {
		if (inbox.deletedAt !== undefined) return reply(409, beingDeleted(inbox));
		inbox.pausedFor ??= 'user';
		return this.answer(200, inbox);
	}

	private resume(inbox: Inbox): Answer {
		const { status, paused_reason: reason } = this.attributes(inbox);
		if (status !== 'paused') {
			const detail = `The inbox "${inbox.id}" is not paused (it is ${status}).`;
			return reply(409, inboxError(409, 'inbox_not_paused', 'Not paused', detail));
		}
		if (reason !== null && RECONNECT_FIRST.has(reason)) {
			const detail = `The inbox "${inbox.id}" was paused for "${reason}": reconnect the account in Zapier, then resume it.`;
			return reply(409, inboxError(409, 'reconnect_required', 'Reconnect the account', detail));
		}
		inbox.pausedFor = null;
		return this.answer(200, inbox);
	}
}

const beingDeleted = (inbox: Inbox) => inboxError(409, 'inbox_not_active', 'Inbox not active', `The inbox "${inbox.id}" is being deleted.`);

/** The same app, trigger and inputs (by content), and the same connection (as text: 1001 is "1001"). */
function sameSubscription(a: Subscription, b: Subscription): boolean {
	return (
		a.app_key === b.app_key &&
		a.action_key === b.action_key &&
		String(a.connection_id) === String(b.connection_id) &&
		canonical(a.inputs) === canonical(b.inputs)
	);
}

/**
 * What Zapier POSTs to an inbox's notification URL when messages arrive there, or come back when a
 * lease ends unacknowledged: `{inbox_id, received_message_count, redelivery}`, as JSON, unsigned.
 * One POST at a time per inbox; what arrives while one waits (`inboxNotifyDelayMs`) or goes joins
 * the next. Each is tried once, for at most 5 s.
 */
import type { ClientRequest } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import type { Host } from './config';
import type { Inbox } from './inboxModel';

const GIVE_UP_MS = 5_000;

/** What an inbox has yet to be told: new messages and redelivered ones go in notifications of their own. */
interface Pending {
	fresh: number;
	redelivered: number;
	timer?: NodeJS.Timeout;
	sending: boolean;
}

export class InboxNotifier {
	private pending = new Map<Inbox, Pending>();
	private requests = new Set<ClientRequest>();
	/** Bumped by reset, so that a POST answered afterwards is not counted in the new counters. */
	private epoch = 0;

	constructor(private readonly host: Host) {}

	/** `count` messages became available in the inbox: new ones, or (`redelivery`) ones whose lease ended. */
	notify(inbox: Inbox, count: number, redelivery: boolean): void {
		if (count <= 0 || !inbox.notificationUrl || !this.host.config.inboxNotifications) return;
		let pending = this.pending.get(inbox);
		if (!pending) this.pending.set(inbox, (pending = { fresh: 0, redelivered: 0, sending: false }));
		if (redelivery) pending.redelivered += count;
		else pending.fresh += count;
		this.schedule(inbox, pending);
	}

	/** Forgets what is to be told and gives up on what is being told. */
	reset(): void {
		this.epoch++;
		for (const pending of this.pending.values()) clearTimeout(pending.timer);
		this.pending.clear();
		for (const request of this.requests) request.destroy();
		this.requests.clear();
	}

	private schedule(inbox: Inbox, pending: Pending): void {
		if (pending.timer || pending.sending) return;
		pending.timer = setTimeout(() => {
			pending.timer = undefined;
			void this.send(inbox, pending);
		}, this.host.config.inboxNotifyDelayMs);
	}

	/** New messages first; redelivered ones in the notification after. */
	private async send(inbox: Inbox, pending: Pending): Promise<void> {
		const redelivery = pending.fresh === 0;
		const count = redelivery ? pending.redelivered : pending.fresh;
		if (redelivery) pending.redelivered = 0;
		else pending.fresh = 0;
		// Read when it goes: a PATCH or a deletion since the messages arrived has its say.
		const url = inbox.notificationUrl;
		if (url && inbox.deletedAt === undefined && count > 0) {
			const epoch = this.epoch;
			pending.sending = true;
			const at = Date.now();
			const status = await this.post(url, JSON.stringify({ inbox_id: inbox.id, received_message_count: count, redelivery }));
			if (epoch !== this.epoch) return;
			pending.sending = false;
			this.host.counters.inboxNotifications.push({ inboxId: inbox.id, at, status, redelivery });
		}
		if (pending.fresh + pending.redelivered > 0) this.schedule(inbox, pending);
		else this.pending.delete(inbox);
	}

	/** The status answered, or 0 when none came within GIVE_UP_MS. */
	private async post(url: string, body: string): Promise<number> {
		return await new Promise((resolve) => {
			const target = new URL(url);
			const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
			// No agent: a connection per notification, so that nothing is left open to the receiver.
			const request = send(
				target,
				{ method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } },
				(response) => {
					response.resume();
					done(response.statusCode ?? 0);
				},
			);
			const timer = setTimeout(() => request.destroy(), GIVE_UP_MS);
			const done = (status: number) => {
				clearTimeout(timer);
				this.requests.delete(request);
				resolve(status);
			};
			this.requests.add(request);
			request.on('error', () => done(0));
			request.end(body);
		});
	}
}

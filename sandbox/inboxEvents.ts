/**
 * The app's side of the Trigger Inbox: its trigger fires, and each event is queued as a message in
 * the inboxes subscribed (the sandbox's own methods stand in for the app), at once or at a rate. A
 * paused inbox drops them; an inbox with a notification URL is told of them.
 */
import { randomUUID } from 'node:crypto';

import type { Host } from './config';
import type { Inboxes } from './inbox';
import type { Inbox, InboxMessageView, Message } from './inboxModel';
import { COLLECTING, Clock, view } from './inboxModel';
import type { InboxNotifier } from './inboxNotifications';

/** Events for the sandbox to queue, as the app would have them: at one inbox (ID or key), or every one collecting. */
export interface InboxEvents {
	inbox?: string;
	count?: number;
	/** Each event's payload, or a maker of it from the event's number (global across the sandbox). */
	payload?: Record<string, unknown> | ((n: number) => Record<string, unknown>);
	/** Marks the messages `possible_duplicate_data`. */
	duplicate?: boolean;
}

export class InboxEventSource {
	private streams = new Set<{ timer?: NodeJS.Timeout; finish: () => void }>();
	/** Never reset, so that no two events of one sandbox share a number (nor a default payload ID). */
	private seq = 0;
	private readonly clock = new Clock();

	constructor(
		private readonly host: Host,
		private readonly inboxes: Inboxes,
		private readonly notifier: InboxNotifier,
	) {}

	/** Ends every stream of events at a rate (their promises resolve). */
	stop(): void {
		for (const stream of this.streams) stream.finish();
	}

	/** Queues `count` events (default 1); a paused inbox drops them. Answers the messages queued. */
	emit(events: InboxEvents = {}): InboxMessageView[] {
		const count = events.count ?? 1;
		if (!Number.isInteger(count) || count < 0) throw new Error(`An event count is a whole number, not ${String(count)}.`);
		let targets: Inbox[];
		if (events.inbox !== undefined) {
			const inbox = this.inboxes.resolve(events.inbox);
			const { status } = this.inboxes.attributes(inbox);
			// A test that emits before its inbox is active would otherwise wait for events that never come.
			if (!COLLECTING.includes(status)) throw new Error(`The trigger inbox "${events.inbox}" is ${status}: it collects no events yet.`);
			targets = [inbox];
		} else targets = this.inboxes.all().filter((inbox) => COLLECTING.includes(this.inboxes.attributes(inbox).status));
		const queued: Message[] = [];
		for (const inbox of targets) {
			this.host.counters.inboxEvents += count;
			if (this.inboxes.attributes(inbox).status === 'paused') {
				this.host.counters.inboxEventsDropped += count;
				continue;
			}
			for (let i = 0; i < count; i++) queued.push(this.queue(inbox, events));
			this.notifier.notify(inbox, count, false);
		}
		return queued.map(view);
	}

	/**
	 * Queues `count` events, `perSecond` of them a second; done when all are, or when the inbox goes.
	 * The first goes at once, so that a mistake (an unknown inbox, one not active yet) is thrown, not a rejection.
	 */
	emitAtRate(events: InboxEvents & { perSecond: number }): Promise<void> {
		const count = events.count ?? 1;
		if (!(events.perSecond > 0 && Number.isFinite(events.perSecond)))
			throw new Error(`perSecond must be above 0, not ${events.perSecond}.`);
		if (!Number.isInteger(count) || count < 1) throw new Error(`An event count is a whole number from 1, not ${String(count)}.`);
		this.emit({ ...events, count: 1 });
		return new Promise<void>((resolve) => {
			if (count === 1) return resolve();
			let emitted = 1;
			const stream: { timer?: NodeJS.Timeout; finish: () => void } = {
				finish: () => {
					clearInterval(stream.timer);
					this.streams.delete(stream);
					resolve();
				},
			};
			stream.timer = setInterval(() => {
				try {
					this.emit({ ...events, count: 1 });
				} catch {
					return stream.finish();
				}
				if (++emitted >= count) stream.finish();
			}, 1000 / events.perSecond);
			this.streams.add(stream);
		});
	}

	private queue(inbox: Inbox, events: InboxEvents): Message {
		const n = ++this.seq;
		const createdAt = this.clock.next();
		const payload =
			typeof events.payload === 'function'
				? events.payload(n)
				: events.payload
					? structuredClone(events.payload)
					: { id: `email_${n}`, subject: `Email ${n}`, from: `sender${n}@example.com`, received_at: createdAt };
		const message: Message = { id: randomUUID(), seq: n, createdAt, payload, leaseCount: 0, duplicate: events.duplicate ?? false };
		inbox.messages.push(message);
		return message;
	}
}

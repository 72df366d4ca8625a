import { compareEntries, type OutboxEntry } from './OutboxEntry.js';

export interface OutboxPlanInput {
  readonly now: number;
  /** Ids this tab has a request in flight for. */
  readonly inFlight: ReadonlySet<string>;
  readonly sendTimeoutMs: number;
  readonly concurrency: number;
}

export interface OutboxPlan {
  /** Past their send timeout: to become `unsent` (aborting the request when one is in flight). */
  readonly expire: OutboxEntry[];
  /** Room heads to send now, oldest first, within the concurrency left. */
  readonly start: OutboxEntry[];
  /** When to look again (a backoff ends or a timeout falls due); undefined when nothing waits on time. */
  readonly wakeAt: number | undefined;
}

/**
 * Decides what the leader does next. Per room only the oldest entry that is not `failed` may be in
 * flight; an `unsent` head pauses its room so that later entries cannot overtake it. A `sending`
 * entry this tab is not sending was orphaned by a tab that died: it is treated as queued.
 */
export function planOutbox(entries: Iterable<OutboxEntry>, input: OutboxPlanInput): OutboxPlan {
  const { now, inFlight, sendTimeoutMs } = input;
  const rooms = new Map<string, OutboxEntry[]>();
  for (const entry of entries) {
    const room = rooms.get(entry.roomId);
    if (room === undefined) rooms.set(entry.roomId, [entry]);
    else room.push(entry);
  }

  const expire: OutboxEntry[] = [];
  const ready: OutboxEntry[] = [];
  let wakeAt: number | undefined;
  const wakeBy = (time: number) => {
    wakeAt = wakeAt === undefined ? time : Math.min(wakeAt, time);
  };

  for (const room of rooms.values()) {
    room.sort(compareEntries);
    const expired = new Set<string>();
    for (const entry of room) {
      if (entry.state !== 'queued' && entry.state !== 'sending') continue;
      const deadline = entry.queuedAt + sendTimeoutMs;
      if (now >= deadline) {
        expire.push(entry);
        expired.add(entry.id);
      } else {
        wakeBy(deadline);
      }
    }
    const head = room.find((entry) => entry.state !== 'failed');
    if (head === undefined || head.state === 'unsent' || expired.has(head.id) || inFlight.has(head.id))
      continue;
    if (head.nextAttemptAt !== undefined && head.nextAttemptAt > now) wakeBy(head.nextAttemptAt);
    else ready.push(head);
  }

  ready.sort(compareEntries);
  const free = Math.max(0, input.concurrency - inFlight.size);
  return { expire, start: ready.slice(0, free), wakeAt };
}

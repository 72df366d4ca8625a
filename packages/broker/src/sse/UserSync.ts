import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import { encodeSseEvent } from './encodeSseEvent.js';
import { BATCH_EVENT, flattenSync } from './flattenSync.js';
import type { SseCursor } from './SseCursor.js';
import type { StoredBatch, SyncBatches } from './SyncBatches.js';

/** A batch as streams deliver it: `id` is `s:<since>` (incremental) or `i:<nonce>` (initial sync). */
export interface LoadedBatch extends StoredBatch {
  id: string;
}

/** What every user's loop shares (one object for all of them: an idle user's loop holds no copy). */
export interface UserSyncOptions {
  synapse: SynapseClient;
  batches: SyncBatches;
  cursor: SseCursor;
  pollTimeoutMs: number;
  onStop?: (loop: UserSync, reason: StopReason) => void;
}

export type StopReason = 'idle' | 'revoked' | 'shutdown' | 'unavailable';

/** Timeline limit 30, lazy-loaded members, no presence, typing and receipts only. */
export const SYNC_FILTER = JSON.stringify({
  presence: { not_types: ['*'] },
  room: {
    timeline: { limit: 30, lazy_load_members: true },
    state: { lazy_load_members: true },
    ephemeral: { types: ['m.typing', 'm.receipt'] },
  },
});

const MAX_BACKOFF_MS = 30_000;

/**
 * The encoded frames of each batch, made once however many streams deliver it. One map for every
 * loop (a batch object belongs to one user's loop anyway) rather than one per idle user.
 */
const framesOf = new WeakMap<LoadedBatch, string[]>();

/**
 * One user's lightweight sync loop on this instance: raw `/sync` long-polls as the user (appservice
 * masquerading), each answer flattened and, if it has events, stored once (first writer wins),
 * shared by all of the user's streams. Every position is fetched at most once at a time here (single flight), so
 * streams at the loop's head share its long-poll, and streams catching up read the store.
 */
export class UserSync {
  readonly userId: string;
  readonly epoch: number;
  readonly #options: UserSyncOptions;
  readonly #inflight = new Map<string, Promise<LoadedBatch>>();
  readonly #abort = new AbortController();
  #head: string | undefined;
  #running = false;
  #streams = 0;
  /** Unset until the first stream leaves: a loop being set up for its first stream is not idle. */
  #idleSince: number | undefined;
  #stopReason: StopReason | undefined;

  /** `epoch`: the user's revocation epoch this loop serves; a newer one stops it. */
  constructor(options: UserSyncOptions, userId: string, epoch: number) {
    this.#options = options;
    this.userId = userId;
    this.epoch = epoch;
  }

  /** Aborted when the loop stops; its reason is `stopReason`. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get stopReason(): StopReason | undefined {
    return this.#stopReason;
  }

  /** Whether anything uses the loop: a stream, or its own long-polls. */
  get busy(): boolean {
    return this.#running || this.#streams > 0;
  }

  /** Milliseconds since the last stream left (0 while any is open). */
  idleForMs(now = Date.now()): number {
    return this.#idleSince === undefined ? 0 : now - this.#idleSince;
  }

  attach(): void {
    this.#streams++;
    this.#idleSince = undefined;
  }

  detach(): void {
    this.#streams--;
    if (this.#streams === 0) this.#idleSince = Date.now();
  }

  /** A fresh initial sync, stored under a new id so a client interrupted inside it can resume. */
  async initial(): Promise<LoadedBatch> {
    const raw = await this.#options.synapse.sync(
      this.userId,
      { filter: SYNC_FILTER, timeoutMs: 0 },
      this.signal,
    );
    const id = `i:${randomBytes(12).toString('base64url')}`;
    const batch = await this.#options.batches.putFirst(this.userId, id, {
      next: nextBatchOf(raw),
      initial: true,
      events: flattenSync(raw),
    });
    // Newcomers start from the newest position, so the loop follows them.
    this.#follow(batch.next);
    return { id, ...batch };
  }

  /** The stored batch `id`, if any (cursors inside a batch need exactly that one). */
  async stored(id: string): Promise<LoadedBatch | undefined> {
    const batch = await this.#options.batches.get(this.userId, id);
    return batch && { id, ...batch };
  }

  /** The batch after sync position `since`: stored, or one long-poll shared with everyone waiting here. */
  batchAfter(since: string): Promise<LoadedBatch> {
    const id = `s:${since}`;
    // A loop started by a resuming stream follows it from there.
    if (this.#head === undefined && !this.#stopReason) this.#follow(since);
    const running = this.#inflight.get(id);
    if (running) return running;
    const load = this.#load(id, since);
    this.#inflight.set(id, load);
    return load;
  }

  /** The encoded SSE frames of a batch (its events, then the batch marker), made once per batch. */
  frames(batch: LoadedBatch): string[] {
    const known = framesOf.get(batch);
    if (known) return known;
    const { cursor } = this.#options;
    const frames = batch.events.map((event, index) =>
      encodeSseEvent({
        event: event.event,
        id: cursor.encode(this.userId, { batch: batch.id, index }),
        data: JSON.stringify(event.data),
      }),
    );
    // A long-poll that timed out with nothing new moves no position: nothing to mark.
    if (batch.initial || batch.events.length > 0 || `s:${batch.next}` !== batch.id) {
      frames.push(
        encodeSseEvent({
          event: BATCH_EVENT,
          id: cursor.encode(this.userId, { batch: `s:${batch.next}`, index: -1 }),
          data: JSON.stringify({ next_batch: batch.next, initial: batch.initial }),
        }),
      );
    }
    framesOf.set(batch, frames);
    return frames;
  }

  stop(reason: StopReason): void {
    if (this.#stopReason) return;
    this.#stopReason = reason;
    this.#abort.abort(new Error(`sync loop stopped: ${reason}`));
    this.#options.onStop?.(this, reason);
  }

  /**
   * The stored batch, or the long-poll's answer; it leaves `#inflight` as it settles. Chained, so no
   * frame stays suspended during the long-poll, and with as few links as it needs: every idle
   * user's loop waits here, and each link (a promise, its reaction, a closure pair) costs ~250 B.
   */
  #load(id: string, since: string): Promise<LoadedBatch> {
    const { synapse, pollTimeoutMs } = this.#options;
    const forget = () => this.#inflight.delete(id);
    const failed = (err: unknown): never => {
      forget();
      throw err;
    };
    return this.stored(id).then((stored) => {
      if (stored) {
        forget();
        return stored;
      }
      return synapse
        .sync(this.userId, { since, filter: SYNC_FILTER, timeoutMs: pollTimeoutMs }, this.signal)
        .then((raw) => this.#keep(id, raw).finally(forget), failed);
    }, failed);
  }

  async #keep(id: string, raw: Record<string, unknown>): Promise<LoadedBatch> {
    const next = nextBatchOf(raw);
    const events = flattenSync(raw);
    // Nothing to resume inside (its marker names its own position), so nothing any instance needs
    // to find again: idle users' positions move without events all the time (presence, say).
    if (events.length === 0) return { id, next, initial: false, events };
    return {
      id,
      ...(await this.#options.batches.putFirst(this.userId, id, { next, initial: false, events })),
    };
  }

  #follow(position: string): void {
    this.#head = position;
    if (!this.#running) {
      this.#running = true;
      this.#poll(0);
    }
  }

  /**
   * Keeps the head warm (and its batches stored) while streams come and go, until stopped. Chained
   * rather than an async loop: an idle user's loop spends its life waiting here, a suspended frame
   * costs more, and only the position crosses the wait (a batch kept here would stay in memory for
   * as long as the user stays idle).
   */
  #poll(failures: number): void {
    const position = this.#head;
    if (this.#stopReason || position === undefined) {
      this.#running = false;
      return;
    }
    this.batchAfter(position).then(
      (batch) => {
        // A newer initial sync may have moved the head meanwhile: follow that instead.
        if (this.#head === position) this.#head = batch.next;
        this.#poll(0);
      },
      () => {
        if (this.#stopReason) {
          this.#running = false;
          return;
        }
        // Synapse down or refusing: the client-side breaker and retries already ran; back off.
        const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures);
        sleep(delay / 2 + Math.random() * (delay / 2), undefined, { signal: this.signal })
          .catch(() => {})
          .then(() => this.#poll(failures + 1));
      },
    );
  }
}

function nextBatchOf(raw: Record<string, unknown>): string {
  if (typeof raw.next_batch !== 'string' || raw.next_batch === '') {
    throw new Error('the homeserver sync answer has no next_batch');
  }
  return raw.next_batch;
}

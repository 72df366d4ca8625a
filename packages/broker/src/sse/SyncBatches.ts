import type { Store } from '../store/index.js';
import type { FlatEvent } from './flattenSync.js';

/** One sync answer as the stream serves it: its events in order, and where the next batch starts. */
export interface StoredBatch {
  next: string;
  /** An initial sync (full state): the client replaces what it has. */
  initial: boolean;
  events: FlatEvent[];
}

const key = (userId: string, batchId: string) => `sse:batch:${userId}:${batchId}`;

/**
 * Sync batches shared by every broker on the store, so all of them serve the same events at the
 * same indices: the first instance to store a batch wins, later ones serve the stored copy. A
 * batch lives for `ttlMs`; a cursor into an expired one gets a resync.
 *
 * Initial syncs are the big batches (every room's state) and only a client cut off while reading
 * one ever resumes inside it, so they live `initialTtlMs` (shorter): an idle user's copy does not
 * sit in the store for the whole TTL. A cursor after an initial batch needs only its `next_batch`.
 */
export class SyncBatches {
  private readonly initialTtlMs: number;

  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
    initialTtlMs?: number,
  ) {
    this.initialTtlMs = Math.min(initialTtlMs ?? ttlMs, ttlMs);
  }

  async get(userId: string, batchId: string): Promise<StoredBatch | undefined> {
    return parseBatch(await this.store.get(key(userId, batchId)));
  }

  /** Stores `batch` unless another instance stored this batch first; returns the batch to serve. */
  async putFirst(userId: string, batchId: string, batch: StoredBatch): Promise<StoredBatch> {
    const ttlMs = batch.initial ? this.initialTtlMs : this.ttlMs;
    if (await this.store.setIfAbsent(key(userId, batchId), JSON.stringify(batch), ttlMs)) return batch;
    // The winner can only be missing if it expired in between: then ours is as good as any.
    return (await this.get(userId, batchId)) ?? batch;
  }
}

function parseBatch(json: string | undefined): StoredBatch | undefined {
  if (json === undefined) return undefined;
  try {
    const value = JSON.parse(json) as Partial<StoredBatch>;
    return typeof value.next === 'string' && typeof value.initial === 'boolean' && Array.isArray(value.events)
      ? { next: value.next, initial: value.initial, events: value.events }
      : undefined;
  } catch {
    return undefined;
  }
}

import type { OutboxEntry } from './OutboxEntry.js';

/**
 * Where the outbox keeps its entries across reloads. Implementations reject with
 * `ChatSdkError('CHAT_STORAGE')` when the underlying storage fails.
 */
export interface OutboxStorage {
  /** Every entry of this user, in no particular order. */
  load(userId: string): Promise<OutboxEntry[]>;
  /** Inserts or replaces the entry with the same id. */
  put(entry: OutboxEntry): Promise<void>;
  /** Removes the entry; nothing happens when it is not there. */
  delete(id: string): Promise<void>;
  /** Removes every entry of this user (logout). */
  clear(userId: string): Promise<void>;
}

import type { OutboxEntry } from './OutboxEntry.js';
import type { OutboxStorage } from './OutboxStorage.js';

/**
 * Keeps entries for the life of the page only: for tests and for browsers without IndexedDB.
 * Stores clones, as IndexedDB does, so callers cannot change stored entries by accident.
 */
export class MemoryOutboxStorage implements OutboxStorage {
  readonly #entries = new Map<string, OutboxEntry>();

  async load(userId: string): Promise<OutboxEntry[]> {
    return [...this.#entries.values()]
      .filter((entry) => entry.userId === userId)
      .map((e) => structuredClone(e));
  }

  async put(entry: OutboxEntry): Promise<void> {
    this.#entries.set(entry.id, structuredClone(entry));
  }

  async delete(id: string): Promise<void> {
    this.#entries.delete(id);
  }

  async clear(userId: string): Promise<void> {
    for (const [id, entry] of this.#entries) {
      if (entry.userId === userId) this.#entries.delete(id);
    }
  }
}

import { IndexedDbConnection } from '../storage/IndexedDbConnection.js';
import type { OutboxEntry } from './OutboxEntry.js';
import type { OutboxStorage } from './OutboxStorage.js';

export interface IndexedDbOutboxStorageOptions {
  /** Default `openmeet-chat`. */
  databaseName?: string;
  /** Default `globalThis.indexedDB`; tests pass fake-indexeddb's. */
  indexedDB?: IDBFactory;
}

const STORE = 'outbox';
const USER_INDEX = 'userId';

/**
 * One object store keyed by entry id with an index on userId, so that several users of one
 * browser profile keep separate outboxes. The database opens on first use.
 */
export class IndexedDbOutboxStorage implements OutboxStorage {
  readonly #db: IndexedDbConnection;

  constructor(options: IndexedDbOutboxStorageOptions = {}) {
    this.#db = new IndexedDbConnection({
      name: options.databaseName ?? 'openmeet-chat',
      version: 1,
      upgrade: (db) => db.createObjectStore(STORE, { keyPath: 'id' }).createIndex(USER_INDEX, 'userId'),
      indexedDB: options.indexedDB,
    });
  }

  async load(userId: string): Promise<OutboxEntry[]> {
    return (await this.#db.run(STORE, 'readonly', (store) =>
      store.index(USER_INDEX).getAll(userId),
    )) as OutboxEntry[];
  }

  async put(entry: OutboxEntry): Promise<void> {
    await this.#db.run(STORE, 'readwrite', (store) => store.put(entry));
  }

  async delete(id: string): Promise<void> {
    await this.#db.run(STORE, 'readwrite', (store) => store.delete(id));
  }

  async clear(userId: string): Promise<void> {
    await this.#db.run(STORE, 'readwrite', (store) => {
      const request = store.index(USER_INDEX).openKeyCursor(userId);
      request.onsuccess = () => {
        const cursor = request.result;
        if (cursor === null) return;
        store.delete(cursor.primaryKey);
        cursor.continue();
      };
      return request;
    });
  }

  /** Closes the connection; the next call opens it again. */
  close(): void {
    this.#db.close();
  }
}

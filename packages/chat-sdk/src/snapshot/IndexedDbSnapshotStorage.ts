import { IndexedDbConnection } from '../storage/IndexedDbConnection.js';
import type { ChatSnapshot } from './ChatSnapshot.js';
import type { SnapshotStorage } from './SnapshotStorage.js';

const STORE = 'snapshots';
/** The database's default name. */
export const SNAPSHOT_DATABASE = 'openmeet-chat-snapshots';

/**
 * One record per device key, in a database of its own (apart from the outbox's, so neither has to
 * migrate the other). Written with relaxed durability: a snapshot lost to a power cut only costs
 * the next page open its head start.
 */
export class IndexedDbSnapshotStorage implements SnapshotStorage {
  readonly #db: IndexedDbConnection;

  constructor(options: { databaseName?: string; indexedDB?: IDBFactory } = {}) {
    this.#db = new IndexedDbConnection({
      name: options.databaseName ?? SNAPSHOT_DATABASE,
      version: 1,
      upgrade: (db) => db.createObjectStore(STORE),
      indexedDB: options.indexedDB,
    });
  }

  load(deviceKey: string): Promise<unknown> {
    return this.#db.run(STORE, 'readonly', (store) => store.get(deviceKey));
  }

  async save(deviceKey: string, snapshot: ChatSnapshot): Promise<void> {
    await this.#db.run(STORE, 'readwrite', (store) => store.put(snapshot, deviceKey), 'relaxed');
  }

  async clear(deviceKey: string): Promise<void> {
    await this.#db.run(STORE, 'readwrite', (store) => store.delete(deviceKey));
  }
}

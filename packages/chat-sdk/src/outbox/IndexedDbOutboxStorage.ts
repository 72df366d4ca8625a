import { ChatSdkError } from '../ChatSdkError.js';
import type { OutboxEntry } from './OutboxEntry.js';
import type { OutboxStorage } from './OutboxStorage.js';

export interface IndexedDbOutboxStorageOptions {
  /** Default `openmeet-chat`. */
  databaseName?: string;
  /** Default `globalThis.indexedDB`; tests pass fake-indexeddb's. */
  indexedDB?: IDBFactory;
}

const VERSION = 1;
const STORE = 'outbox';
const USER_INDEX = 'userId';

/**
 * One object store keyed by entry id with an index on userId, so that several users of one
 * browser profile keep separate outboxes. The database opens on first use.
 */
export class IndexedDbOutboxStorage implements OutboxStorage {
  readonly #databaseName: string;
  readonly #factory: IDBFactory | undefined;
  #db: Promise<IDBDatabase> | undefined;
  #connection: IDBDatabase | undefined;

  constructor(options: IndexedDbOutboxStorageOptions = {}) {
    this.#databaseName = options.databaseName ?? 'openmeet-chat';
    this.#factory = options.indexedDB ?? globalThis.indexedDB;
  }

  async load(userId: string): Promise<OutboxEntry[]> {
    return this.#run('readonly', 'load', (store) => store.index(USER_INDEX).getAll(userId)) as Promise<
      OutboxEntry[]
    >;
  }

  async put(entry: OutboxEntry): Promise<void> {
    await this.#run('readwrite', 'put', (store) => store.put(entry));
  }

  async delete(id: string): Promise<void> {
    await this.#run('readwrite', 'delete', (store) => store.delete(id));
  }

  async clear(userId: string): Promise<void> {
    await this.#run('readwrite', 'clear', (store) => {
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
    const db = this.#db;
    this.#db = undefined;
    this.#connection = undefined;
    db?.then((opened) => opened.close()).catch(() => undefined);
  }

  /** Runs one request in its own transaction and resolves with its result once the transaction committed. */
  async #run(
    mode: IDBTransactionMode,
    operation: string,
    start: (store: IDBObjectStore) => IDBRequest,
  ): Promise<unknown> {
    const db = await this.#open();
    return new Promise((resolve, reject) => {
      const fail = (cause: unknown) => reject(storageError(`IndexedDB ${operation} failed`, cause));
      try {
        const transaction = db.transaction(STORE, mode);
        const request = start(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(request.result);
        transaction.onerror = () => fail(transaction.error ?? request.error);
        transaction.onabort = () => fail(transaction.error ?? request.error);
      } catch (cause) {
        // Synchronous throws: DataCloneError for uncloneable content, InvalidStateError on a closing connection.
        fail(cause);
      }
    });
  }

  #open(): Promise<IDBDatabase> {
    if (this.#db !== undefined) return this.#db;
    const opening = this.#openNew();
    this.#db = opening;
    // A failed open is not cached: the next call tries again (e.g. after the user freed quota).
    opening.catch(() => {
      if (this.#db === opening) this.#db = undefined;
    });
    return opening;
  }

  #openNew(): Promise<IDBDatabase> {
    const factory = this.#factory;
    if (factory === undefined) return Promise.reject(storageError('IndexedDB is not available'));
    return new Promise((resolve, reject) => {
      let request: IDBOpenDBRequest;
      try {
        request = factory.open(this.#databaseName, VERSION);
      } catch (cause) {
        reject(storageError('IndexedDB open failed', cause));
        return;
      }
      request.onupgradeneeded = () => {
        const store = request.result.createObjectStore(STORE, { keyPath: 'id' });
        store.createIndex(USER_INDEX, 'userId');
      };
      request.onsuccess = () => {
        const db = request.result;
        // Let another tab upgrade the database instead of blocking it; the next call reopens.
        db.onversionchange = () => this.#forget(db);
        // The browser may close the connection (storage cleared, disk error).
        db.onclose = () => this.#forget(db);
        this.#connection = db;
        resolve(db);
      };
      request.onerror = () => reject(storageError('IndexedDB open failed', request.error));
    });
  }

  #forget(db: IDBDatabase): void {
    db.close();
    if (this.#connection !== db) return;
    this.#connection = undefined;
    this.#db = undefined;
  }
}

function storageError(message: string, cause?: unknown): ChatSdkError {
  return new ChatSdkError('CHAT_STORAGE', message, { cause });
}

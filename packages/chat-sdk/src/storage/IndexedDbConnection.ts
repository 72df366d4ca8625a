import { ChatSdkError } from '../ChatSdkError.js';

export interface IndexedDbConnectionOptions {
  name: string;
  version: number;
  /** Creates the object stores (`onupgradeneeded`). */
  upgrade: (db: IDBDatabase) => void;
  /** Default `globalThis.indexedDB`; tests pass fake-indexeddb's. */
  indexedDB?: IDBFactory | undefined;
}

/**
 * One database, opened on first use and reopened after the browser or another tab closed it; a
 * failed open is not kept (the next call tries again, e.g. after the user freed quota). Every
 * failure is a `CHAT_STORAGE` error.
 */
export class IndexedDbConnection {
  #db: Promise<IDBDatabase> | undefined;
  #open: IDBDatabase | undefined;

  readonly #options: IndexedDbConnectionOptions;

  constructor(options: IndexedDbConnectionOptions) {
    this.#options = options;
  }

  /** Runs one request in its own transaction; resolves with its result once the transaction committed. */
  async run(
    storeName: string,
    mode: IDBTransactionMode,
    start: (store: IDBObjectStore) => IDBRequest,
    durability: IDBTransactionDurability = 'default',
  ): Promise<unknown> {
    const db = await this.#connect();
    return new Promise((resolve, reject) => {
      const fail = (cause: unknown) =>
        reject(storageError(`IndexedDB ${mode} on ${storeName} failed`, cause));
      try {
        const transaction = db.transaction(storeName, mode, { durability });
        const request = start(transaction.objectStore(storeName));
        transaction.oncomplete = () => resolve(request.result);
        transaction.onerror = () => fail(transaction.error ?? request.error);
        transaction.onabort = () => fail(transaction.error ?? request.error);
      } catch (cause) {
        // Synchronous throws: DataCloneError for uncloneable content, InvalidStateError on a closing connection.
        fail(cause);
      }
    });
  }

  /** Closes the connection; the next call opens it again. */
  close(): void {
    const db = this.#db;
    this.#db = undefined;
    this.#open = undefined;
    db?.then((opened) => opened.close()).catch(() => undefined);
  }

  #connect(): Promise<IDBDatabase> {
    if (this.#db !== undefined) return this.#db;
    const opening = this.#openNew();
    this.#db = opening;
    opening.catch(() => {
      if (this.#db === opening) this.#db = undefined;
    });
    return opening;
  }

  #openNew(): Promise<IDBDatabase> {
    const factory = this.#options.indexedDB ?? globalThis.indexedDB;
    if (factory === undefined) return Promise.reject(storageError('IndexedDB is not available'));
    return new Promise((resolve, reject) => {
      let request: IDBOpenDBRequest;
      try {
        request = factory.open(this.#options.name, this.#options.version);
      } catch (cause) {
        reject(storageError('IndexedDB open failed', cause));
        return;
      }
      request.onupgradeneeded = () => this.#options.upgrade(request.result);
      request.onsuccess = () => {
        const db = request.result;
        // Let another tab upgrade (or delete) the database instead of blocking it; the next call reopens.
        db.onversionchange = () => this.#forget(db);
        // The browser may close the connection (storage cleared, disk error).
        db.onclose = () => this.#forget(db);
        this.#open = db;
        resolve(db);
      };
      request.onerror = () => reject(storageError('IndexedDB open failed', request.error));
    });
  }

  #forget(db: IDBDatabase): void {
    db.close();
    if (this.#open !== db) return;
    this.#open = undefined;
    this.#db = undefined;
  }
}

function storageError(message: string, cause?: unknown): ChatSdkError {
  return new ChatSdkError('CHAT_STORAGE', message, { cause });
}

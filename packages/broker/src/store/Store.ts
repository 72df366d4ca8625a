/**
 * The broker's only state abstraction: a small key-value contract (strings, hashes, counters, TTLs)
 * on which device registries, token caches, locks and cutover checkpoints are built. Every
 * backend failure rejects with `BrokerError('OM_STORE_UNAVAILABLE')`, so callers branch on one code.
 *
 * Like Redis, string keys and hash keys are distinct types: reading a key as the other type rejects.
 */
export interface Store {
  get(key: string): Promise<string | undefined>;
  /** Overwrites any previous value (and its TTL); without `ttlMs` the key does not expire. */
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  /** Atomic set-if-absent with a TTL (used as a distributed lock). True when this call set it. */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Atomic compare-and-delete (lock release). True when the key held `expected` and was deleted. */
  deleteIfEquals(key: string, expected: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  hashSet(key: string, field: string, value: string): Promise<void>;
  hashGet(key: string, field: string): Promise<string | undefined>;
  /** Field names such as `__proto__` come back as plain data. */
  hashGetAll(key: string): Promise<Record<string, string>>;
  hashDelete(key: string, field: string): Promise<void>;
  /** Atomically adds 1 and returns the new value; the TTL is set when the key is created. */
  increment(key: string, ttlMs?: number): Promise<number>;
  /** Resolves when the backend answers; rejects with BrokerError OM_STORE_UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  /** Releases timers and connections; later calls reject with OM_STORE_UNAVAILABLE. Safe to call twice. */
  close(): Promise<void>;
}

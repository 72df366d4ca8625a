import { BrokerError } from '../errors.js';
import { normalizeTtl } from './normalizeTtl.js';
import type { Store } from './Store.js';

type Entry =
  | { kind: 'string'; value: string; expiresAt: number | undefined }
  | { kind: 'hash'; fields: Map<string, string>; expiresAt: number | undefined };

export interface MemoryStoreOptions {
  /** How often expired keys are dropped even if nobody reads them again. Default 60 s. */
  sweepIntervalMs?: number;
}

/**
 * The embedded default: one process, no dependencies. Mirrors the Redis semantics the broker
 * relies on (separate string and hash types, TTLs, atomic lock primitives) so code tested against
 * it behaves the same on Redis. Maps only, so keys such as `__proto__` are plain data.
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #sweepTimer: NodeJS.Timeout;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#sweepTimer = setInterval(() => this.#sweep(), options.sweepIntervalMs ?? 60_000);
    // The sweep only bounds memory; it must never keep the process alive.
    this.#sweepTimer.unref();
  }

  /** Keys held, including expired ones not yet swept (diagnostics and tests). */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#read(key, 'string')?.value;
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    const expiresAt = options.ttlMs === undefined ? undefined : Date.now() + normalizeTtl(options.ttlMs);
    this.#open();
    this.#entries.set(key, { kind: 'string', value, expiresAt });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const expiresAt = Date.now() + normalizeTtl(ttlMs);
    if (this.#live(key)) return false;
    this.#entries.set(key, { kind: 'string', value, expiresAt });
    return true;
  }

  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    const entry = this.#live(key);
    if (entry?.kind !== 'string' || entry.value !== expected) return false;
    this.#entries.delete(key);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#open();
    this.#entries.delete(key);
  }

  async hashSet(key: string, field: string, value: string): Promise<void> {
    const entry = this.#read(key, 'hash');
    if (entry) {
      entry.fields.set(field, value);
      return;
    }
    this.#entries.set(key, { kind: 'hash', fields: new Map([[field, value]]), expiresAt: undefined });
  }

  async hashGet(key: string, field: string): Promise<string | undefined> {
    return this.#read(key, 'hash')?.fields.get(field);
  }

  async hashGetAll(key: string): Promise<Record<string, string>> {
    const all: Record<string, string> = Object.create(null);
    for (const [field, value] of this.#read(key, 'hash')?.fields ?? []) all[field] = value;
    return all;
  }

  async hashDelete(key: string, field: string): Promise<void> {
    const entry = this.#read(key, 'hash');
    if (!entry) return;
    entry.fields.delete(field);
    // Redis drops a hash with no fields; doing the same keeps `setIfAbsent` consistent across backends.
    if (entry.fields.size === 0) this.#entries.delete(key);
  }

  async increment(key: string, ttlMs?: number): Promise<number> {
    const ttl = ttlMs === undefined ? undefined : normalizeTtl(ttlMs);
    const entry = this.#read(key, 'string');
    if (!entry) {
      this.#entries.set(key, {
        kind: 'string',
        value: '1',
        expiresAt: ttl === undefined ? undefined : Date.now() + ttl,
      });
      return 1;
    }
    const current = /^-?\d+$/.test(entry.value) ? Number(entry.value) : Number.NaN;
    if (!Number.isSafeInteger(current + 1)) {
      throw new BrokerError('OM_STORE_UNAVAILABLE', {
        message: 'The store value to increment is not an integer',
      });
    }
    entry.value = String(current + 1);
    return current + 1;
  }

  async ping(): Promise<void> {
    this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    this.#entries.clear();
  }

  #open(): void {
    if (this.#closed) throw new BrokerError('OM_STORE_UNAVAILABLE', { message: 'The store is closed' });
  }

  /** The entry unless it has expired (then it is dropped on the spot). */
  #live(key: string): Entry | undefined {
    this.#open();
    const entry = this.#entries.get(key);
    if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #read<K extends Entry['kind']>(key: string, kind: K): Extract<Entry, { kind: K }> | undefined {
    const entry = this.#live(key);
    if (entry === undefined) return undefined;
    if (entry.kind !== kind) {
      throw new BrokerError('OM_STORE_UNAVAILABLE', {
        // Keys may embed user ids, so the message names only the types.
        message: `The store key holds a ${entry.kind}, not a ${kind}`,
      });
    }
    return entry as Extract<Entry, { kind: K }>;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#entries.delete(key);
    }
  }
}

import { Redis } from 'ioredis';
import { BrokerError } from '../errors.js';
import { normalizeTtl } from './normalizeTtl.js';
import type { Store } from './Store.js';

export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key (ioredis applies it to script keys too). */
  keyPrefix?: string;
  /** A command without an answer by then fails. Default 500 ms. */
  commandTimeoutMs?: number;
  /** A connection attempt without an answer by then is retried. Default 1000 ms. */
  connectTimeoutMs?: number;
}

// Compare-and-delete must be one step, or a lock that expired and was retaken could be deleted.
const deleteIfEqualsScript =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

// The TTL is set only by the call that created the counter, so a window never slides.
const incrementScript =
  "local n = redis.call('INCR', KEYS[1]) if n == 1 and ARGV[1] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

const maxReconnectDelayMs = 1000;

/**
 * The shared store for several broker instances. During an outage every call fails fast with
 * OM_STORE_UNAVAILABLE (no offline queue, no per-request retries, a command timeout) rather than
 * piling up requests, while the client keeps reconnecting in the background and recovers by itself.
 */
export class RedisStore implements Store {
  /** The client itself, so the rate-limit plugin can share the connection. */
  readonly redis: Redis;
  readonly #firstConnection: Promise<void>;
  #lastError: Error | undefined;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    const connectTimeoutMs = options.connectTimeoutMs ?? 1000;
    this.redis = new Redis(options.url, {
      ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: connectTimeoutMs,
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), maxReconnectDelayMs),
    });
    // Without a listener ioredis prints every failed reconnect; keep the latest for diagnostics.
    this.redis.on('error', (err: Error) => {
      this.#lastError = err;
    });
    // Without an offline queue, calls made right after construction would fail while the socket
    // opens; they wait for the first connection, but never longer than one connect timeout.
    this.#firstConnection = new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.redis.off('ready', done);
        this.redis.off('end', done);
        resolve();
      };
      const timer = setTimeout(done, connectTimeoutMs);
      timer.unref();
      this.redis.once('ready', done);
      this.redis.once('end', done);
    });
  }

  /** The most recent connection or command error, if any. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#run(() => this.redis.get(key))) ?? undefined;
  }

  async set(key: string, value: string, options: { ttlMs?: number } = {}): Promise<void> {
    const ttl = options.ttlMs === undefined ? undefined : normalizeTtl(options.ttlMs);
    await this.#run(() =>
      ttl === undefined ? this.redis.set(key, value) : this.redis.set(key, value, 'PX', ttl),
    );
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const ttl = normalizeTtl(ttlMs);
    return (await this.#run(() => this.redis.set(key, value, 'PX', ttl, 'NX'))) === 'OK';
  }

  async deleteIfEquals(key: string, expected: string): Promise<boolean> {
    return (await this.#run(() => this.redis.eval(deleteIfEqualsScript, 1, key, expected))) === 1;
  }

  async delete(key: string): Promise<void> {
    await this.#run(() => this.redis.del(key));
  }

  async hashSet(key: string, field: string, value: string): Promise<void> {
    await this.#run(() => this.redis.hset(key, field, value));
  }

  async hashGet(key: string, field: string): Promise<string | undefined> {
    return (await this.#run(() => this.redis.hget(key, field))) ?? undefined;
  }

  async hashGetAll(key: string): Promise<Record<string, string>> {
    const reply = await this.#run(() => this.redis.hgetall(key));
    // Copied into a prototype-less object so both backends hand back the same shape.
    const all: Record<string, string> = Object.create(null);
    for (const [field, value] of Object.entries(reply)) all[field] = value;
    return all;
  }

  async hashDelete(key: string, field: string): Promise<void> {
    await this.#run(() => this.redis.hdel(key, field));
  }

  async increment(key: string, ttlMs?: number): Promise<number> {
    const ttl = ttlMs === undefined ? '' : String(normalizeTtl(ttlMs));
    return Number(await this.#run(() => this.redis.eval(incrementScript, 1, key, ttl)));
  }

  async ping(): Promise<void> {
    await this.#run(() => this.redis.ping());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.redis.status === 'ready') {
      // QUIT answers before the socket closes; wait for the close so nothing outlives `close()`.
      const ended = new Promise((resolve) => this.redis.once('end', resolve));
      try {
        await this.redis.quit();
        await ended;
        return;
      } catch {
        // The connection dropped mid-quit; disconnecting below still stops the reconnect loop.
      }
    }
    this.redis.disconnect();
  }

  async #run<T>(command: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new BrokerError('OM_STORE_UNAVAILABLE', { message: 'The store is closed' });
    await this.#firstConnection;
    try {
      return await command();
    } catch (cause) {
      if (cause instanceof Error) this.#lastError = cause;
      throw new BrokerError('OM_STORE_UNAVAILABLE', { cause });
    }
  }
}

import { createLocalJWKSet, type JWTVerifyGetKey, type LocalJWKSet } from 'jose';
import { JWKSNoMatchingKey } from 'jose/errors';
import { BrokerError } from '../errors.js';

export interface JwksCacheOptions {
  url: string;
  refreshMs?: number;
  maxStaleMs?: number;
  cooldownMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface JwksCache {
  /** A jose key resolver: picks the key for a token's `alg`/`kid`, fetching the set when needed. */
  readonly getKey: JWTVerifyGetKey;
  /** Changes whenever a different key set is in use (an identity, compared with ===). */
  readonly version: unknown;
  /** How many fetches have been started, for tests and metrics. */
  readonly fetchCount: number;
  /** Aborts a fetch in flight and stops further fetches. */
  close(): void;
}

const MAX_JWKS_BYTES = 64 * 1024;

interface KeySet {
  resolve: LocalJWKSet;
  fetchedAt: number;
}

/**
 * Caches a host's remote JWKS. Unlike jose's `createRemoteJWKSet`, a failed refresh does not fail
 * verification: cached keys keep working until `maxStaleMs`, so a host JWKS outage does not log
 * everyone out. Fetch attempts are spaced by `cooldownMs`, so neither tokens with unknown `kid`s nor a
 * down endpoint turn into a fetch per request; concurrent callers share the fetch in flight.
 */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const refreshMs = options.refreshMs ?? 10 * 60_000;
  const maxStaleMs = options.maxStaleMs ?? 6 * 60 * 60_000;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const closing = new AbortController();

  let current: KeySet | undefined;
  let inFlight: Promise<KeySet> | undefined;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let fetchCount = 0;

  async function load(): Promise<KeySet> {
    const signal = AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]);
    const response = await fetchImpl(options.url, { signal, headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`JWKS endpoint answered ${response.status}`);
    }
    const body = await readLimited(response, MAX_JWKS_BYTES);
    // createLocalJWKSet validates the set's shape (JWKSInvalid otherwise).
    return { resolve: createLocalJWKSet(JSON.parse(body)), fetchedAt: now() };
  }

  /** Starts a fetch unless one is in flight (joined) or the cooldown forbids it (undefined). */
  function startFetch(): Promise<KeySet> | undefined {
    if (inFlight) return inFlight;
    if (closing.signal.aborted || now() - lastAttemptAt < cooldownMs) return undefined;
    lastAttemptAt = now();
    fetchCount += 1;
    inFlight = load()
      .then((keySet) => {
        current = keySet;
        return keySet;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  async function usableKeySet(): Promise<KeySet> {
    const age = current === undefined ? Number.POSITIVE_INFINITY : now() - current.fetchedAt;
    if (current !== undefined && age < maxStaleMs) {
      // Refresh in the background; a failure leaves the cached keys in place.
      if (age >= refreshMs) startFetch()?.catch(() => {});
      return current;
    }
    const pending = startFetch();
    if (pending === undefined) {
      const retryAfterSeconds = Math.max(1, Math.ceil((lastAttemptAt + cooldownMs - now()) / 1000));
      throw new BrokerError('OM_AUTH_JWKS_UNAVAILABLE', { retryAfterSeconds });
    }
    try {
      return await pending;
    } catch (cause) {
      throw new BrokerError('OM_AUTH_JWKS_UNAVAILABLE', {
        cause,
        retryAfterSeconds: Math.ceil(cooldownMs / 1000),
      });
    }
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    const keySet = await usableKeySet();
    try {
      return await keySet.resolve(header, token);
    } catch (error) {
      if (!(error instanceof JWKSNoMatchingKey)) throw error;
      // The host may have rotated its keys since we fetched them. In cooldown, another caller's
      // fetch may still have brought newer keys than the set we looked in.
      const refreshed = (await startFetch()?.catch(() => undefined)) ?? current;
      if (refreshed === undefined || refreshed === keySet) throw error;
      return refreshed.resolve(header, token);
    }
  };

  return {
    getKey,
    get fetchCount() {
      return fetchCount;
    },
    get version() {
      return current;
    },
    close() {
      closing.abort();
    },
  };
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`JWKS is larger than ${maxBytes} bytes`);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`JWKS is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

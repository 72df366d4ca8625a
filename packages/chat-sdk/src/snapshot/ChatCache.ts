import type { ChatState } from '../store/ChatState.js';
import type { ChatStore } from '../store/createChatStore.js';
import { IndexedDbSnapshotStorage } from './IndexedDbSnapshotStorage.js';
import { SnapshotSession } from './SnapshotSession.js';
import type { SnapshotStorage } from './SnapshotStorage.js';

/**
 * What the client keeps, per device key, for the next page open (`createChatClient({ cache })`).
 * Everything the client does with a snapshot lives behind this, so clients without a cache do not
 * ship it.
 */
export interface ChatCache {
  /** The cache as one client uses it for one device: created on the client's first connect. */
  open(deviceKey: string): CacheSession;
  /** Forgets the device's snapshot (sign-out). */
  clear(deviceKey: string): Promise<void>;
}

/** One client's use of the cache (see `SnapshotSession`). */
export interface CacheSession {
  /**
   * Reads the last session's snapshot beside the broker session and puts it in the store, unless
   * `userId` (the broker's answer) says it is someone else's or the store already holds rooms.
   * Resolves true when it did.
   */
  hydrate(store: ChatStore, userId: Promise<string>): Promise<boolean>;
  /** A snapshot is in the store, not yet replaced by a sync. */
  readonly showing: boolean;
  /** The state after a sync: `apply` runs on what the store shows, or replaces the snapshot. */
  synced(shown: ChatState, initial: boolean, apply: (base: ChatState) => ChatState): ChatState;
  /** The last sessions' `openEntityRoom` answer for an entity key. */
  entityRoom(key: string): string | undefined;
  rememberEntityRoom(key: string, roomId: string): void;
  /** The state changed: keep it, soon (writes are batched). */
  changed(state: () => ChatState): void;
  /** Drops a pending write (the client closed). */
  stop(): void;
  /** Forgets this device's snapshot and what the session remembers. */
  clear(): Promise<void>;
}

export interface SnapshotCacheOptions {
  /** A write waits this long after a change, so a burst of syncs costs one write. Default 2 s. */
  delayMs?: number;
  /** Failed writes (they only cost the next page open its head start). Default: ignored. */
  onError?: (error: unknown) => void;
}

/** A `ChatCache` over any `SnapshotStorage`. */
export function snapshotCache(storage: SnapshotStorage, options: SnapshotCacheOptions = {}): ChatCache {
  return {
    open: (deviceKey) => new SnapshotSession(storage, deviceKey, options),
    clear: (deviceKey) => storage.clear(deviceKey),
  };
}

/**
 * Keeps the rooms and recent messages of the last session in IndexedDB, so a returning user sees
 * them at once while the first sync runs (which then replaces them). Opt-in: other people's
 * messages then stay at rest in the browser until `signOut()`; leave it off where that is not
 * acceptable (shared computers).
 *
 * @example
 * const chat = createChatClient({ brokerUrl, getHostToken, cache: indexedDbCache() });
 */
export function indexedDbCache(
  options: SnapshotCacheOptions & { databaseName?: string; indexedDB?: IDBFactory } = {},
): ChatCache {
  const { databaseName, indexedDB, ...cacheOptions } = options;
  return snapshotCache(
    new IndexedDbSnapshotStorage({
      ...(databaseName === undefined ? {} : { databaseName }),
      ...(indexedDB === undefined ? {} : { indexedDB }),
    }),
    cacheOptions,
  );
}

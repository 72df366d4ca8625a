import type { ChatState } from '../store/ChatState.js';
import { type ChatSnapshot, restorable, snapshotOf } from './ChatSnapshot.js';
import { IndexedDbSnapshotStorage } from './IndexedDbSnapshotStorage.js';
import type { SnapshotStorage } from './SnapshotStorage.js';

/** What the client keeps, per device key, for the next page open (`createChatClient({ cache })`). */
export interface ChatCache {
  /**
   * The last session's snapshot for this device, when it was this user's. `userId` is still being
   * asked of the broker: the read runs beside it, and only that answer lets the snapshot through.
   */
  restore(deviceKey: string, userId: Promise<string>): Promise<ChatSnapshot | undefined>;
  /** The state changed: keep it, soon (implementations batch the writes). */
  changed(
    deviceKey: string,
    read: () => { state: ChatState; entityRooms: ReadonlyMap<string, string> },
  ): void;
  /** Forgets the device's snapshot (sign-out). */
  clear(deviceKey: string): Promise<void>;
  /** Drops a pending write (the client closed). */
  stop(): void;
}

export interface SnapshotCacheOptions {
  /** A write waits this long after a change, so a burst of syncs costs one write. Default 2 s. */
  delayMs?: number;
  /** Failed writes (they only cost the next page open its head start). Default: ignored. */
  onError?: (error: unknown) => void;
}

/** A `ChatCache` over any `SnapshotStorage`. */
export function snapshotCache(storage: SnapshotStorage, options: SnapshotCacheOptions = {}): ChatCache {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    async restore(deviceKey, userId) {
      const [stored, user] = await Promise.all([storage.load(deviceKey).catch(() => undefined), userId]);
      return restorable(stored, user);
    },
    changed(deviceKey, read) {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        const { state, entityRooms } = read();
        const snapshot = snapshotOf(state, entityRooms, Date.now());
        if (snapshot) storage.save(deviceKey, snapshot).catch((error: unknown) => options.onError?.(error));
      }, options.delayMs ?? 2000);
    },
    clear: (deviceKey) => storage.clear(deviceKey),
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
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

import { type ChatState, initialChatState } from '../store/ChatState.js';
import type { ChatStore } from '../store/createChatStore.js';
import type { CacheSession, SnapshotCacheOptions } from './ChatCache.js';
import { restorable, snapshotOf } from './ChatSnapshot.js';
import { keepNewerShown, withoutProvisional } from './keepNewerShown.js';
import type { SnapshotStorage } from './SnapshotStorage.js';

/**
 * A client's use of a snapshot cache for one device: shows the last session's snapshot until the
 * first sync replaces it (not merged: nothing doubled), keeps the snapshot's newer events through
 * Synapse's replayed first syncs (`keepNewerShown`), remembers `openEntityRoom` answers, and writes
 * the state back at most once per `delayMs`.
 */
export class SnapshotSession implements CacheSession {
  showing = false;
  /** This connection's first sync is in the store: a snapshot read later is too old to show. */
  #live = false;
  readonly #entityRooms = new Map<string, string>();
  /** Room id → snapshot events kept past a stale first sync, until a sync brings them again. */
  readonly #provisional = new Map<string, ReadonlySet<string>>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  readonly #storage: SnapshotStorage;
  readonly #deviceKey: string;
  readonly #options: SnapshotCacheOptions;

  constructor(storage: SnapshotStorage, deviceKey: string, options: SnapshotCacheOptions) {
    this.#storage = storage;
    this.#deviceKey = deviceKey;
    this.#options = options;
  }

  async hydrate(store: ChatStore, userId: Promise<string>): Promise<boolean> {
    this.#live = false;
    const read = this.#storage.load(this.#deviceKey).catch(() => undefined);
    const snapshot = await Promise.all([read, userId]).then(
      ([stored, user]) => restorable(stored, user),
      () => undefined,
    );
    const state = store.getState();
    if (snapshot === undefined || this.#live || Object.keys(state.rooms).length > 0) return false;
    const rooms = Object.fromEntries(
      Object.entries(snapshot.rooms).map(([roomId, room]) => [roomId, { ...room, typing: [] }]),
    );
    store.setState({
      rooms,
      timelines: snapshot.timelines,
      members: snapshot.members,
      receipts: snapshot.receipts,
      powerLevels: snapshot.powerLevels,
    });
    for (const [key, roomId] of Object.entries(snapshot.entityRooms)) this.#entityRooms.set(key, roomId);
    this.showing = true;
    return true;
  }

  synced(shown: ChatState, initial: boolean, apply: (base: ChatState) => ChatState): ChatState {
    const replace = initial && this.showing;
    const base = replace
      ? { ...initialChatState(), connection: shown.connection, userId: shown.userId }
      : this.#withoutProvisional(shown);
    const next = apply(base);
    this.showing = false;
    this.#live = true;
    return replace || this.#provisional.size > 0 ? this.#keepNewerShown(shown, next) : next;
  }

  entityRoom(key: string): string | undefined {
    return this.#entityRooms.get(key);
  }

  rememberEntityRoom(key: string, roomId: string): void {
    this.#entityRooms.set(key, roomId);
  }

  changed(state: () => ChatState): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const snapshot = snapshotOf(state(), this.#entityRooms, Date.now());
      if (snapshot) {
        this.#storage
          .save(this.#deviceKey, snapshot)
          .catch((error: unknown) => this.#options.onError?.(error));
      }
    }, this.#options.delayMs ?? 2000);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async clear(): Promise<void> {
    this.stop();
    this.#entityRooms.clear();
    this.#provisional.clear();
    this.showing = false;
    await this.#storage.clear(this.#deviceKey);
  }

  /** The sync's state, plus the snapshot's events it was too old to hold yet. */
  #keepNewerShown(shown: ChatState, next: ChatState): ChatState {
    this.#provisional.clear();
    const timelines = { ...next.timelines };
    for (const [roomId, timeline] of Object.entries(next.timelines)) {
      const kept = keepNewerShown(shown.timelines[roomId], timeline);
      timelines[roomId] = kept.timeline;
      if (kept.provisional.length > 0) this.#provisional.set(roomId, new Set(kept.provisional));
    }
    return { ...next, timelines };
  }

  /**
   * The state without the provisional events, before a sync is applied: where the sync brings one,
   * it lands in its place; one still missing (Synapse replays cached answers one by one) is put
   * back at the end by `keepNewerShown`, while it is still newer than everything else.
   */
  #withoutProvisional(state: ChatState): ChatState {
    if (this.#provisional.size === 0) return state;
    const timelines = { ...state.timelines };
    for (const [roomId, eventIds] of this.#provisional) {
      const timeline = timelines[roomId];
      if (timeline) timelines[roomId] = withoutProvisional(timeline, eventIds);
    }
    return { ...state, timelines };
  }
}

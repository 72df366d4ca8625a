import type { ChatSdkError } from '../ChatSdkError.js';
import { applyMemberEvents } from '../store/applySync.js';
import type { ChatStore } from '../store/createChatStore.js';
import { applyBackPagination, emptyTimeline, setPaginating } from '../timeline/index.js';
import type { RoomTimeline, TimelineOptions } from '../timeline/types.js';
import type { Transport } from '../transport/Transport.js';

const LAZY_MEMBERS = { lazy_load_members: true };

export interface RoomHistoryDeps {
  store: ChatStore;
  transport: () => Transport;
  timelineOptions: () => TimelineOptions;
  onError?: (error: ChatSdkError) => void;
}

/**
 * History: back-pagination from the top of a room, gap fills after limited syncs, and "enough
 * before first render". One request per (room, token) at a time; a failed request leaves the
 * timeline as it was, ready to try again.
 */
export class RoomHistory {
  readonly #inflight = new Map<string, Promise<void>>();

  readonly #deps: RoomHistoryDeps;

  constructor(deps: RoomHistoryDeps) {
    this.#deps = deps;
  }

  /** Loads up to `limit` older events; resolves false once the room's beginning is reached. */
  async paginateBack(roomId: string, limit = 30): Promise<boolean> {
    const token = this.#timeline(roomId).backToken;
    if (token === null) return false;
    if (token === undefined) return true;
    await this.#fetch(roomId, token, limit);
    return this.#timeline(roomId).backToken !== null;
  }

  /** Fills the gap with this token (one page; a long gap keeps a smaller gap above what came). */
  fillGap(roomId: string, token: string, limit = 50): Promise<void> {
    return this.#fetch(roomId, token, limit);
  }

  /** Fills every gap of the room, page by page, in the background. */
  fillGaps(roomId: string): void {
    for (const item of this.#timeline(roomId).items) {
      if (item.kind !== 'gap' || item.filling || this.#inflight.has(`${roomId}\n${item.token}`)) continue;
      this.fillGap(roomId, item.token)
        .then(() => this.fillGaps(roomId))
        .catch((error: ChatSdkError) => this.#deps.onError?.(error));
    }
  }

  /** Paginates until the room shows at least `messages` messages, or its beginning. */
  async ensureHistory(roomId: string, messages: number, maxPages = 5): Promise<void> {
    for (let page = 0; page < maxPages; page++) {
      const timeline = this.#timeline(roomId);
      const shown = timeline.items.filter((item) => item.kind === 'message').length;
      if (shown >= messages || timeline.backToken === null || timeline.backToken === undefined) return;
      await this.paginateBack(roomId, Math.max(20, messages - shown));
    }
  }

  #fetch(roomId: string, token: string, limit: number): Promise<void> {
    const key = `${roomId}\n${token}`;
    const running = this.#inflight.get(key);
    if (running) return running;
    const work = (async () => {
      this.#update(roomId, (timeline) => setPaginating(timeline, token, true));
      try {
        const page = await this.#deps
          .transport()
          .messages(roomId, { from: token, dir: 'b', limit, filter: LAZY_MEMBERS });
        const options = this.#deps.timelineOptions();
        this.#deps.store.setState((state) => {
          const before = state.timelines[roomId] ?? emptyTimeline();
          const after = applyBackPagination(before, token, page.chunk ?? [], page.end, options);
          // The back token moved on (a filled gap is replaced by its remainder): nothing is in flight.
          const settled = before.backToken === token ? { ...after, paginating: false } : after;
          return applyMemberEvents(
            { ...state, timelines: { ...state.timelines, [roomId]: settled } },
            roomId,
            page.state ?? [],
          );
        });
      } catch (error) {
        this.#update(roomId, (timeline) => setPaginating(timeline, token, false));
        throw error;
      } finally {
        this.#inflight.delete(key);
      }
    })();
    this.#inflight.set(key, work);
    return work;
  }

  #timeline(roomId: string): RoomTimeline {
    return this.#deps.store.getState().timelines[roomId] ?? emptyTimeline();
  }

  #update(roomId: string, change: (timeline: RoomTimeline) => RoomTimeline): void {
    this.#deps.store.setState((state) => {
      const before = state.timelines[roomId] ?? emptyTimeline();
      const after = change(before);
      return after === before ? state : { timelines: { ...state.timelines, [roomId]: after } };
    });
  }
}

import type { RawEvent } from '../../src/timeline/types.js';

export const BROKER = 'https://chat.example.org';
export const HOMESERVER = 'https://matrix.example.org';
export const ROOM = '!room:example.org';
export const ALICE = '@alice:example.org';

export interface FakeServersOptions {
  /** Whose session the broker hands out. Default `ALICE`. */
  userId?: string;
  /** The events of `ROOM` in the initial sync (which also holds the user's join). Default none. */
  events?: RawEvent[];
  /** Resolves when the initial sync and the broker's room lookups may answer. Default at once. */
  held?: Promise<void>;
  /** What the incremental syncs bring, one list of `ROOM` events each; later polls wait. */
  incremental?: RawEvent[][];
  /**
   * Any other homeserver request, after it is logged; undefined falls through to the default
   * answer: `{ event_id: '$message' }` for sends, `{}` otherwise.
   */
  answer?: (request: HomeserverRequest) => Promise<Response | undefined> | Response | undefined;
}

export interface HomeserverRequest {
  method: string;
  url: URL;
  /** The decoded path. */
  path: string;
  body: unknown;
}

/**
 * A broker and a homeserver in one fake `fetch`: a session, an initial sync with `ROOM` joined,
 * incremental syncs as given and then long-polls that wait until aborted. Every other homeserver
 * request is logged as `METHOD url`, in order.
 */
export function fakeServers(options: FakeServersOptions = {}) {
  const log: string[] = [];
  const incremental = [...(options.incremental ?? [])];
  const held = options.held ?? Promise.resolve();
  const userId = options.userId ?? ALICE;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    if (url.origin === BROKER) {
      if (url.pathname === '/v1/rooms/lookup') {
        await held;
        return Response.json({ roomId: ROOM, alias: '#group:example.org' });
      }
      return Response.json({
        userId,
        deviceId: 'DEVICE',
        accessToken: 'token',
        expiresAt: Date.now() + 3_600_000,
        homeserverUrl: HOMESERVER,
      });
    }
    const path = decodeURIComponent(url.pathname);
    if (path.endsWith('/sync')) {
      if (!url.searchParams.has('since')) {
        await held;
        return Response.json(syncOf('s1', options.events ?? [], userId));
      }
      const events = incremental.shift();
      if (events !== undefined) {
        return Response.json({
          next_batch: `s${incremental.length + 2}`,
          rooms: { join: { [ROOM]: { timeline: { events, limited: false } } } },
        });
      }
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    const method = init?.method ?? 'GET';
    log.push(`${method} ${url.href}`);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const answered = await options.answer?.({ method, url, path, body });
    return answered ?? Response.json(path.includes('/send/') ? { event_id: '$message' } : {});
  };
  return { fetch: fetch as typeof globalThis.fetch, log };
}

/** An initial sync: `ROOM` joined by `userId`, with `events` in its timeline. */
function syncOf(nextBatch: string, events: RawEvent[], userId: string) {
  return {
    next_batch: nextBatch,
    rooms: {
      join: {
        [ROOM]: {
          // With events, older ones exist too (a back token); without, the room is new.
          timeline: events.length > 0 ? { events, limited: true, prev_batch: `p-${nextBatch}` } : { events },
          state: {
            events: [
              {
                type: 'm.room.member',
                state_key: userId,
                sender: userId,
                event_id: '$join',
                origin_server_ts: 1,
                content: { membership: 'join' },
              },
            ],
          },
        },
      },
    },
  };
}

/** A promise to hold a fake's answers with (`held`), and what lets them through. */
export function gate(): { held: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { held, open };
}

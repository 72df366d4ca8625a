/** A stream event before encoding: the SSE event name and its JSON data. */
export interface FlatEvent {
  event: string;
  data: Record<string, unknown>;
}

export type Membership = 'join' | 'invite' | 'leave';
export type Section = 'timeline' | 'state' | 'ephemeral' | 'account_data' | 'invite_state';

/** Per room, before its events: membership and the room-level fields of the `/sync` answer. */
export const ROOM_EVENT = 'org.openmeet.room';
/** Closes each sync batch: `{ next_batch, initial }`. */
export const BATCH_EVENT = 'org.openmeet.batch';
/** The client must drop its state: a fresh initial sync follows (or, for a slow consumer, a reconnect). */
export const RESYNC_EVENT = 'org.openmeet.resync';
/** The broker ends the stream for good (`{ reason }`): reconnecting with the same credentials fails. */
export const CLOSED_EVENT = 'org.openmeet.closed';
/** The name used for events whose Matrix type cannot be an SSE event name; `data.event.type` has it. */
export const UNNAMED_EVENT = 'org.openmeet.event';

const SECTIONS: Record<Membership, readonly Section[]> = {
  join: ['state', 'timeline', 'ephemeral', 'account_data'],
  invite: ['invite_state'],
  leave: ['state', 'timeline', 'account_data'],
};
const ROOM_FIELDS = ['unread_notifications', 'summary'] as const;
const SAFE_NAME = /^[^\r\n\0]{1,255}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const eventsOf = (value: unknown): Json[] =>
  isObject(value) && Array.isArray(value.events) ? value.events.filter(isObject) : [];

/**
 * Flattens one `/sync` answer into stream events, named by their Matrix type, each saying which
 * room, membership and section it came from: a client puts every event back where it was and
 * rebuilds the same `/sync` shape (the closing batch event is added by the stream).
 */
export function flattenSync(sync: Json): FlatEvent[] {
  const out: FlatEvent[] = [];
  const rooms = isObject(sync.rooms) ? sync.rooms : {};
  for (const membership of ['join', 'invite', 'leave'] as const) {
    const byRoom = rooms[membership];
    if (!isObject(byRoom)) continue;
    for (const [roomId, room] of Object.entries(byRoom)) {
      if (!isObject(room)) continue;
      out.push({ event: ROOM_EVENT, data: roomData(roomId, membership, room) });
      for (const section of SECTIONS[membership]) {
        for (const event of eventsOf(room[section])) {
          out.push({ event: nameOf(event), data: { room_id: roomId, membership, section, event } });
        }
      }
    }
  }
  for (const event of eventsOf(sync.account_data)) {
    out.push({ event: nameOf(event), data: { section: 'account_data', event } });
  }
  return out;
}

function roomData(roomId: string, membership: Membership, room: Json): Json {
  const data: Json = { room_id: roomId, membership };
  const timeline = room.timeline;
  if (isObject(timeline)) {
    if (typeof timeline.limited === 'boolean') data.limited = timeline.limited;
    if (typeof timeline.prev_batch === 'string') data.prev_batch = timeline.prev_batch;
  }
  for (const field of ROOM_FIELDS) if (isObject(room[field])) data[field] = room[field];
  return data;
}

function nameOf(event: Json): string {
  return typeof event.type === 'string' && SAFE_NAME.test(event.type) ? event.type : UNNAMED_EVENT;
}

import type { JoinedRoomSync, SyncResponse } from '../../sync/SyncResponse.js';

/** The broker's stream vocabulary (see the broker README, "SSE fallback"). */
export const ROOM_EVENT = 'org.openmeet.room';
export const BATCH_EVENT = 'org.openmeet.batch';
export const RESYNC_EVENT = 'org.openmeet.resync';
export const CLOSED_EVENT = 'org.openmeet.closed';

type Json = Record<string, unknown>;
type Membership = 'join' | 'invite' | 'leave';
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isMembership = (value: unknown): value is Membership =>
  value === 'join' || value === 'invite' || value === 'leave';
const SECTIONS = new Set(['timeline', 'state', 'ephemeral', 'account_data', 'invite_state']);

export type AssembledBatch = { response: SyncResponse; initial: boolean };

/**
 * Rebuilds `/sync` responses from the broker's flattened stream: a room event opens a room (its
 * membership, `limited`, `prev_batch`, counts), each Matrix event goes back into its room and
 * section, and the batch event closes the response. The store then cannot tell SSE from direct.
 * Malformed events are skipped: the stream is data from the network.
 */
export class SyncAssembler {
  #rooms: NonNullable<SyncResponse['rooms']> = {};
  #accountData: Json[] = [];

  /** Returns a whole response when `event` closes a batch. */
  push(event: string, data: unknown): AssembledBatch | undefined {
    if (!isObject(data)) return undefined;
    if (event === BATCH_EVENT) {
      if (typeof data.next_batch !== 'string') return undefined;
      const response: SyncResponse = { next_batch: data.next_batch, rooms: this.#rooms };
      if (this.#accountData.length > 0) response.account_data = { events: this.#accountData as never };
      this.reset();
      return { response, initial: data.initial === true };
    }
    if (event === ROOM_EVENT) {
      this.#openRoom(data);
      return undefined;
    }
    const inner = data.event;
    if (!isObject(inner) || typeof data.section !== 'string' || !SECTIONS.has(data.section)) return undefined;
    if (typeof data.room_id !== 'string') {
      if (data.section === 'account_data') this.#accountData.push(inner);
      return undefined;
    }
    if (!isMembership(data.membership)) return undefined;
    const room = this.#room(data.membership, data.room_id);
    const section = room[data.section] as { events?: unknown[] } | undefined;
    if (section?.events) section.events.push(inner);
    else room[data.section] = { ...section, events: [inner] };
    return undefined;
  }

  /** Drops a half-received batch (the stream restarts from nothing). */
  reset(): void {
    this.#rooms = {};
    this.#accountData = [];
  }

  #openRoom(data: Json): void {
    if (typeof data.room_id !== 'string' || !isMembership(data.membership)) return;
    const room = this.#room(data.membership, data.room_id);
    if (data.membership === 'invite') return;
    // Only when the answer had a timeline: an empty one without a token would read as "nothing older".
    if (typeof data.limited === 'boolean' || typeof data.prev_batch === 'string') {
      room.timeline ??= { events: [] };
      const timeline = room.timeline as NonNullable<JoinedRoomSync['timeline']>;
      if (typeof data.limited === 'boolean') timeline.limited = data.limited;
      if (typeof data.prev_batch === 'string') timeline.prev_batch = data.prev_batch;
    }
    if (isObject(data.unread_notifications)) room.unread_notifications = data.unread_notifications;
    if (isObject(data.summary)) room.summary = data.summary;
  }

  #room(membership: Membership, roomId: string): Json {
    // Room ids start with '!': never a prototype key. Anything else is not a room.
    this.#rooms[membership] ??= {};
    const byRoom = this.#rooms[membership] as Record<string, Json>;
    if (!roomId.startsWith('!')) return {};
    const existing = byRoom[roomId];
    if (existing) return existing;
    const room: Json = {};
    byRoom[roomId] = room;
    return room;
  }
}

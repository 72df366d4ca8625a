import type { SynapseClient } from '../synapse/SynapseClient.js';
import type { PowerLevelsContent } from './entityPowerLevels.js';
import { ROOM_MARKER_TYPE } from './RoomEntity.js';
import { isRoomInvisible } from './upstreamError.js';

/** The parts of an entity room's state the broker keeps in line with the host entity. */
export interface RoomSnapshot {
  marker: unknown;
  name: string;
  topic: string;
  avatarUrl: string;
  joinRule: string | undefined;
  canonicalAlias: string | undefined;
  /** Local aliases pointing at the room. */
  aliases: string[];
  eventsDefault: number;
}

type Content = Record<string, unknown>;
const text = (content: Content | undefined, field: string) =>
  typeof content?.[field] === 'string' ? content[field] : '';

/**
 * Reads the room as the service user, one state event at a time (never the whole state: entity
 * rooms can hold thousands of members). Undefined when the service user cannot see the room,
 * e.g. after an admin deletion.
 */
export async function readRoomState(
  synapse: SynapseClient,
  roomId: string,
): Promise<RoomSnapshot | undefined> {
  const get = (type: string) => synapse.getState<Content>(roomId, type, '');
  try {
    const [marker, name, topic, avatar, joinRules, canonical, powerLevels, aliases] = await Promise.all([
      get(ROOM_MARKER_TYPE),
      get('m.room.name'),
      get('m.room.topic'),
      get('m.room.avatar'),
      get('m.room.join_rules'),
      get('m.room.canonical_alias'),
      get('m.room.power_levels') as Promise<PowerLevelsContent | undefined>,
      synapse.listAliases(roomId),
    ]);
    return {
      marker,
      name: text(name, 'name'),
      topic: text(topic, 'topic'),
      avatarUrl: text(avatar, 'url'),
      joinRule: typeof joinRules?.join_rule === 'string' ? joinRules.join_rule : undefined,
      canonicalAlias: typeof canonical?.alias === 'string' ? canonical.alias : undefined,
      aliases,
      eventsDefault: typeof powerLevels?.events_default === 'number' ? powerLevels.events_default : 0,
    };
  } catch (error) {
    if (isRoomInvisible(error)) return undefined;
    throw error;
  }
}

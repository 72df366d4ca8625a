import type { RawEvent } from '../timeline/types.js';
import type { Member, NotificationMode, PowerLevels, RoomKind, RoomSummary } from './ChatState.js';
import { isRecord, isUserId } from './ids.js';

const ROOM_MARKER = 'org.openmeet.room';

export function emptyRoom(roomId: string): RoomSummary {
  return {
    roomId,
    membership: 'join',
    kind: 'other',
    name: '',
    unread: 0,
    mentions: 0,
    notification: 'all',
    lastActivityTs: 0,
    typing: [],
    readOnly: false,
  };
}

/** Applies one state event to the room's summary fields; unknown types leave it as it is. */
export function applyStateToSummary(room: RoomSummary, event: RawEvent): RoomSummary {
  const content = isRecord(event.content) ? event.content : {};
  if (event.state_key !== '') return room;
  switch (event.type) {
    case 'm.room.name':
      return withOptional(
        room,
        'explicitName',
        typeof content.name === 'string' ? content.name.slice(0, 255) : undefined,
      );
    case 'm.room.topic':
      return withOptional(room, 'topic', typeof content.topic === 'string' ? content.topic : undefined);
    case 'm.room.avatar':
      return withOptional(room, 'avatarUrl', typeof content.url === 'string' ? content.url : undefined);
    case ROOM_MARKER: {
      const kind = markerKind(content);
      const entity = isRecord(content.entity) ? content.entity : undefined;
      const next: RoomSummary = { ...room, kind };
      if ((kind === 'group' || kind === 'event') && typeof entity?.id === 'string') {
        next.entity = { kind, id: entity.id };
      }
      return next;
    }
    default:
      return room;
  }
}

function markerKind(content: Record<string, unknown>): RoomKind {
  return content.kind === 'group' || content.kind === 'event' || content.kind === 'dm'
    ? content.kind
    : 'other';
}

/** `explicitName` is internal: the display name is derived from it, the DM partner or heroes. */
type SummaryWithName = RoomSummary & { explicitName?: string };

function withOptional<K extends keyof SummaryWithName>(
  room: RoomSummary,
  key: K,
  value: SummaryWithName[K] | undefined,
): RoomSummary {
  const next = { ...room } as SummaryWithName;
  if (value === undefined || value === '') delete next[key];
  else next[key] = value as SummaryWithName[K];
  return next;
}

export function explicitNameOf(room: RoomSummary): string | undefined {
  return (room as SummaryWithName).explicitName;
}

export function parsePowerLevels(content: Record<string, unknown>): PowerLevels {
  const int = (value: unknown, fallback: number) =>
    typeof value === 'number' && Number.isInteger(value) ? value : fallback;
  const events = isRecord(content.events) ? content.events : {};
  const eventsDefault = int(content.events_default, 0);
  const users = new Map<string, number>();
  if (isRecord(content.users)) {
    for (const [userId, level] of Object.entries(content.users)) {
      if (isUserId(userId) && typeof level === 'number') users.set(userId, level);
    }
  }
  return {
    usersDefault: int(content.users_default, 0),
    eventsDefault,
    message: int(
      Object.hasOwn(events, 'm.room.message') ? events['m.room.message'] : undefined,
      eventsDefault,
    ),
    redact: int(content.redact, 50),
    users,
  };
}

export function levelOf(levels: PowerLevels | undefined, userId: string): number {
  if (!levels) return 0;
  return levels.users.get(userId) ?? levels.usersDefault;
}

export function memberFrom(event: RawEvent, levels: PowerLevels | undefined): Member | undefined {
  const userId = event.state_key;
  if (!isUserId(userId) || !isRecord(event.content)) return undefined;
  const { membership, displayname, avatar_url } = event.content;
  const member: Member = {
    userId,
    membership: typeof membership === 'string' ? membership : 'leave',
    powerLevel: levelOf(levels, userId),
  };
  if (typeof displayname === 'string' && displayname.trim()) member.displayName = displayname.slice(0, 255);
  if (typeof avatar_url === 'string') member.avatarUrl = avatar_url;
  return member;
}

/**
 * The notification setting the push rules express for a room, as Element writes them: an enabled
 * `override` rule for the room with no notify action → mute; an enabled `room` rule without a
 * notify action → mentions and keywords only; otherwise all messages.
 */
export function notificationModes(pushRules: Record<string, unknown>): Map<string, NotificationMode> {
  const modes = new Map<string, NotificationMode>();
  const global = isRecord(pushRules.global) ? pushRules.global : {};
  const silent = (rule: Record<string, unknown>) =>
    rule.enabled !== false && Array.isArray(rule.actions) && !rule.actions.includes('notify');
  for (const rule of Array.isArray(global.room) ? global.room : []) {
    if (isRecord(rule) && typeof rule.rule_id === 'string' && silent(rule))
      modes.set(rule.rule_id, 'mentions');
  }
  for (const rule of Array.isArray(global.override) ? global.override : []) {
    if (!isRecord(rule) || typeof rule.rule_id !== 'string' || !silent(rule)) continue;
    const conditions = Array.isArray(rule.conditions) ? rule.conditions : [];
    const forRoom = conditions.some(
      (c) => isRecord(c) && c.kind === 'event_match' && c.key === 'room_id' && c.pattern === rule.rule_id,
    );
    if (forRoom) modes.set(rule.rule_id, 'mute');
  }
  return modes;
}

import type { JoinedRoomSync, SyncResponse } from '../sync/SyncResponse.js';
import { applyLiveEvents, emptyTimeline } from '../timeline/index.js';
import type { RawEvent } from '../timeline/types.js';
import type { ChatState, Member, Receipt, RoomSummary } from './ChatState.js';
import { isEventId, isRecord, isRoomId, isUserId } from './ids.js';
import {
  applyStateToSummary,
  emptyRoom,
  explicitNameOf,
  levelOf,
  memberFrom,
  notificationModes,
  parsePowerLevels,
} from './roomStateReducers.js';

export interface ApplySyncOptions {
  userId: string;
  showMembership?: boolean;
}

/**
 * Folds one `/sync` response into the state, immutably: only rooms that changed get new objects.
 * Both transports deliver this shape, so the store does not know which one is in use.
 */
export function applySync(state: ChatState, response: SyncResponse, options: ApplySyncOptions): ChatState {
  const rooms = { ...state.rooms };
  const timelines = { ...state.timelines };
  const members = { ...state.members };
  const receipts = { ...state.receipts };
  const powerLevels = { ...state.powerLevels };
  const { userId } = options;

  for (const [roomId, sync] of Object.entries(response.rooms?.join ?? {})) {
    if (!isRoomId(roomId) || typeof sync !== 'object' || sync === null) continue;
    applyJoined(roomId, sync);
  }
  for (const [roomId, sync] of Object.entries(response.rooms?.invite ?? {})) {
    if (!isRoomId(roomId) || typeof sync !== 'object' || sync === null) continue;
    let room: RoomSummary = { ...(rooms[roomId] ?? emptyRoom(roomId)), membership: 'invite' };
    for (const event of sync.invite_state?.events ?? []) {
      if (isRecord(event))
        room = applyStateToSummary(room, { ...event, event_id: '', origin_server_ts: 0 } as RawEvent);
    }
    rooms[roomId] = withName(room, members[roomId], userId);
  }
  for (const [roomId, sync] of Object.entries(response.rooms?.leave ?? {})) {
    if (!isRoomId(roomId) || typeof sync !== 'object' || sync === null) continue;
    const own = [...(sync.state?.events ?? []), ...(sync.timeline?.events ?? [])]
      .filter((event) => event?.type === 'm.room.member' && event.state_key === userId)
      .at(-1);
    const membership = own?.content?.membership === 'ban' ? 'ban' : 'leave';
    if (rooms[roomId]) rooms[roomId] = { ...rooms[roomId], membership, typing: [] };
  }

  const accountData = response.account_data?.events ?? [];
  const direct = accountData.findLast((event) => event?.type === 'm.direct');
  if (direct && isRecord(direct.content)) {
    for (const [otherUser, roomIds] of Object.entries(direct.content)) {
      if (!isUserId(otherUser) || !Array.isArray(roomIds)) continue;
      for (const roomId of roomIds) {
        const room = isRoomId(roomId) ? rooms[roomId] : undefined;
        if (room && room.kind !== 'group' && room.kind !== 'event') {
          rooms[room.roomId] = withName(
            { ...room, kind: 'dm', dmUserId: otherUser },
            members[room.roomId],
            userId,
          );
        }
      }
    }
  }
  const pushRules = accountData.findLast((event) => event?.type === 'm.push_rules');
  if (pushRules && isRecord(pushRules.content)) {
    const modes = notificationModes(pushRules.content);
    for (const [roomId, room] of Object.entries(rooms)) {
      const mode = modes.get(roomId) ?? 'all';
      if (room.notification !== mode) rooms[roomId] = { ...room, notification: mode };
    }
  }

  return {
    ...state,
    rooms: sameOrNext(state.rooms, rooms),
    timelines: sameOrNext(state.timelines, timelines),
    members: sameOrNext(state.members, members),
    receipts: sameOrNext(state.receipts, receipts),
    powerLevels: sameOrNext(state.powerLevels, powerLevels),
  };

  function applyJoined(roomId: string, sync: JoinedRoomSync): void {
    let room: RoomSummary = { ...(rooms[roomId] ?? emptyRoom(roomId)), membership: 'join' };
    const timelineEvents = (sync.timeline?.events ?? []).filter(isRawEvent);
    const stateEvents = [
      ...(sync.state?.events ?? []).filter(isRawEvent),
      ...timelineEvents.filter((event) => typeof event.state_key === 'string'),
    ];

    let roomMembers: Record<string, Member> | undefined;
    for (const event of stateEvents) {
      if (event.type === 'm.room.power_levels' && event.state_key === '' && isRecord(event.content)) {
        const levels = parsePowerLevels(event.content);
        powerLevels[roomId] = levels;
        roomMembers ??= { ...members[roomId] };
        for (const member of Object.values(roomMembers)) {
          roomMembers[member.userId] = { ...member, powerLevel: levelOf(levels, member.userId) };
        }
      } else if (event.type === 'm.room.member') {
        const member = memberFrom(event, powerLevels[roomId]);
        if (member) {
          roomMembers ??= { ...members[roomId] };
          roomMembers[member.userId] = member;
        }
      } else {
        room = applyStateToSummary(room, event);
      }
    }
    if (roomMembers) members[roomId] = roomMembers;
    const levels = powerLevels[roomId];
    room.readOnly = levels ? levelOf(levels, userId) < levels.message : false;

    if (sync.timeline) {
      const before = timelines[roomId] ?? emptyTimeline();
      timelines[roomId] = applyLiveEvents(
        before,
        timelineEvents,
        {
          limited: sync.timeline.limited === true,
          ...(typeof sync.timeline.prev_batch === 'string' ? { prevBatch: sync.timeline.prev_batch } : {}),
        },
        { userId, showMembership: options.showMembership ?? false },
      );
      const newest = timelineEvents.reduce((ts, event) => Math.max(ts, event.origin_server_ts), 0);
      if (newest > room.lastActivityTs) room.lastActivityTs = newest;
    }

    for (const event of sync.ephemeral?.events ?? []) {
      if (!isRecord(event) || !isRecord(event.content)) continue;
      if (event.type === 'm.typing') {
        const ids = Array.isArray(event.content.user_ids) ? event.content.user_ids : [];
        room.typing = ids.filter((id): id is string => isUserId(id) && id !== userId);
      } else if (event.type === 'm.receipt') {
        receipts[roomId] = applyReceipts(receipts[roomId], event.content);
      }
    }
    for (const event of sync.account_data?.events ?? []) {
      if (event?.type === 'm.fully_read' && isRecord(event.content) && isEventId(event.content.event_id)) {
        room.fullyReadEventId = event.content.event_id;
      }
    }
    const counts = sync.unread_notifications;
    if (counts) {
      room.unread = nonNegative(counts.notification_count);
      room.mentions = nonNegative(counts.highlight_count);
    }
    const heroes = sync.summary?.['m.heroes'];
    if (Array.isArray(heroes))
      (room as RoomSummary & { heroes?: string[] }).heroes = heroes.filter(isUserId).slice(0, 5);
    rooms[roomId] = withName(room, members[roomId], userId);
  }
}

/** `{ $event: { 'm.read': { @user: { ts } } } }` → each user's newest receipt (public and private alike). */
function applyReceipts(
  current: Readonly<Record<string, Receipt>> | undefined,
  content: Record<string, unknown>,
): Readonly<Record<string, Receipt>> {
  const next: Record<string, Receipt> = { ...current };
  for (const [eventId, byType] of Object.entries(content)) {
    if (!isEventId(eventId) || !isRecord(byType)) continue;
    for (const type of ['m.read', 'm.read.private']) {
      const byUser = byType[type];
      if (!isRecord(byUser)) continue;
      for (const [userId, receipt] of Object.entries(byUser)) {
        if (!isUserId(userId) || !isRecord(receipt)) continue;
        // Thread receipts do not move the main timeline's read position.
        if (typeof receipt.thread_id === 'string' && receipt.thread_id !== 'main') continue;
        const ts = typeof receipt.ts === 'number' ? receipt.ts : 0;
        const known = next[userId];
        if (!known || ts >= known.ts) next[userId] = { eventId, ts };
      }
    }
  }
  return next;
}

function withName(
  room: RoomSummary,
  members: Readonly<Record<string, Member>> | undefined,
  userId: string,
): RoomSummary {
  const explicit = explicitNameOf(room);
  const nameOf = (id: string) => members?.[id]?.displayName ?? id;
  let name = explicit;
  if (!name && room.dmUserId) name = nameOf(room.dmUserId);
  if (!name) {
    const heroes = ((room as RoomSummary & { heroes?: string[] }).heroes ?? []).filter((id) => id !== userId);
    if (heroes.length > 0) name = heroes.map(nameOf).join(', ');
  }
  name ??= room.roomId;
  return room.name === name ? room : { ...room, name };
}

/** The previous record when no entry changed, so selectors memoised on it (the room list) skip work. */
function sameOrNext<T>(
  before: Readonly<Record<string, T>>,
  next: Record<string, T>,
): Readonly<Record<string, T>> {
  const keys = Object.keys(next);
  const same = keys.length === Object.keys(before).length && keys.every((key) => before[key] === next[key]);
  return same ? before : next;
}

function isRawEvent(value: unknown): value is RawEvent {
  return (
    isRecord(value) &&
    typeof value.type === 'string' &&
    typeof value.event_id === 'string' &&
    typeof value.sender === 'string' &&
    typeof value.origin_server_ts === 'number'
  );
}

function nonNegative(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** Member events from outside a sync (the lazy-loaded `state` of a `/messages` answer). */
export function applyMemberEvents(state: ChatState, roomId: string, events: readonly unknown[]): ChatState {
  let roomMembers: Record<string, Member> | undefined;
  for (const event of events) {
    if (!isRawEvent(event) || event.type !== 'm.room.member') continue;
    const member = memberFrom(event, state.powerLevels[roomId]);
    if (!member) continue;
    roomMembers ??= { ...state.members[roomId] };
    roomMembers[member.userId] = member;
  }
  return roomMembers ? { ...state, members: { ...state.members, [roomId]: roomMembers } } : state;
}

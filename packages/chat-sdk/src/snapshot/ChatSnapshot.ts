import type { ChatState } from '../store/ChatState.js';
import { isRecord, LOCAL_ECHO_MARK } from '../timeline/readEvent.js';
import type { RawEvent, RoomTimeline, TimelineItem } from '../timeline/types.js';

/** Bumped whenever the shape of `ChatState` kept here changes: an older snapshot is then ignored. */
export const SNAPSHOT_VERSION = 1;

/**
 * What the client keeps of a session for the next page open, so a returning user sees their rooms
 * and recent messages before the first sync answers (which then replaces all of it). Only what the
 * server confirmed: no local echoes, no gaps.
 */
export interface ChatSnapshot {
  version: number;
  /** Whose it is: it is shown only once the broker says the same user is signed in. */
  userId: string;
  savedAt: number;
  rooms: ChatState['rooms'];
  timelines: ChatState['timelines'];
  members: ChatState['members'];
  receipts: ChatState['receipts'];
  powerLevels: ChatState['powerLevels'];
  /** `openEntityRoom` answers: entity key → room id. */
  entityRooms: Record<string, string>;
}

/** Newest items kept per room: what a room shows when it opens. */
export const SNAPSHOT_ITEMS_PER_ROOM = 30;

export function snapshotOf(
  state: ChatState,
  entityRooms: ReadonlyMap<string, string>,
  now: number,
): ChatSnapshot | undefined {
  if (state.userId === undefined) return undefined;
  const timelines: Record<string, RoomTimeline> = {};
  for (const [roomId, timeline] of Object.entries(state.timelines)) {
    timelines[roomId] = keptTimeline(timeline);
  }
  return {
    version: SNAPSHOT_VERSION,
    userId: state.userId,
    savedAt: now,
    rooms: state.rooms,
    timelines,
    members: state.members,
    receipts: state.receipts,
    powerLevels: state.powerLevels,
    entityRooms: Object.fromEntries(entityRooms),
  };
}

/** The parts of a stored snapshot the store takes, or undefined when it is not one of this user's. */
export function restorable(snapshot: unknown, userId: string): ChatSnapshot | undefined {
  if (!isRecord(snapshot) || snapshot.version !== SNAPSHOT_VERSION || snapshot.userId !== userId)
    return undefined;
  for (const part of ['rooms', 'timelines', 'members', 'receipts', 'powerLevels', 'entityRooms']) {
    if (!isRecord(snapshot[part])) return undefined;
  }
  return snapshot as unknown as ChatSnapshot;
}

function keptTimeline(timeline: RoomTimeline): RoomTimeline {
  const confirmed = timeline.items.filter(isConfirmed);
  const items = confirmed.slice(-SNAPSHOT_ITEMS_PER_ROOM);
  const relations = new Map<string, readonly RawEvent[]>();
  for (const [target, events] of timeline.relations) {
    const kept = events.filter((event) => event.event_id !== '' && !isLocalEcho(event));
    if (kept.length > 0) relations.set(target, kept);
  }
  // A back token belongs to the oldest item loaded; once older items are dropped it would skip
  // them, so a kept timeline cannot page back: the first sync brings a fresh token.
  const complete = items.length === timeline.items.length && timeline.backToken === null;
  return { items, backToken: complete ? null : undefined, paginating: false, relations };
}

function isConfirmed(item: TimelineItem): boolean {
  if (item.kind === 'gap') return false;
  if (item.kind === 'message') return item.eventId !== undefined && (item.sendState ?? 'sent') === 'sent';
  return true;
}

function isLocalEcho(event: RawEvent): boolean {
  return (event.unsigned as Record<string, unknown> | undefined)?.[LOCAL_ECHO_MARK] === true;
}

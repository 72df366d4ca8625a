import { emptyTimeline } from '../timeline/index.js';
import type { RoomTimeline } from '../timeline/types.js';
import type { ChatState, ConnectionState, Member, RoomSummary } from './ChatState.js';

/**
 * Selectors return the same object while the data they read is unchanged, so
 * `useSyncExternalStore` and memoised components skip renders.
 */
const EMPTY_TIMELINE: RoomTimeline = emptyTimeline();
const UNSET = Symbol('unset');
const NONE: readonly never[] = Object.freeze([]);

export const selectConnection = (state: ChatState): ConnectionState => state.connection;

export const selectRoom =
  (roomId: string) =>
  (state: ChatState): RoomSummary | undefined =>
    state.rooms[roomId];

export const selectTimeline =
  (roomId: string) =>
  (state: ChatState): RoomTimeline =>
    state.timelines[roomId] ?? EMPTY_TIMELINE;

export const selectTypingUsers =
  (roomId: string) =>
  (state: ChatState): readonly string[] =>
    state.rooms[roomId]?.typing ?? NONE;

export const selectMember =
  (roomId: string, userId: string) =>
  (state: ChatState): Member | undefined =>
    state.members[roomId]?.[userId];

/** Joined and invited rooms, most recent activity first (invites on top). */
export const selectRoomList = memoizeOn(
  (state: ChatState) => state.rooms,
  (rooms): readonly RoomSummary[] =>
    Object.values(rooms)
      .filter((room) => room.membership === 'join' || room.membership === 'invite')
      .sort(
        (a, b) =>
          Number(b.membership === 'invite') - Number(a.membership === 'invite') ||
          b.lastActivityTs - a.lastActivityTs ||
          a.roomId.localeCompare(b.roomId),
      ),
);

/** Unread notifying messages across joined rooms, muted rooms left out. */
export const selectUnreadTotal = (state: ChatState): number => {
  let total = 0;
  for (const room of Object.values(state.rooms)) {
    if (room.membership === 'join' && room.notification !== 'mute') total += room.unread;
  }
  return total;
};

/**
 * Users whose newest read receipt in the room is at `eventId` (this user excluded): where
 * avatars go under a message.
 */
export function selectReadReceipts(roomId: string, eventId: string) {
  const byEvent = memoizeOn(
    (state: ChatState) => state.receipts[roomId],
    (receipts) => {
      const map = new Map<string, string[]>();
      for (const [userId, receipt] of Object.entries(receipts ?? {})) {
        const users = map.get(receipt.eventId) ?? [];
        users.push(userId);
        map.set(receipt.eventId, users);
      }
      return map;
    },
  );
  let last: readonly string[] = NONE;
  return (state: ChatState): readonly string[] => {
    const users = (byEvent(state).get(eventId) ?? NONE).filter((id) => id !== state.userId);
    if (users.length === last.length && users.every((id, i) => id === last[i])) return last;
    last = users.length === 0 ? NONE : users;
    return last;
  };
}

function memoizeOn<I, O>(input: (state: ChatState) => I, compute: (value: I) => O): (state: ChatState) => O {
  let lastInput: I | typeof UNSET = UNSET;
  let lastOutput: O;
  return (state) => {
    const value = input(state);
    if (value !== lastInput) {
      lastInput = value;
      lastOutput = compute(value);
    }
    return lastOutput;
  };
}

import { describe, expect, it } from 'vitest';
import { applySync } from '../../src/store/applySync.js';
import { type ChatState, initialChatState, type RoomSummary } from '../../src/store/ChatState.js';
import { emptyRoom } from '../../src/store/roomStateReducers.js';
import {
  selectMember,
  selectReadReceipts,
  selectRoomList,
  selectTimeline,
  selectTypingUsers,
  selectUnreadTotal,
} from '../../src/store/selectors.js';
import type { SyncResponse } from '../../src/sync/SyncResponse.js';

const ME = '@me:example.org';
const ALICE = '@alice:example.org';
const BOB = '@bob:example.org';
const ROOM = '!room:example.org';

function room(roomId: string, fields: Partial<RoomSummary>): RoomSummary {
  return { ...emptyRoom(roomId), ...fields };
}

function withRooms(...rooms: RoomSummary[]): ChatState {
  return { ...initialChatState(), userId: ME, rooms: Object.fromEntries(rooms.map((r) => [r.roomId, r])) };
}

const sync = (next_batch: string, rest: Omit<SyncResponse, 'next_batch'> = {}): SyncResponse => ({
  next_batch,
  ...rest,
});

describe('selectRoomList', () => {
  it('lists invites first, then joined rooms by latest activity, leaving left rooms out', () => {
    const state = withRooms(
      room('!old:x', { lastActivityTs: 10 }),
      room('!new:x', { lastActivityTs: 30 }),
      room('!invite:x', { membership: 'invite', lastActivityTs: 1 }),
      room('!left:x', { membership: 'leave', lastActivityTs: 99 }),
      room('!banned:x', { membership: 'ban', lastActivityTs: 98 }),
      room('!b-tie:x', { lastActivityTs: 20 }),
      room('!a-tie:x', { lastActivityTs: 20 }),
    );
    expect(selectRoomList(state).map((r) => r.roomId)).toEqual([
      '!invite:x',
      '!new:x',
      '!a-tie:x',
      '!b-tie:x',
      '!old:x',
    ]);
  });

  it('returns the same array while the rooms are unchanged', () => {
    const state = withRooms(room('!a:x', { lastActivityTs: 1 }));
    const list = selectRoomList(state);
    expect(selectRoomList({ ...state, userId: ME })).toBe(list);
    const changed = selectRoomList({ ...state, rooms: { ...state.rooms, '!b:x': room('!b:x', {}) } });
    expect(changed).not.toBe(list);
    expect(changed).toHaveLength(2);
  });

  it('returns the same array after a sync that changed nothing', () => {
    const options = { userId: ME };
    const first = applySync(initialChatState(), sync('s1', { rooms: { join: { [ROOM]: {} } } }), options);
    const list = selectRoomList(first);
    const second = applySync(first, sync('s2'), options);
    expect(selectRoomList(second)).toBe(list);
  });
});

describe('selectReadReceipts', () => {
  const receipts = (byUser: Record<string, string>): ChatState['receipts'] => ({
    [ROOM]: Object.fromEntries(Object.entries(byUser).map(([user, eventId]) => [user, { eventId, ts: 1 }])),
  });

  it('lists the users whose newest receipt is at the event, this user excluded', () => {
    const select = selectReadReceipts(ROOM, '$a');
    const state = {
      ...initialChatState(),
      userId: ME,
      receipts: receipts({ [ALICE]: '$a', [ME]: '$a', [BOB]: '$b' }),
    };
    expect(select(state)).toEqual([ALICE]);
    expect(selectReadReceipts(ROOM, '$b')(state)).toEqual([BOB]);
    expect(selectReadReceipts(ROOM, '$none')(state)).toEqual([]);
    expect(selectReadReceipts('!other:x', '$a')(state)).toEqual([]);
  });

  it('keeps its answer identical while it is unchanged', () => {
    const select = selectReadReceipts(ROOM, '$a');
    const state = { ...initialChatState(), userId: ME, receipts: receipts({ [ALICE]: '$a', [BOB]: '$b' }) };
    const first = select(state);
    // Bob moves on elsewhere: who is at $a did not change.
    const second = select({ ...state, receipts: receipts({ [ALICE]: '$a', [BOB]: '$c' }) });
    expect(second).toBe(first);
    const third = select({ ...state, receipts: receipts({ [ALICE]: '$a', [BOB]: '$a' }) });
    expect(third).toEqual([ALICE, BOB]);
    expect(third).not.toBe(first);
    const empty = select({ ...state, receipts: {} });
    expect(empty).toEqual([]);
    expect(select({ ...state, receipts: receipts({ [ME]: '$a' }) })).toBe(empty);
  });
});

describe('other selectors', () => {
  it('sums unread over joined rooms that are not muted', () => {
    const state = withRooms(
      room('!a:x', { unread: 2 }),
      room('!b:x', { unread: 3, notification: 'mentions' }),
      room('!muted:x', { unread: 7, notification: 'mute' }),
      room('!invite:x', { unread: 5, membership: 'invite' }),
    );
    expect(selectUnreadTotal(state)).toBe(5);
  });

  it('answers stable empty values for unknown rooms', () => {
    const state = initialChatState();
    expect(selectTimeline('!nope:x')(state)).toBe(selectTimeline('!other:x')(state));
    expect(selectTypingUsers('!nope:x')(state)).toBe(selectTypingUsers('!other:x')(state));
    expect(selectTypingUsers('!nope:x')(state)).toEqual([]);
    expect(selectMember('!nope:x', ALICE)(state)).toBeUndefined();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { applySync } from '../../src/store/applySync.js';
import { type ChatState, initialChatState } from '../../src/store/ChatState.js';
import type { JoinedRoomSync, SyncResponse } from '../../src/sync/SyncResponse.js';
import type { RawEvent } from '../../src/timeline/types.js';

const ME = '@me:example.org';
const ALICE = '@alice:example.org';
const BOB = '@bob:example.org';
const ROOM = '!room:example.org';
const DM = '!dm:example.org';

let ids = 0;
function state(type: string, stateKey: string, content: Record<string, unknown>, sender = ALICE): RawEvent {
  return { event_id: `$s${++ids}`, type, state_key: stateKey, sender, origin_server_ts: 100, content };
}
function message(id: string, ts: number, sender = ALICE): RawEvent {
  return {
    event_id: id,
    type: 'm.room.message',
    sender,
    origin_server_ts: ts,
    content: { msgtype: 'm.text', body: id },
  };
}
const member = (userId: string, content: Record<string, unknown> = {}) =>
  state('m.room.member', userId, { membership: 'join', ...content }, userId);

function sync(parts: Omit<SyncResponse, 'next_batch'>): SyncResponse {
  return { next_batch: `s${++ids}`, ...parts };
}
const joined = (rooms: Record<string, JoinedRoomSync>) => sync({ rooms: { join: rooms } });
const apply = (before: ChatState, response: SyncResponse) => applySync(before, response, { userId: ME });

const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
afterEach(() => {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeNames);
});

describe('applySync rooms', () => {
  it('adds joined rooms with name, topic, avatar, activity and unread counts', () => {
    const after = apply(
      initialChatState(),
      joined({
        [ROOM]: {
          state: {
            events: [
              state('m.room.name', '', { name: 'Hikers' }),
              state('m.room.topic', '', { topic: 'Trails' }),
              state('m.room.avatar', '', { url: 'mxc://example.org/a' }),
            ],
          },
          timeline: { events: [message('$1', 1000), message('$2', 2000)] },
          unread_notifications: { notification_count: 3, highlight_count: 1 },
        },
      }),
    );
    expect(after.rooms[ROOM]).toMatchObject({
      roomId: ROOM,
      membership: 'join',
      kind: 'other',
      name: 'Hikers',
      topic: 'Trails',
      avatarUrl: 'mxc://example.org/a',
      lastActivityTs: 2000,
      unread: 3,
      mentions: 1,
      notification: 'all',
      readOnly: false,
    });
    expect(after.timelines[ROOM]?.items.map((item) => item.key)).toEqual(['$1', '$2']);
  });

  it('ignores nonsense unread counts', () => {
    const after = apply(
      initialChatState(),
      joined({ [ROOM]: { unread_notifications: { notification_count: -4, highlight_count: Number.NaN } } }),
    );
    expect(after.rooms[ROOM]).toMatchObject({ unread: 0, mentions: 0 });
  });

  it('takes kind and entity from the org.openmeet.room state event', () => {
    const after = apply(
      initialChatState(),
      joined({
        '!g:example.org': {
          state: { events: [state('org.openmeet.room', '', { kind: 'group', entity: { id: 'g-42' } })] },
        },
        '!e:example.org': {
          state: { events: [state('org.openmeet.room', '', { kind: 'event', entity: { id: 'e-7' } })] },
        },
        '!x:example.org': { state: { events: [state('org.openmeet.room', '', { kind: 'mystery' })] } },
        '!k:example.org': {
          state: {
            events: [state('org.openmeet.room', 'not-empty', { kind: 'group', entity: { id: 'g' } })],
          },
        },
      }),
    );
    expect(after.rooms['!g:example.org']).toMatchObject({
      kind: 'group',
      entity: { kind: 'group', id: 'g-42' },
    });
    expect(after.rooms['!e:example.org']).toMatchObject({
      kind: 'event',
      entity: { kind: 'event', id: 'e-7' },
    });
    expect(after.rooms['!x:example.org']?.kind).toBe('other');
    expect(after.rooms['!x:example.org']?.entity).toBeUndefined();
    expect(after.rooms['!k:example.org']?.kind).toBe('other');
  });

  it('names a room from m.room.name, else its heroes, else its id', () => {
    const after = apply(
      initialChatState(),
      joined({
        '!heroes:example.org': {
          state: { events: [member(ALICE, { displayname: 'Alice' }), member(ME)] },
          summary: { 'm.heroes': [ALICE, BOB, ME] },
        },
        '!bare:example.org': {},
      }),
    );
    expect(after.rooms['!heroes:example.org']?.name).toBe(`Alice, ${BOB}`);
    expect(after.rooms['!bare:example.org']?.name).toBe('!bare:example.org');

    const renamed = apply(
      after,
      joined({ '!heroes:example.org': { state: { events: [state('m.room.name', '', { name: 'Crew' })] } } }),
    );
    expect(renamed.rooms['!heroes:example.org']?.name).toBe('Crew');
    const unnamed = apply(
      renamed,
      joined({ '!heroes:example.org': { state: { events: [state('m.room.name', '', { name: '' })] } } }),
    );
    expect(unnamed.rooms['!heroes:example.org']?.name).toBe(`Alice, ${BOB}`);
  });

  it('lists invites from their stripped state, and marks rooms left or banned', () => {
    const invited = apply(
      initialChatState(),
      sync({
        rooms: {
          invite: {
            [ROOM]: {
              invite_state: {
                events: [
                  { type: 'm.room.name', state_key: '', sender: ALICE, content: { name: 'Secret' } },
                  { type: 'm.room.member', state_key: ME, sender: ALICE, content: { membership: 'invite' } },
                ],
              },
            },
          },
        },
      }),
    );
    expect(invited.rooms[ROOM]).toMatchObject({ membership: 'invite', name: 'Secret' });

    const withTyping = apply(invited, joined({ [ROOM]: { ephemeral: { events: [typing([ALICE])] } } }));
    expect(withTyping.rooms[ROOM]).toMatchObject({ membership: 'join', typing: [ALICE] });

    const left = apply(withTyping, sync({ rooms: { leave: { [ROOM]: {} } } }));
    expect(left.rooms[ROOM]).toMatchObject({ membership: 'leave', typing: [] });

    const banned = apply(
      withTyping,
      sync({
        rooms: {
          leave: { [ROOM]: { timeline: { events: [state('m.room.member', ME, { membership: 'ban' })] } } },
        },
      }),
    );
    expect(banned.rooms[ROOM]?.membership).toBe('ban');

    const unknown = apply(initialChatState(), sync({ rooms: { leave: { [ROOM]: {} } } }));
    expect(unknown.rooms[ROOM]).toBeUndefined();
  });

  it('keeps unchanged rooms, timelines and members identical across an empty sync', () => {
    const before = apply(
      initialChatState(),
      joined({
        [ROOM]: { state: { events: [member(ALICE)] }, timeline: { events: [message('$1', 1)] } },
        [DM]: {},
      }),
    );
    const after = apply(before, sync({}));
    expect(after.rooms).toBe(before.rooms);
    expect(after.timelines).toBe(before.timelines);
    expect(after.rooms[ROOM]).toBe(before.rooms[ROOM]);
    expect(after.rooms[DM]).toBe(before.rooms[DM]);
    expect(after.timelines[ROOM]).toBe(before.timelines[ROOM]);
    expect(after.members[ROOM]).toBe(before.members[ROOM]);

    const other = apply(before, joined({ [DM]: { timeline: { events: [message('$2', 2)] } } }));
    expect(other.rooms[ROOM]).toBe(before.rooms[ROOM]);
    expect(other.rooms[DM]).not.toBe(before.rooms[DM]);
  });
});

function typing(userIds: unknown[]) {
  return { type: 'm.typing', content: { user_ids: userIds } };
}

describe('applySync direct messages', () => {
  it('marks m.direct rooms as DMs named after the partner', () => {
    const before = apply(
      initialChatState(),
      joined({ [DM]: { state: { events: [member(ME), member(BOB, { displayname: 'Bob B.' })] } } }),
    );
    const after = apply(
      before,
      sync({
        account_data: { events: [{ type: 'm.direct', content: { [BOB]: [DM, '!unknown:example.org'] } }] },
      }),
    );
    expect(after.rooms[DM]).toMatchObject({ kind: 'dm', dmUserId: BOB, name: 'Bob B.' });
    expect(after.rooms['!unknown:example.org']).toBeUndefined();
  });

  it('uses the partner id when the partner has no display name, and an explicit name over both', () => {
    const before = apply(
      initialChatState(),
      joined({ [DM]: {}, [ROOM]: { state: { events: [state('m.room.name', '', { name: 'Named' })] } } }),
    );
    const after = apply(
      before,
      sync({ account_data: { events: [{ type: 'm.direct', content: { [BOB]: [DM], [ALICE]: [ROOM] } }] } }),
    );
    expect(after.rooms[DM]?.name).toBe(BOB);
    expect(after.rooms[ROOM]).toMatchObject({ kind: 'dm', name: 'Named' });
  });

  it('never turns a group or event room into a DM', () => {
    const before = apply(
      initialChatState(),
      joined({
        [ROOM]: {
          state: { events: [state('org.openmeet.room', '', { kind: 'group', entity: { id: 'g' } })] },
        },
      }),
    );
    const after = apply(
      before,
      sync({ account_data: { events: [{ type: 'm.direct', content: { [BOB]: [ROOM] } }] } }),
    );
    expect(after.rooms[ROOM]?.kind).toBe('group');
    expect(after.rooms[ROOM]?.dmUserId).toBeUndefined();
  });
});

describe('applySync ephemeral and account data', () => {
  it('lists typing users without this user, and clears them', () => {
    const typingNow = apply(
      initialChatState(),
      joined({ [ROOM]: { ephemeral: { events: [typing([ALICE, ME, 'not-a-user', 42, BOB])] } } }),
    );
    expect(typingNow.rooms[ROOM]?.typing).toEqual([ALICE, BOB]);
    const stopped = apply(typingNow, joined({ [ROOM]: { ephemeral: { events: [typing([])] } } }));
    expect(stopped.rooms[ROOM]?.typing).toEqual([]);
    const untouched = apply(typingNow, joined({ [ROOM]: { timeline: { events: [message('$x', 5)] } } }));
    expect(untouched.rooms[ROOM]?.typing).toEqual([ALICE, BOB]);
  });

  it("keeps each user's newest receipt, public or private, and ignores thread receipts", () => {
    const receipt = (content: Record<string, unknown>) => ({
      [ROOM]: { ephemeral: { events: [{ type: 'm.receipt', content }] } },
    });
    let s = apply(
      initialChatState(),
      joined(
        receipt({
          $a: { 'm.read': { [ALICE]: { ts: 10 }, [BOB]: { ts: 10 } } },
          $b: { 'm.read.private': { [ME]: { ts: 20 } } },
        }),
      ),
    );
    expect(s.receipts[ROOM]).toEqual({
      [ALICE]: { eventId: '$a', ts: 10 },
      [BOB]: { eventId: '$a', ts: 10 },
      [ME]: { eventId: '$b', ts: 20 },
    });

    s = apply(
      s,
      joined(
        receipt({
          $c: { 'm.read': { [ALICE]: { ts: 30 }, [BOB]: { ts: 40, thread_id: '$thread' } } },
          $old: { 'm.read': { [ME]: { ts: 5 } } },
          $main: { 'm.read': { [BOB]: { ts: 35, thread_id: 'main' } } },
        }),
      ),
    );
    expect(s.receipts[ROOM]).toEqual({
      [ALICE]: { eventId: '$c', ts: 30 },
      [BOB]: { eventId: '$main', ts: 35 },
      [ME]: { eventId: '$b', ts: 20 },
    });
  });

  it('records the fully-read marker', () => {
    const after = apply(
      initialChatState(),
      joined({
        [ROOM]: { account_data: { events: [{ type: 'm.fully_read', content: { event_id: '$read' } }] } },
      }),
    );
    expect(after.rooms[ROOM]?.fullyReadEventId).toBe('$read');
    const ignored = apply(
      after,
      joined({
        [ROOM]: { account_data: { events: [{ type: 'm.fully_read', content: { event_id: 'nope' } }] } },
      }),
    );
    expect(ignored.rooms[ROOM]?.fullyReadEventId).toBe('$read');
  });

  it('derives notification modes from push rules and resets them when the rule goes', () => {
    const before = apply(initialChatState(), joined({ [ROOM]: {}, [DM]: {}, '!loud:example.org': {} }));
    const rules = (global: Record<string, unknown>) =>
      sync({ account_data: { events: [{ type: 'm.push_rules', content: { global } }] } });
    const after = apply(
      before,
      rules({
        override: [
          {
            rule_id: ROOM,
            enabled: true,
            actions: ['dont_notify'],
            conditions: [{ kind: 'event_match', key: 'room_id', pattern: ROOM }],
          },
          // Not scoped to its room: not a mute.
          { rule_id: '!loud:example.org', enabled: true, actions: [], conditions: [] },
        ],
        room: [
          { rule_id: DM, enabled: true, actions: ['dont_notify'] },
          { rule_id: '!loud:example.org', enabled: false, actions: [] },
        ],
      }),
    );
    expect(after.rooms[ROOM]?.notification).toBe('mute');
    expect(after.rooms[DM]?.notification).toBe('mentions');
    expect(after.rooms['!loud:example.org']?.notification).toBe('all');
    expect(after.rooms['!loud:example.org']).toBe(before.rooms['!loud:example.org']);

    const reset = apply(after, rules({ override: [], room: [] }));
    expect(reset.rooms[ROOM]?.notification).toBe('all');
    expect(reset.rooms[DM]?.notification).toBe('all');
  });
});

describe('applySync power levels', () => {
  const levels = (content: Record<string, unknown>) => state('m.room.power_levels', '', content);

  it("sets readOnly and members' power levels, in either order of arrival", () => {
    const after = apply(
      initialChatState(),
      joined({
        [ROOM]: {
          state: {
            events: [
              member(ALICE),
              levels({ users: { [ALICE]: 100 }, users_default: 0, events: { 'm.room.message': 50 } }),
              member(BOB),
              member(ME),
            ],
          },
        },
      }),
    );
    expect(after.rooms[ROOM]?.readOnly).toBe(true);
    expect(after.members[ROOM]?.[ALICE]?.powerLevel).toBe(100);
    expect(after.members[ROOM]?.[BOB]?.powerLevel).toBe(0);
    expect(after.powerLevels[ROOM]?.message).toBe(50);

    const promoted = apply(
      after,
      joined({
        [ROOM]: { state: { events: [levels({ users: { [ME]: 50 }, events: { 'm.room.message': 50 } })] } },
      }),
    );
    expect(promoted.rooms[ROOM]?.readOnly).toBe(false);
    expect(promoted.members[ROOM]?.[ME]?.powerLevel).toBe(50);
    expect(promoted.members[ROOM]?.[ALICE]?.powerLevel).toBe(0);
  });

  it('falls back to events_default when m.room.message has no level of its own', () => {
    const after = apply(
      initialChatState(),
      joined({ [ROOM]: { state: { events: [levels({ events_default: 10, users_default: 0 })] } } }),
    );
    expect(after.rooms[ROOM]?.readOnly).toBe(true);
    expect(after.powerLevels[ROOM]).toMatchObject({ eventsDefault: 10, message: 10, redact: 50 });
  });

  it('keeps member display names and avatars from member events', () => {
    const after = apply(
      initialChatState(),
      joined({
        [ROOM]: {
          timeline: {
            events: [
              member(ALICE, { displayname: 'Alice', avatar_url: 'mxc://example.org/alice' }),
              member(BOB, { displayname: '   ' }),
            ],
          },
        },
      }),
    );
    expect(after.members[ROOM]?.[ALICE]).toEqual({
      userId: ALICE,
      displayName: 'Alice',
      avatarUrl: 'mxc://example.org/alice',
      membership: 'join',
      powerLevel: 0,
    });
    expect(after.members[ROOM]?.[BOB]?.displayName).toBeUndefined();
  });
});

describe('applySync hostile keys', () => {
  const hostile = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

  it('ignores room ids that are not room ids', () => {
    const rooms = JSON.parse(
      JSON.stringify({ join: Object.fromEntries(hostile.map((key) => [key, { summary: {} }])) }),
    ) as SyncResponse['rooms'];
    const invite = JSON.parse('{"__proto__": {"invite_state": {"events": []}}, "constructor": {}}');
    const leave = JSON.parse('{"__proto__": {}, "constructor": {}}');
    const after = apply(initialChatState(), sync({ rooms: { ...rooms, invite, leave } }));
    expect(Object.keys(after.rooms)).toEqual([]);
    expect(Object.keys(after.timelines)).toEqual([]);
    expect(Object.getPrototypeOf(after.rooms)).toBe(Object.prototype);
  });

  it('ignores hostile user ids, event ids, receipt keys and m.direct keys', () => {
    // JSON.parse makes __proto__ an own key, as a homeserver's response would.
    const receiptContent = JSON.parse(
      `{"__proto__": {"m.read": {"${ALICE}": {"ts": 1}}}, "constructor": {"m.read": {"${ALICE}": {"ts": 1}}}, "$ok": {"m.read": {"__proto__": {"ts": 5}, "constructor": {"ts": 5}, "${BOB}": {"ts": 5}}}}`,
    );
    const direct = JSON.parse(
      `{"__proto__": ["${ROOM}"], "constructor": ["${ROOM}"], "polluted": ["${ROOM}"]}`,
    );
    const members = [
      state('m.room.member', '__proto__', { membership: 'join', displayname: 'x' }),
      state('m.room.member', 'constructor', { membership: 'join' }),
      state('m.room.power_levels', '', { users: JSON.parse('{"__proto__": 100, "constructor": 100}') }),
    ];
    const after = apply(
      initialChatState(),
      sync({
        rooms: {
          join: {
            [ROOM]: {
              state: { events: members },
              ephemeral: {
                events: [
                  { type: 'm.receipt', content: receiptContent },
                  { type: 'm.typing', content: { user_ids: ['__proto__', 'constructor'] } },
                ],
              },
              account_data: { events: [{ type: 'm.fully_read', content: { event_id: '__proto__' } }] },
              summary: { 'm.heroes': ['__proto__', 'constructor'] },
            },
          },
        },
        account_data: { events: [{ type: 'm.direct', content: direct }] },
      }),
    );
    expect(after.receipts[ROOM]).toEqual({ [BOB]: { eventId: '$ok', ts: 5 } });
    expect(Reflect.ownKeys(after.members[ROOM] ?? {})).toEqual([]);
    expect(Object.getPrototypeOf(after.members[ROOM])).toBe(Object.prototype);
    expect(Object.getPrototypeOf(after.receipts[ROOM])).toBe(Object.prototype);
    expect(after.rooms[ROOM]).toMatchObject({ kind: 'other', typing: [], name: ROOM });
    expect(after.rooms[ROOM]?.dmUserId).toBeUndefined();
    expect(after.rooms[ROOM]?.fullyReadEventId).toBeUndefined();
    expect([...(after.powerLevels[ROOM]?.users.keys() ?? [])]).toEqual([]);
  });

  it('survives malformed sections without throwing', () => {
    const garbage = JSON.parse(
      `{"next_batch": "s", "rooms": {"join": {"${ROOM}": {"timeline": {"events": [null, 1, {"type": 5}]}, "state": {"events": [null]}, "ephemeral": {"events": [null, {"type": "m.typing", "content": null}]}}, "!b:x": null}, "invite": {"!c:x": null}}, "account_data": {"events": [null, {"type": "m.direct", "content": []}, {"type": "m.push_rules", "content": {"global": {"room": [null], "override": [null]}}}]}}`,
    ) as SyncResponse;
    const after = apply(initialChatState(), garbage);
    expect(Object.keys(after.rooms)).toEqual([ROOM]);
  });
});

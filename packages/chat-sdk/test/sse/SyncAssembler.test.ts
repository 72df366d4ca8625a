import { describe, expect, it } from 'vitest';
import { BATCH_EVENT, ROOM_EVENT, SyncAssembler } from '../../src/transport/sse/SyncAssembler.js';

const message = (id: string) => ({
  event_id: id,
  type: 'm.room.message',
  sender: '@bob:hs',
  origin_server_ts: 1,
  content: { body: id },
});

describe('SyncAssembler', () => {
  it('rebuilds the /sync shape from the flattened stream and closes it with the batch event', () => {
    const assembler = new SyncAssembler();
    const pushes: Array<[string, unknown]> = [
      [
        ROOM_EVENT,
        {
          room_id: '!r:hs',
          membership: 'join',
          limited: true,
          prev_batch: 'p1',
          unread_notifications: { notification_count: 2 },
        },
      ],
      [
        'm.room.name',
        {
          room_id: '!r:hs',
          membership: 'join',
          section: 'state',
          event: { type: 'm.room.name', state_key: '', content: { name: 'R' } },
        },
      ],
      ['m.room.message', { room_id: '!r:hs', membership: 'join', section: 'timeline', event: message('$1') }],
      ['m.room.message', { room_id: '!r:hs', membership: 'join', section: 'timeline', event: message('$2') }],
      [
        'm.typing',
        {
          room_id: '!r:hs',
          membership: 'join',
          section: 'ephemeral',
          event: { type: 'm.typing', content: { user_ids: [] } },
        },
      ],
      [ROOM_EVENT, { room_id: '!i:hs', membership: 'invite' }],
      [
        'm.room.member',
        {
          room_id: '!i:hs',
          membership: 'invite',
          section: 'invite_state',
          event: {
            type: 'm.room.member',
            state_key: '@me:hs',
            sender: '@bob:hs',
            content: { membership: 'invite' },
          },
        },
      ],
      [
        'm.direct',
        { section: 'account_data', event: { type: 'm.direct', content: { '@bob:hs': ['!r:hs'] } } },
      ],
    ];
    for (const [event, data] of pushes) expect(assembler.push(event, data)).toBeUndefined();
    const batch = assembler.push(BATCH_EVENT, { next_batch: 's2', initial: true });
    expect(batch?.initial).toBe(true);
    expect(batch?.response).toEqual({
      next_batch: 's2',
      rooms: {
        join: {
          '!r:hs': {
            timeline: { events: [message('$1'), message('$2')], limited: true, prev_batch: 'p1' },
            state: { events: [{ type: 'm.room.name', state_key: '', content: { name: 'R' } }] },
            ephemeral: { events: [{ type: 'm.typing', content: { user_ids: [] } }] },
            unread_notifications: { notification_count: 2 },
          },
        },
        invite: {
          '!i:hs': {
            invite_state: {
              events: [
                {
                  type: 'm.room.member',
                  state_key: '@me:hs',
                  sender: '@bob:hs',
                  content: { membership: 'invite' },
                },
              ],
            },
          },
        },
      },
      account_data: { events: [{ type: 'm.direct', content: { '@bob:hs': ['!r:hs'] } }] },
    });
    // The next batch starts empty.
    expect(assembler.push(BATCH_EVENT, { next_batch: 's3' })?.response).toEqual({
      next_batch: 's3',
      rooms: {},
    });
  });

  it('skips malformed and hostile events without polluting prototypes', () => {
    const assembler = new SyncAssembler();
    assembler.push(ROOM_EVENT, { room_id: '__proto__', membership: 'join', limited: true });
    assembler.push('m.room.message', {
      room_id: '__proto__',
      membership: 'join',
      section: 'timeline',
      event: message('$x'),
    });
    assembler.push('m.room.message', {
      room_id: '!r:hs',
      membership: 'join',
      section: '__proto__',
      event: message('$y'),
    });
    assembler.push('m.room.message', {
      room_id: '!r:hs',
      membership: 'member',
      section: 'timeline',
      event: message('$z'),
    });
    assembler.push('m.room.message', 'not json');
    assembler.push(BATCH_EVENT, { next_batch: 42 });
    const batch = assembler.push(BATCH_EVENT, { next_batch: 's1' });
    expect(batch?.response.rooms?.join ?? {}).toEqual({});
    expect(({} as Record<string, unknown>).limited).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('gives a room without a timeline in this batch no timeline (no false "start of room")', () => {
    const assembler = new SyncAssembler();
    assembler.push(ROOM_EVENT, {
      room_id: '!r:hs',
      membership: 'join',
      unread_notifications: { notification_count: 0 },
    });
    const batch = assembler.push(BATCH_EVENT, { next_batch: 's1' });
    expect(batch?.response.rooms?.join?.['!r:hs']).toEqual({
      unread_notifications: { notification_count: 0 },
    });
  });
});

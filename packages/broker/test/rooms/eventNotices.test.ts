import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventNotice, RoomEntity } from '../../src/rooms/index.js';
import { enc, type RoomServices, type RoomsBed, SERVICE_USER, startRoomsBed } from './roomsBed.js';

type Message = { type: string; sender: string; event_id: string; content: Record<string, unknown> };

describe('event notices against a real Synapse', () => {
  let env: RoomsBed;
  let broker: RoomServices;
  let roomId: string;
  const event: RoomEntity = {
    kind: 'event',
    id: 'ev-42',
    slug: 'meetup',
    name: 'Meetup',
    visibility: 'public',
  };

  beforeAll(async () => {
    env = await startRoomsBed();
    broker = env.instance();
    ({ roomId } = await broker.rooms.ensure(event));
  });
  afterAll(async () => {
    await env?.stop();
  });

  const notices = async () => {
    const messages = await env.as<{ chunk: Message[] }>(
      SERVICE_USER,
      `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=100`,
    );
    return messages.body.chunk.filter((e) => e.type === 'm.room.message' && e.content.msgtype === 'm.notice');
  };

  const moved: EventNotice = {
    updateId: 'upd-1',
    type: 'time_changed',
    body: 'The meetup now starts at 19:00.',
    data: { startsAt: '2030-06-01T19:00:00Z', previousStartsAt: '2030-06-01T18:00:00Z' },
  };

  it('posts an m.notice from the service user with the structured field', async () => {
    const posted = await broker.notices.post('ev-42', moved);
    expect(posted.outcome).toBe('posted');
    const [notice] = await notices();
    expect(notice).toMatchObject({
      event_id: posted.eventId,
      sender: SERVICE_USER,
      content: {
        msgtype: 'm.notice',
        body: 'The meetup now starts at 19:00.',
        'm.mentions': {},
        'org.openmeet.notice': {
          type: 'time_changed',
          updateId: 'upd-1',
          event: { type: 'event', id: 'ev-42' },
          data: { startsAt: '2030-06-01T19:00:00Z', previousStartsAt: '2030-06-01T18:00:00Z' },
        },
      },
    });
  });

  it('posts one event per update id: repeats, concurrent retries and a broker without the store', async () => {
    const again = await broker.notices.post('ev-42', moved);
    expect(again.outcome).toBe('duplicate');
    const soon: EventNotice = { updateId: 'upd-2', type: 'starts_soon', body: 'Starting in 1 hour.' };
    const racing = await Promise.all(Array.from({ length: 5 }, () => broker.notices.post('ev-42', soon)));
    expect(new Set(racing.map((r) => r.eventId)).size).toBe(1);
    // A broker that never saw the store still gets Synapse's transaction-id dedupe.
    const amnesiac = env.instance();
    await amnesiac.rooms.ensure(event);
    const fromOther = await amnesiac.notices.post('ev-42', soon);
    expect(fromOther.eventId).toBe(racing[0]?.eventId);

    const byUpdate = (await notices()).map(
      (e) => (e.content['org.openmeet.notice'] as { updateId: string }).updateId,
    );
    expect(byUpdate.filter((id) => id === 'upd-1')).toHaveLength(1);
    expect(byUpdate.filter((id) => id === 'upd-2')).toHaveLength(1);
  });

  it('still posts into an ended (archived) event room', async () => {
    await broker.rooms.ensure({ ...event, archived: true });
    const cancelled = await broker.notices.post('ev-42', {
      updateId: 'upd-3',
      type: 'cancelled',
      body: 'The meetup is cancelled.',
    });
    expect(cancelled.outcome).toBe('posted');
    expect((await notices()).map((e) => e.event_id)).toContain(cancelled.eventId);
  });

  it('rejects unknown types, empty text, floats, and events without a room', async () => {
    const bad = [
      { ...moved, updateId: 'x', type: 'party' as EventNotice['type'] },
      { ...moved, updateId: 'y', body: '  ' },
      { ...moved, updateId: 'z', data: { ratio: 0.5 } },
      { ...moved, updateId: '' },
    ];
    for (const notice of bad) {
      await expect(broker.notices.post('ev-42', notice)).rejects.toMatchObject({ code: 'OM_BAD_REQUEST' });
    }
    await expect(broker.notices.post('ev-unknown', { ...moved, updateId: 'w' })).rejects.toMatchObject({
      code: 'OM_ROOM_NOT_FOUND',
    });
  });
});

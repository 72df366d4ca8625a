import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enc, type MembershipBed, SERVICE_USER, startMembershipBed } from '../membership/membershipBed.js';

const URL = '/v1/host/events';

describe('host events webhook against a real Synapse', () => {
  let env: MembershipBed;
  const send = (events: unknown[]) => env.signed(URL, { id: randomUUID(), events });
  const group = {
    kind: 'group',
    id: 'g-host',
    slug: 'hikers',
    name: 'Hikers',
    topic: 'Walks',
    visibility: 'public',
  } as const;
  const event = {
    kind: 'event',
    id: 'e-host',
    slug: 'summit',
    name: 'Summit',
    visibility: 'private',
  } as const;
  const resolve = async (alias: string) =>
    (await env.admin<{ room_id?: string }>(`/_matrix/client/v3/directory/room/${enc(alias)}`)).body.room_id;

  beforeAll(async () => {
    env = await startMembershipBed();
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('creates a room per entity once, then moves its alias on a rename', async () => {
    const first = await send([{ type: 'entity.upserted', entity: group }]);
    expect(first.statusCode).toBe(200);
    const [created] = first.json<{ results: Array<{ outcome: string; roomId: string; alias: string }> }>()
      .results;
    expect(created).toMatchObject({ outcome: 'created', alias: '#om-group-hikers:localhost' });
    expect(await resolve('#om-group-hikers:localhost')).toBe(created?.roomId);

    const again = await send([{ type: 'entity.upserted', entity: group }]);
    expect(again.json()).toMatchObject({
      results: [{ outcome: 'unchanged', roomId: created?.roomId }],
      failed: 0,
    });

    const renamed = await send([
      { type: 'entity.upserted', entity: { ...group, slug: 'walkers', name: 'Walkers' } },
    ]);
    expect(renamed.json()).toMatchObject({ results: [{ outcome: 'updated', roomId: created?.roomId }] });
    expect(await resolve('#om-group-walkers:localhost')).toBe(created?.roomId);
    expect(await resolve('#om-group-hikers:localhost')).toBeUndefined();
  });

  it('posts event notices once per update id and makes an ended event read-only', async () => {
    const created = await send([{ type: 'entity.upserted', entity: event }]);
    const roomId = created.json<{ results: Array<{ roomId: string }> }>().results[0]?.roomId as string;
    const notice = {
      type: 'event.notice',
      event: { id: event.id },
      notice: {
        updateId: 'u-1',
        type: 'time_changed',
        body: 'Now at 18:00',
        data: { startsAt: '2026-12-01T18:00:00Z' },
      },
    };
    const posted = await send([notice]);
    const [first] = posted.json<{ results: Array<{ outcome: string; eventId: string }> }>().results;
    expect(first).toMatchObject({ outcome: 'posted', roomId });
    const repeated = await send([notice]);
    expect(repeated.json()).toMatchObject({ results: [{ outcome: 'duplicate', eventId: first?.eventId }] });

    const messages = await env.as<{ chunk: Array<{ type: string; content: Record<string, unknown> }> }>(
      SERVICE_USER,
      `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=20`,
    );
    const notices = messages.body.chunk.filter((e) => e.content.msgtype === 'm.notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]?.content).toMatchObject({
      body: 'Now at 18:00',
      'org.openmeet.notice': {
        type: 'time_changed',
        updateId: 'u-1',
        data: { startsAt: '2026-12-01T18:00:00Z' },
      },
    });

    const ended = await send([{ type: 'entity.upserted', entity: { ...event, archived: true } }]);
    expect(ended.json()).toMatchObject({ results: [{ outcome: 'updated' }] });
    const levels = await env.as<{ events_default?: number }>(
      SERVICE_USER,
      `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.power_levels/`,
    );
    expect(levels.body.events_default).toBeGreaterThanOrEqual(50);
  });

  it('reports a failing item without stopping the others, refuses unsigned and invalid bodies', async () => {
    const mixed = await send([
      {
        type: 'event.notice',
        event: { id: 'e-unknown' },
        notice: { updateId: 'x', type: 'cancelled', body: 'Off' },
      },
      { type: 'entity.upserted', entity: { ...group, id: 'g-second', slug: 'second', name: 'Second' } },
    ]);
    expect(mixed.json()).toMatchObject({
      results: [{ error: { code: 'OM_ROOM_NOT_FOUND' } }, { outcome: 'created' }],
      failed: 1,
    });

    const unsigned = await env.app.inject({
      method: 'POST',
      url: URL,
      payload: { events: [{ type: 'entity.upserted', entity: { ...group, id: 'g-x', slug: 'x' } }] },
    });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toMatchObject({ error: { code: 'OM_WEBHOOK_SIGNATURE' } });
    expect(await resolve('#om-group-x:localhost')).toBeUndefined();

    const invalid = await send([{ type: 'entity.upserted', entity: { ...group, visibility: 'secret' } }]);
    expect(invalid.statusCode).toBe(400);
    const badAvatar = await send([
      { type: 'entity.upserted', entity: { ...group, avatarUrl: 'https://x/y.png' } },
    ]);
    expect(badAvatar.json()).toMatchObject({ results: [{ error: { code: 'OM_BAD_REQUEST' } }] });
  });
});

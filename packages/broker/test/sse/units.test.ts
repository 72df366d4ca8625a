import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import {
  encodeSseComment,
  encodeSseEvent,
  encodeSseRetry,
  flattenSync,
  ROOM_EVENT,
  SseCursor,
  SseSessions,
  StreamLeases,
  SyncBatches,
  UNNAMED_EVENT,
  UserSync,
} from '../../src/sse/index.js';
import { MemoryStore } from '../../src/store/index.js';
import type { SynapseClient } from '../../src/synapse/SynapseClient.js';
import { type SseEvent, SseParser } from '../support/sseClient.js';

function parse(...chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('encodeSseEvent', () => {
  it('writes event, id and data fields and ends with a blank line', () => {
    expect(encodeSseEvent({ event: 'm.room.message', id: 'v1.a.b', data: '{"a":1}' })).toBe(
      'event: m.room.message\nid: v1.a.b\ndata: {"a":1}\n\n',
    );
    expect(encodeSseComment('heartbeat')).toBe(': heartbeat\n\n');
    expect(encodeSseRetry(3000)).toBe('retry: 3000\n\n');
  });

  it.each(['a\nb', 'a\rb', 'a\r\nb', 'a\0b'])('refuses CR, LF and NUL in event and id (%j)', (bad) => {
    expect(() => encodeSseEvent({ event: bad, data: 'x' })).toThrow(TypeError);
    expect(() => encodeSseEvent({ id: bad, data: 'x' })).toThrow(TypeError);
    expect(() => encodeSseComment(bad)).toThrow(TypeError);
  });

  it('splits data on every line ending, so any text arrives as one event with identical data', () => {
    expect(encodeSseEvent({ data: 'a\r\nb\rc\nd' })).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    const hostile = 'one\r\ntwo\rthree\n\nevent: x\ndata: y\n\r\n:comment\nid: forged\n';
    const frame = encodeSseEvent({ event: 'm.room.message', id: 'v1.x.y', data: hostile });
    const events = parse(frame);
    expect(events).toHaveLength(1);
    // Line endings are normalised to LF by the parser, so CR and CRLF come back as LF.
    expect(events[0]).toMatchObject({
      type: 'm.room.message',
      data: hostile.replace(/\r\n|\r/g, '\n'),
      lastEventId: 'v1.x.y',
    });
  });

  it('round-trips JSON data with every kind of line ending exactly', () => {
    const body = 'line\r\ncr\rlf\n\nevent: x\ndata: y';
    const data = JSON.stringify({ body });
    const events = parse(encodeSseEvent({ event: 'm.room.message', data }));
    expect(JSON.parse((events[0] as SseEvent).data)).toEqual({ body });
  });

  it('parses across arbitrary chunk boundaries, CRLF split included', () => {
    const stream = `${encodeSseRetry(10)}${encodeSseEvent({ event: 'a', id: '1', data: 'x\ny' })}`.replace(
      /\n/g,
      '\r\n',
    );
    for (let cut = 0; cut <= stream.length; cut++) {
      const events = parse(stream.slice(0, cut), stream.slice(cut));
      expect(events, `cut at ${cut}`).toEqual([{ type: 'a', data: 'x\ny', lastEventId: '1', id: '1' }]);
    }
  });
});

describe('SseCursor', () => {
  const cursor = new SseCursor(randomBytes(32));

  it('round-trips a position for its user only', () => {
    const id = cursor.encode('@a:hs', { batch: 's:s12_3', index: 4 });
    expect(id).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(cursor.decode('@a:hs', id)).toEqual({ batch: 's:s12_3', index: 4 });
    expect(cursor.decode('@b:hs', id)).toBeUndefined();
  });

  it('refuses forged, altered, truncated and foreign-key cursors', () => {
    const id = cursor.encode('@a:hs', { batch: 's:s1', index: 0 });
    const [v, payload, mac] = id.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ b: 's:s0', i: 0 })).toString('base64url');
    expect(cursor.decode('@a:hs', `${v}.${forged}.${mac}`)).toBeUndefined();
    expect(cursor.decode('@a:hs', `${v}.${payload}`)).toBeUndefined();
    expect(cursor.decode('@a:hs', `v2.${payload}.${mac}`)).toBeUndefined();
    expect(cursor.decode('@a:hs', 'garbage')).toBeUndefined();
    expect(new SseCursor(randomBytes(32)).decode('@a:hs', id)).toBeUndefined();
    expect(() => new SseCursor(randomBytes(16))).toThrow(RangeError);
  });
});

describe('flattenSync', () => {
  it('names events by Matrix type and says where each came from', () => {
    const message = { type: 'm.room.message', event_id: '$1', sender: '@b:hs', content: { body: 'hi' } };
    const events = flattenSync({
      next_batch: 's2',
      rooms: {
        join: {
          '!r:hs': {
            timeline: { events: [message], limited: true, prev_batch: 'p1' },
            state: { events: [{ type: 'm.room.name', state_key: '', content: { name: 'R' } }] },
            ephemeral: { events: [{ type: 'm.typing', content: { user_ids: [] } }] },
            account_data: { events: [{ type: 'm.fully_read', content: { event_id: '$1' } }] },
            unread_notifications: { notification_count: 1, highlight_count: 0 },
            summary: { 'm.joined_member_count': 2 },
          },
        },
        invite: { '!i:hs': { invite_state: { events: [{ type: 'm.room.member', state_key: '@a:hs' }] } } },
        leave: { '!l:hs': { timeline: { events: [] } } },
      },
      account_data: { events: [{ type: 'm.direct', content: {} }] },
    });
    expect(events.map((e) => e.event)).toEqual([
      ROOM_EVENT,
      'm.room.name',
      'm.room.message',
      'm.typing',
      'm.fully_read',
      ROOM_EVENT,
      'm.room.member',
      ROOM_EVENT,
      'm.direct',
    ]);
    expect(events[0]?.data).toEqual({
      room_id: '!r:hs',
      membership: 'join',
      limited: true,
      prev_batch: 'p1',
      unread_notifications: { notification_count: 1, highlight_count: 0 },
      summary: { 'm.joined_member_count': 2 },
    });
    expect(events[2]?.data).toEqual({
      room_id: '!r:hs',
      membership: 'join',
      section: 'timeline',
      event: message,
    });
    expect(events[6]?.data).toMatchObject({
      room_id: '!i:hs',
      membership: 'invite',
      section: 'invite_state',
    });
    expect(events[8]?.data).toEqual({ section: 'account_data', event: { type: 'm.direct', content: {} } });
  });

  it('keeps events whose type cannot be an SSE event name, under a neutral name', () => {
    const hostile = { type: 'm.room.message\nevent: x', content: {} };
    const events = flattenSync({ rooms: { join: { '!r:hs': { timeline: { events: [hostile] } } } } });
    expect(events[1]).toMatchObject({ event: UNNAMED_EVENT, data: { event: hostile } });
  });
});

describe('SseSessions revocation', () => {
  const USER = '@om_erin:localhost';
  const sessionsOn = (store: MemoryStore) => new SseSessions({ store, sessionTtlMs: 60_000 });

  it('revoking a device ends its grants only; revoking the user ends them all', async () => {
    const sessions = sessionsOn(new MemoryStore());
    const a = await sessions.fromCookie((await sessions.createSession(USER, 'device-aaaa')).id);
    const b = await sessions.fromCookie((await sessions.createSession(USER, 'device-bbbb')).id);
    const ticketA = (await sessions.createTicket(USER, 'device-aaaa')).ticket;

    await sessions.revokeDevice(USER, 'device-aaaa');
    expect(await sessions.statusOf(a)).toBe('revoked');
    expect(await sessions.statusOf(b)).toBe('live');
    await expect(sessions.redeemTicket(ticketA)).rejects.toMatchObject({ code: 'OM_SSE_AUTH_INVALID' });
    // The same device may start again after its revocation.
    const again = await sessions.fromCookie((await sessions.createSession(USER, 'device-aaaa')).id);
    expect(await sessions.statusOf(again)).toBe('live');

    await sessions.revokeUser(USER);
    expect(await sessions.epochOf(USER)).toBeGreaterThan(b.epoch);
    await expect(
      sessions.createTicket(USER, 'device-bbbb').then((t) => sessions.redeemTicket(t.ticket)),
    ).resolves.toMatchObject({ deviceKey: 'device-bbbb' });
  });

  it('accepts a session stored before device epochs existed as device epoch 0', async () => {
    const store = new MemoryStore();
    const sessions = sessionsOn(store);
    const { id } = await sessions.createSession(USER, 'device-cccc');
    const key = `sse:session:${createHash('sha256').update(id).digest('base64url')}`;
    const { deviceEpoch: _dropped, ...legacy } = JSON.parse((await store.get(key)) as string);
    await store.set(key, JSON.stringify(legacy));
    const grant = await sessions.fromCookie(id);
    expect(grant.deviceEpoch).toBe(0);
    await sessions.revokeDevice(USER, 'device-cccc');
    await expect(sessions.fromCookie(id)).rejects.toMatchObject({ code: 'OM_SSE_AUTH_INVALID' });
  });
});

describe('StreamLeases', () => {
  it('counts live leases per user, refuses past the maximum, and forgets released or expired ones', async () => {
    let now = 1_000_000;
    const store = new MemoryStore();
    // Two instances sharing one store see each other's leases.
    const a = new StreamLeases({ store, leaseMs: 60_000, now: () => now });
    const b = new StreamLeases({ store, leaseMs: 60_000, now: () => now });
    const first = await a.acquire('@u:x', 2);
    const second = await b.acquire('@u:x', 2);
    expect(first && second).toBeTruthy();
    expect(await a.acquire('@u:x', 2)).toBeUndefined();
    expect(await b.acquire('@other:x', 2)).toBeDefined();

    await b.release(second as NonNullable<typeof second>);
    const third = await a.acquire('@u:x', 2);
    expect(third).toBeDefined();

    // `first` is renewed in time; `third` is not, so it expires (a crashed instance's stream).
    now += 30_000;
    await a.renew(first as NonNullable<typeof first>);
    now += 40_000;
    expect(await b.acquire('@u:x', 2)).toBeDefined();
    expect(await b.acquire('@u:x', 2)).toBeUndefined();
  });

  it('renews at most once per third of a lease', async () => {
    let now = 0;
    const store = new MemoryStore();
    const leases = new StreamLeases({ store, leaseMs: 60_000, now: () => now });
    const lease = await leases.acquire('@u:x', 1);
    if (!lease) throw new Error('no lease');
    const expiry = async () => Number((await store.hashGetAll('sse:streams:@u:x'))[lease.id]);
    now = 10_000;
    await leases.renew(lease);
    expect(await expiry()).toBe(60_000);
    now = 20_000;
    await leases.renew(lease);
    expect(await expiry()).toBe(80_000);
  });
});

describe('SyncBatches', () => {
  it('keeps initial-sync batches for their shorter TTL and incremental ones for the full TTL', async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const batches = new SyncBatches(new MemoryStore(), 900_000, 60_000);
      const event = { event: 'm.room.message', data: { room_id: '!r:x' } };
      await batches.putFirst('@u:x', 'i:one', { next: 's1', initial: true, events: [event] });
      await batches.putFirst('@u:x', 's:s1', { next: 's2', initial: false, events: [event] });
      vi.setSystemTime(59_000);
      expect(await batches.get('@u:x', 'i:one')).toMatchObject({ next: 's1', initial: true });
      vi.setSystemTime(61_000);
      expect(await batches.get('@u:x', 'i:one')).toBeUndefined();
      expect(await batches.get('@u:x', 's:s1')).toMatchObject({ next: 's2' });
      vi.setSystemTime(901_000);
      expect(await batches.get('@u:x', 's:s1')).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('UserSync', () => {
  it('stores a batch with events for cursors inside it, and no batch without any', async () => {
    const message = { type: 'm.room.message', event_id: '$1', sender: '@b:hs', content: { body: 'hi' } };
    const answers: Record<string, unknown> = {
      s1: { next_batch: 's2' },
      s2: { next_batch: 's3', rooms: { join: { '!r:hs': { timeline: { events: [message] } } } } },
    };
    const synapse = {
      sync: async (_userId: string, params: { since?: string }) => answers[params.since ?? ''],
    } as unknown as SynapseClient;
    const batches = new SyncBatches(new MemoryStore(), 900_000);
    const loop = new UserSync(
      { synapse, batches, cursor: new SseCursor(randomBytes(32)), pollTimeoutMs: 30_000 },
      '@u:hs',
      0,
    );
    // The position moved, but nothing came: streams get the marker; nothing is kept.
    const moved = await loop.batchAfter('s1');
    expect(moved).toMatchObject({ id: 's:s1', next: 's2', events: [] });
    expect(loop.frames(moved)).toHaveLength(1);
    expect(await batches.get('@u:hs', 's:s1')).toBeUndefined();
    const withEvents = await loop.batchAfter('s2');
    expect(withEvents.events.map((event) => event.event)).toEqual([ROOM_EVENT, 'm.room.message']);
    expect(await batches.get('@u:hs', 's:s2')).toMatchObject({ next: 's3', events: withEvents.events });
    loop.stop('shutdown');
  });
});

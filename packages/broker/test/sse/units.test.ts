import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  encodeSseComment,
  encodeSseEvent,
  encodeSseRetry,
  flattenSync,
  ROOM_EVENT,
  SseCursor,
  UNNAMED_EVENT,
} from '../../src/sse/index.js';
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

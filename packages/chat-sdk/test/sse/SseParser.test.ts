import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from '../../src/transport/sse/SseParser.js';

function parse(chunks: Array<string | Uint8Array>) {
  const events: SseEvent[] = [];
  const retries: number[] = [];
  const parser = new SseParser(
    (event) => events.push(event),
    (ms) => retries.push(ms),
  );
  for (const chunk of chunks) parser.push(chunk);
  return { events, retries };
}

describe('SseParser (WHATWG event-stream rules)', () => {
  it('dispatches named events with joined data lines and keeps the last id', () => {
    const { events } = parse(['event: m.room.message\nid: c1\ndata: {"a":\ndata: 1}\n\n', 'data: plain\n\n']);
    expect(events).toEqual([
      { event: 'm.room.message', data: '{"a":\n1}', lastEventId: 'c1' },
      { event: 'message', data: 'plain', lastEventId: 'c1' },
    ]);
  });

  it('accepts CRLF, CR and LF line ends, also split across chunks', () => {
    const { events } = parse(['data: a\r', '\ndata: b\rdata: c\r\n\r', '\n', 'data: d\n\n']);
    expect(events.map((e) => e.data)).toEqual(['a\nb\nc', 'd']);
  });

  it('decodes UTF-8 split inside a character', () => {
    const bytes = new TextEncoder().encode('data: héllo 👋\n\n');
    const { events } = parse([bytes.slice(0, 8), bytes.slice(8, 13), bytes.slice(13)]);
    expect(events[0]?.data).toBe('héllo 👋');
  });

  it('ignores comments, unknown fields, ids with NUL and non-numeric retry; takes numeric retry', () => {
    const { events, retries } = parse([
      ': heartbeat\nfoo: bar\nretry: 3000\nretry: 1s\nid: a\0b\ndata: x\n\n',
    ]);
    expect(events).toEqual([{ event: 'message', data: 'x', lastEventId: '' }]);
    expect(retries).toEqual([3000]);
  });

  it('does not dispatch an event without data, and drops a trailing unterminated event', () => {
    const { events } = parse(['event: ping\n\n', 'data: never finished']);
    expect(events).toEqual([]);
  });

  it('an injected "\\n\\nevent: x" in data arrives as data when the server split it into data lines', () => {
    // What the broker's encoder writes for a body containing "\n\nevent: x\ndata: y".
    const { events } = parse(['event: m.room.message\ndata: a\ndata: \ndata: event: x\ndata: data: y\n\n']);
    expect(events).toEqual([{ event: 'm.room.message', data: 'a\n\nevent: x\ndata: y', lastEventId: '' }]);
  });
});

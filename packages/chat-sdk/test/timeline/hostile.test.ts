import { afterEach, describe, expect, it } from 'vitest';
import type { RawEvent, RoomTimeline } from '../../src/timeline/index.js';
import {
  addLocalEcho,
  applyBackPagination,
  applyLiveEvents,
  emptyTimeline,
  removeLocalEcho,
  updateLocalEcho,
} from '../../src/timeline/index.js';
import {
  ALICE,
  BOB,
  edit,
  live,
  loaded,
  ME,
  message,
  messageItem,
  options,
  outline,
  reaction,
  redaction,
} from './timelineFixtures.js';

function expectPrototypeUntouched() {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeNames);
  expect(Object.prototype.toString).toBe(originalToString);
}
const prototypeNames = Object.getOwnPropertyNames(Object.prototype);
const originalToString = Object.prototype.toString;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

afterEach(expectPrototypeUntouched);

describe('keys taken from events', () => {
  it('reaction keys such as __proto__, constructor and toString are plain keys', () => {
    const keys = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const timeline = loaded([
      message('$m', 'hi', { ts: 1 }),
      ...keys.map((key, i) => reaction(`$r${i}`, '$m', key, { sender: BOB, ts: 10 + i })),
      reaction('$again', '$m', '__proto__', { sender: ALICE, ts: 50 }),
    ]);
    expect(messageItem(timeline, '$m').reactions).toEqual([
      { key: '__proto__', count: 2, senders: [BOB, ALICE] },
      { key: 'constructor', count: 1, senders: [BOB] },
      { key: 'toString', count: 1, senders: [BOB] },
      { key: 'hasOwnProperty', count: 1, senders: [BOB] },
    ]);
  });

  it('event ids and relation targets such as __proto__ and constructor work like any other', () => {
    const timeline = loaded([
      message('__proto__', 'a', { ts: 1 }),
      message('constructor', 'b', { ts: 2 }),
      reaction('toString', '__proto__', '👍', { ts: 3 }),
      edit('hasOwnProperty', 'constructor', 'edited', { ts: 4 }),
      redaction('valueOf', 'toString', { ts: 5 }),
      reaction('$r', 'prototype', '👍', { ts: 6 }),
    ]);
    expect(outline(timeline)).toEqual(['__proto__', 'constructor']);
    expect(messageItem(timeline, '__proto__').reactions).toEqual([]);
    expect(messageItem(timeline, 'constructor').content).toEqual({ msgtype: 'm.text', body: 'edited' });
    expect(timeline.relations.get('prototype')).toHaveLength(1);
    expect(timeline.relations instanceof Map).toBe(true);
  });

  it('an own __proto__ key in content (as JSON.parse makes it) is kept as data, not as a prototype', () => {
    const event = JSON.parse(
      '{"event_id":"$e","type":"m.room.message","sender":"@alice:example.org","origin_server_ts":5,' +
        '"content":{"m.new_content":{"body":"x","__proto__":{"polluted":true}},' +
        '"m.relates_to":{"rel_type":"m.replace","event_id":"$m"}}}',
    ) as RawEvent;
    const timeline = loaded([message('$m', 'orig', { ts: 1 }), event]);
    const content = messageItem(timeline, '$m').content;
    expect(content.body).toBe('x');
    expect(Object.getPrototypeOf(content)).toBe(Object.prototype);
    expect((content as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(content, '__proto__')).toBe(true);
  });
});

describe('malformed events', () => {
  const junk: unknown[] = [
    null,
    'string',
    42,
    [],
    {},
    { event_id: 5, type: 'm.room.message', sender: ALICE, origin_server_ts: 1, content: {} },
    { event_id: '$noType', sender: ALICE, origin_server_ts: 1, content: {} },
    { event_id: '$noSender', type: 'm.room.message', origin_server_ts: 1, content: {} },
    { event_id: '', type: 'm.room.message', sender: ALICE, origin_server_ts: 1, content: {} },
    {
      event_id: '$r1',
      type: 'm.reaction',
      sender: ALICE,
      origin_server_ts: 1,
      content: { 'm.relates_to': 'x' },
    },
    {
      event_id: '$r2',
      type: 'm.reaction',
      sender: ALICE,
      origin_server_ts: 1,
      content: { 'm.relates_to': null },
    },
    {
      event_id: '$r3',
      type: 'm.reaction',
      sender: ALICE,
      origin_server_ts: 1,
      content: { 'm.relates_to': [1] },
    },
    {
      event_id: '$x1',
      type: 'm.room.redaction',
      sender: ALICE,
      origin_server_ts: 1,
      content: { redacts: 7 },
    },
    {
      event_id: '$x2',
      type: 'm.room.redaction',
      sender: ALICE,
      origin_server_ts: 1,
      content: null,
      redacts: {},
    },
    { event_id: '$s1', type: 'm.room.topic', sender: ALICE, origin_server_ts: 1, content: 'x', state_key: 3 },
    {
      event_id: '$w',
      type: 'm.room.message',
      sender: ALICE,
      origin_server_ts: 'yesterday',
      unsigned: 'nope',
    },
    {
      event_id: '$reply',
      type: 'm.room.message',
      sender: ALICE,
      origin_server_ts: 2,
      content: { body: 'r', 'm.relates_to': { 'm.in_reply_to': 'not an object' } },
    },
    {
      event_id: '$rb',
      type: 'm.room.message',
      sender: ALICE,
      origin_server_ts: 3,
      content: {},
      unsigned: { redacted_because: { sender: 9, content: 'no' }, transaction_id: 12 },
    },
  ];

  it('are skipped or read with defaults, never thrown on', () => {
    const all = [message('$ok', 'fine', { ts: 1 }), ...junk] as RawEvent[];
    const timeline = loaded(all);
    expect(outline(timeline)).toEqual(['$ok', '$w', '$reply', '$rb']);
    expect(messageItem(timeline, '$w')).toMatchObject({ ts: 0, content: {} });
    expect(messageItem(timeline, '$reply').replyTo).toBeUndefined();
    expect(messageItem(timeline, '$rb')).toMatchObject({ key: '$rb', redacted: { by: '', ts: 0 } });
    expect(messageItem(timeline, '$rb').txnId).toBeUndefined();
    expect(() => applyBackPagination(timeline, 'start', all, undefined, options)).not.toThrow();
  });

  it('a chunk or event list that is not an array is treated as empty', () => {
    const start = loaded([message('$a', 'a')], 'b0');
    const notArray = { length: 1 } as unknown as RawEvent[];
    expect(applyLiveEvents(start, notArray, { limited: false }, options)).toBe(start);
    expect(applyBackPagination(start, 'b0', notArray, undefined, options).backToken).toBeNull();
  });
});

describe('inputs', () => {
  it('are never mutated (frozen inputs would throw)', () => {
    const start = deepFreeze(
      loaded([message('$a', 'a', { ts: 1 }), reaction('$r', '$a', '👍', { ts: 2 })], 'b0'),
    );
    const events = deepFreeze([
      message('$b', 'b', { ts: 3 }),
      edit('$e', '$a', 'edited', { ts: 4 }),
      reaction('$r2', '$a', '👍', { sender: BOB, ts: 5 }),
      redaction('$x', '$r', { ts: 6 }),
    ]);
    const snapshot = structuredClone(events);
    let timeline: RoomTimeline = live(start, events, 'p1');
    expect(outline(timeline)).toEqual(['$a', 'gap:p1', '$b']);
    timeline = applyBackPagination(timeline, 'p1', [message('$a', 'a')], 'p2', options);
    timeline = applyBackPagination(
      timeline,
      'b0',
      deepFreeze([message('$0', 'zero', { ts: 0 })]),
      undefined,
      options,
    );
    const echo = deepFreeze({
      txnId: 't',
      type: 'm.room.message',
      content: { body: 'm' },
      sender: ME,
      ts: 9,
    });
    timeline = removeLocalEcho(
      updateLocalEcho(addLocalEcho(timeline, echo, options), 't', { sendState: 'failed' }),
      't',
    );
    expect(events).toEqual(snapshot);
    expect(outline(timeline)).toEqual(['$0', '$a', '$b']);
    expect(start.relations.get('$a')).toHaveLength(1);
    expect(messageItem(timeline, '$a').reactions).toEqual([{ key: '👍', count: 1, senders: [BOB] }]);
  });
});

describe('a large room', () => {
  it('keeps every unchanged item when one is updated', () => {
    const many = Array.from({ length: 3000 }, (_, i) => message(`$m${i}`, `m${i}`, { ts: i }));
    const start = applyLiveEvents(emptyTimeline(), many, { limited: false }, options);
    const next = live(start, [reaction('$r', '$m1500', '👍', { ts: 5000 })]);
    const changed = next.items.filter((item, i) => item !== start.items[i]);
    expect(changed.map((item) => item.key)).toEqual(['$m1500']);
  });
});

import { describe, expect, it } from 'vitest';
import { applyBackPagination, applyLiveEvents, emptyTimeline } from '../../src/timeline/index.js';
import {
  ALICE,
  BOB,
  edit,
  live,
  loaded,
  message,
  messageItem,
  options,
  permutations,
  reaction,
  redaction,
  stateEvent,
} from './timelineFixtures.js';

const target = message('$m', 'secret', { sender: ALICE, ts: 100, replyTo: '$q' });
const placeholder = {
  kind: 'message',
  key: '$m',
  eventId: '$m',
  sender: ALICE,
  ts: 100,
  type: 'm.room.message',
  content: {},
  reactions: [],
  redacted: { by: BOB, reason: 'spam', ts: 500 },
};

describe('redactions', () => {
  it('turn the message into a placeholder (redacts at the top level)', () => {
    const start = loaded([
      target,
      edit('$e', '$m', 'edited', { ts: 200 }),
      reaction('$r', '$m', '👍', { ts: 300 }),
    ]);
    const timeline = live(start, [redaction('$x', '$m', { sender: BOB, reason: 'spam', ts: 500 })]);
    expect(messageItem(timeline, '$m')).toEqual(placeholder);
  });

  it('turn the message into a placeholder (redacts in the content, room version 11)', () => {
    const timeline = live(loaded([target]), [
      redaction('$x', '$m', { sender: BOB, reason: 'spam', ts: 500, inContent: true }),
    ]);
    expect(messageItem(timeline, '$m')).toEqual(placeholder);
  });

  it('apply whatever the order of the target, its relations and the redaction', () => {
    const events = [
      target,
      edit('$e', '$m', 'edited', { ts: 200 }),
      reaction('$r', '$m', '👍', { ts: 300 }),
      redaction('$x', '$m', { sender: BOB, reason: 'spam', ts: 500 }),
    ];
    for (const order of permutations(events)) expect(messageItem(loaded(order), '$m')).toEqual(placeholder);
  });

  it('of an unknown event are remembered until it arrives by pagination', () => {
    const start = loaded([redaction('$x', '$m', { sender: BOB, reason: 'spam', ts: 500 })], 'b0');
    expect(start.items).toEqual([]);
    expect(start.relations.get('$m')).toHaveLength(1);
    const timeline = applyBackPagination(start, 'b0', [target], undefined, options);
    expect(messageItem(timeline, '$m')).toEqual(placeholder);
  });

  it('are shown for events that arrive already redacted', () => {
    const because = redaction('$x', '$m', { sender: BOB, reason: 'spam', ts: 500 });
    const arrived = {
      ...message('$m', '', { sender: ALICE, ts: 100 }),
      content: {},
      unsigned: { redacted_because: because },
    };
    expect(messageItem(loaded([arrived]), '$m')).toEqual(placeholder);
  });

  it('without a reason leave it out', () => {
    const timeline = live(loaded([target]), [redaction('$x', '$m', { sender: BOB, ts: 500 })]);
    expect(messageItem(timeline, '$m').redacted).toEqual({ by: BOB, ts: 500 });
  });

  it('keep the earliest when a message is redacted twice', () => {
    const timeline = loaded([
      target,
      redaction('$x2', '$m', { ts: 600 }),
      redaction('$x1', '$m', { sender: BOB, reason: 'spam', ts: 500 }),
    ]);
    expect(messageItem(timeline, '$m').redacted).toEqual({ by: BOB, reason: 'spam', ts: 500 });
  });

  it('strip redacted state to what the redaction algorithm keeps', () => {
    const topic = stateEvent('$t', 'm.room.topic', { topic: 'secret' });
    const member = stateEvent(
      '$j',
      'm.room.member',
      { membership: 'join', displayname: 'Al' },
      { stateKey: ALICE },
    );
    const start = applyLiveEvents(
      emptyTimeline(),
      [topic, member],
      { limited: false },
      { ...options, showMembership: true },
    );
    const timeline = applyLiveEvents(
      start,
      [redaction('$x1', '$t'), redaction('$x2', '$j')],
      { limited: false },
      { ...options, showMembership: true },
    );
    expect(timeline.items.map((item) => (item.kind === 'state' ? item.content : undefined))).toEqual([
      {},
      { membership: 'join' },
    ]);
  });
});

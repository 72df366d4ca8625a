import { describe, expect, it } from 'vitest';
import type { RawEvent } from '../../src/timeline/index.js';
import { applyBackPagination } from '../../src/timeline/index.js';
import {
  ALICE,
  BOB,
  live,
  loaded,
  ME,
  message,
  messageItem,
  options,
  permutations,
  reaction,
  redaction,
} from './timelineFixtures.js';

const target = message('$m', 'hi', { ts: 100 });

describe('reactions', () => {
  it('are grouped per key in order of first appearance, one per sender per key', () => {
    const timeline = loaded([
      target,
      reaction('$r1', '$m', '👍', { sender: ALICE, ts: 200 }),
      reaction('$r2', '$m', '🎉', { sender: BOB, ts: 210 }),
      reaction('$r3', '$m', '👍', { sender: BOB, ts: 220 }),
      reaction('$r4', '$m', '👍', { sender: ALICE, ts: 230 }),
    ]);
    expect(messageItem(timeline, '$m').reactions).toEqual([
      { key: '👍', count: 2, senders: [ALICE, BOB] },
      { key: '🎉', count: 1, senders: [BOB] },
    ]);
  });

  it("carry the user's own reaction event id", () => {
    const timeline = loaded([target, reaction('$mine', '$m', '👍', { sender: ME, ts: 200 })]);
    expect(messageItem(timeline, '$m').reactions).toEqual([
      { key: '👍', count: 1, senders: [ME], ownEventId: '$mine' },
    ]);
  });

  it('do not depend on the order of arrival', () => {
    const events: RawEvent[] = [
      target,
      reaction('$r1', '$m', '👍', { sender: ALICE, ts: 200 }),
      reaction('$r2', '$m', '🎉', { sender: ME, ts: 210 }),
      reaction('$r3', '$m', '👍', { sender: BOB, ts: 220 }),
    ];
    const expected = messageItem(loaded(events), '$m').reactions;
    expect(expected).toHaveLength(2);
    for (const order of permutations(events))
      expect(messageItem(loaded(order), '$m').reactions).toEqual(expected);
  });

  it('apply to a target that arrives later by pagination', () => {
    const start = loaded([reaction('$r1', '$m', '👍', { ts: 200 })], 'b0');
    const timeline = applyBackPagination(start, 'b0', [target], 'b1', options);
    expect(messageItem(timeline, '$m').reactions).toEqual([{ key: '👍', count: 1, senders: [ALICE] }]);
  });

  it('count once when delivered twice', () => {
    const once = loaded([target, reaction('$r1', '$m', '👍')]);
    const twice = live(once, [reaction('$r1', '$m', '👍')]);
    expect(twice).toBe(once);
    expect(once.relations.get('$m')).toHaveLength(1);
  });

  it('disappear when redacted, even when the redaction came first', () => {
    const events = [
      target,
      reaction('$r1', '$m', '👍', { sender: ALICE, ts: 200 }),
      reaction('$r2', '$m', '👍', { sender: BOB, ts: 210 }),
      redaction('$x1', '$r1', { sender: ALICE, ts: 300 }),
    ];
    for (const order of permutations(events)) {
      expect(messageItem(loaded(order), '$m').reactions).toEqual([{ key: '👍', count: 1, senders: [BOB] }]);
    }
  });

  it('leave the group when the last one is redacted', () => {
    const start = loaded([target, reaction('$r1', '$m', '👍', { ts: 200 })]);
    expect(messageItem(live(start, [redaction('$x', '$r1', { ts: 300 })]), '$m').reactions).toEqual([]);
  });

  it('without a valid key or annotation are ignored', () => {
    const good = reaction('$r1', '$m', '👍');
    const timeline = loaded([
      target,
      {
        ...good,
        event_id: '$bad1',
        content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$m', key: 5 } },
      },
      {
        ...good,
        event_id: '$bad2',
        content: { 'm.relates_to': { rel_type: 'm.reference', event_id: '$m', key: 'x' } },
      },
      { ...good, event_id: '$bad3', content: { 'm.relates_to': 'nope' } },
    ]);
    expect(timeline.items).toHaveLength(1);
    expect(messageItem(timeline, '$m').reactions).toEqual([]);
  });
});

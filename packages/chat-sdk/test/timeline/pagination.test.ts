import { describe, expect, it } from 'vitest';
import type { RawEvent, RoomTimeline } from '../../src/timeline/index.js';
import { addLocalEcho, applyBackPagination, setPaginating } from '../../src/timeline/index.js';
import { live, loaded, ME, message, messageItem, options, outline, reaction } from './timelineFixtures.js';

function paginate(timeline: RoomTimeline, from: string, newestFirst: RawEvent[], end?: string) {
  return applyBackPagination(timeline, from, newestFirst, end, options);
}

describe('applyBackPagination from the back token', () => {
  const start = loaded([message('$c', 'c'), message('$d', 'd')], 'b0');

  it('prepends the chunk in chronological order and takes the new token', () => {
    const timeline = paginate(start, 'b0', [message('$b', 'b'), message('$a', 'a')], 'b1');
    expect(outline(timeline)).toEqual(['$a', '$b', '$c', '$d']);
    expect(timeline.backToken).toBe('b1');
    expect(timeline.items[2]).toBe(start.items[0]);
  });

  it('reaches the start of the room when there is no end', () => {
    const timeline = paginate(start, 'b0', [message('$a', 'a')]);
    expect(timeline.backToken).toBeNull();
    expect(outline(timeline)).toEqual(['$a', '$c', '$d']);
  });

  it('treats an empty chunk whose end is the same token as the start of the room', () => {
    expect(paginate(start, 'b0', [], 'b0').backToken).toBeNull();
  });

  it('drops events already here', () => {
    const timeline = paginate(
      start,
      'b0',
      [message('$c', 'c'), message('$b', 'b'), message('$b', 'b')],
      'b1',
    );
    expect(outline(timeline)).toEqual(['$b', '$c', '$d']);
  });

  it('ends the in-flight state', () => {
    const busy = setPaginating(start, 'b0', true);
    expect(busy.paginating).toBe(true);
    expect(paginate(busy, 'b0', [message('$b', 'b')], 'b1').paginating).toBe(false);
  });

  it('leaves the timeline unchanged for an unknown (stale) token', () => {
    expect(paginate(start, 'stale', [message('$b', 'b')], 'b1')).toBe(start);
  });

  it('does not mutate the chunk', () => {
    const chunk = [message('$b', 'b'), message('$a', 'a')];
    paginate(start, 'b0', chunk, 'b1');
    expect(chunk.map((event) => event.event_id)).toEqual(['$b', '$a']);
  });
});

describe('applyBackPagination into a gap', () => {
  // $a $b | gap:g1 | $x $y
  const start = live(loaded([message('$a', 'a'), message('$b', 'b')], 'b0'), [message('$x', 'x')], 'g1');

  it('fills the gap and keeps it above the new events with the next token', () => {
    const timeline = paginate(start, 'g1', [message('$w', 'w'), message('$v', 'v')], 'g2');
    expect(outline(timeline)).toEqual(['$a', '$b', 'gap:g2', '$v', '$w', '$x']);
    expect(timeline.items[2]).toEqual({ kind: 'gap', key: 'gap:g1', token: 'g2', filling: false });
    expect(timeline.backToken).toBe('b0');
  });

  it('closes the gap when the chunk reaches an event already here, dropping the rest', () => {
    const chunk = [message('$w', 'w'), message('$v', 'v'), message('$b', 'b'), message('$a', 'a')];
    const timeline = paginate(start, 'g1', chunk, 'g2');
    expect(outline(timeline)).toEqual(['$a', '$b', '$v', '$w', '$x']);
    expect(timeline.items[0]).toBe(start.items[0]);
  });

  it('removes the gap when the server has nothing older', () => {
    const timeline = paginate(start, 'g1', [message('$w', 'w')]);
    expect(outline(timeline)).toEqual(['$a', '$b', '$w', '$x']);
  });

  it('is reflected by setPaginating on the gap', () => {
    const busy = setPaginating(start, 'g1', true);
    expect(busy.items[2]).toMatchObject({ kind: 'gap', filling: true });
    expect(busy.paginating).toBe(false);
    expect(setPaginating(busy, 'g1', true)).toBe(busy);
    const filled = paginate(busy, 'g1', [message('$w', 'w')], 'g2');
    expect(filled.items[2]).toMatchObject({ kind: 'gap', token: 'g2', filling: false });
  });

  it('applies relations that arrive with the fill to loaded targets', () => {
    const timeline = paginate(start, 'g1', [reaction('$r', '$b', '👍')], 'g2');
    expect(messageItem(timeline, '$b').reactions).toEqual([
      { key: '👍', count: 1, senders: ['@alice:example.org'] },
    ]);
  });
});

describe('setPaginating', () => {
  const start = loaded([message('$a', 'a')], 'b0');

  it('returns the same timeline for an unknown token or an unchanged flag', () => {
    expect(setPaginating(start, 'nope', true)).toBe(start);
    expect(setPaginating(start, 'b0', false)).toBe(start);
  });

  it('keeps the items when only the flag changes', () => {
    const busy = setPaginating(start, 'b0', true);
    expect(busy.items).toBe(start.items);
    expect(start.paginating).toBe(false);
  });
});

describe('a remote echo that comes by pagination', () => {
  it('takes the place of its local echo', () => {
    const withEcho = addLocalEcho(
      live(loaded([message('$a', 'a')], 'b0'), [message('$z', 'z')], 'g1'),
      { txnId: 't1', type: 'm.room.message', content: { body: 'mine' }, sender: ME, ts: 1 },
      options,
    );
    const remote = message('$mine', 'mine', { sender: ME, ts: 900, unsigned: { transaction_id: 't1' } });
    const timeline = paginate(withEcho, 'g1', [remote, message('$a', 'a')], 'g2');
    expect(outline(timeline)).toEqual(['$a', '$mine', '$z']);
    expect(messageItem(timeline, '$mine')).toMatchObject({
      key: 't1',
      txnId: 't1',
      sendState: 'sent',
      ts: 900,
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { LocalEcho, RoomTimeline } from '../../src/timeline/index.js';
import {
  addLocalEcho,
  applyBackPagination,
  emptyTimeline,
  removeLocalEcho,
  updateLocalEcho,
} from '../../src/timeline/index.js';
import {
  ALICE,
  live,
  loaded,
  ME,
  message,
  messageItem,
  options,
  outline,
  reaction,
} from './timelineFixtures.js';

const echo: LocalEcho = {
  txnId: 't1',
  type: 'm.room.message',
  content: { msgtype: 'm.text', body: 'mine' },
  sender: ME,
  ts: 5,
};
const remote = (withTxnId: boolean) =>
  message('$mine', 'mine', {
    sender: ME,
    ts: 900,
    ...(withTxnId ? { unsigned: { transaction_id: 't1' } } : {}),
  });

function withEcho(): RoomTimeline {
  return addLocalEcho(loaded([message('$a', 'a')], 'b0'), echo, options);
}

const sentItem = {
  key: 't1',
  txnId: 't1',
  eventId: '$mine',
  ts: 900,
  sendState: 'sent',
  content: remote(true).content,
};

describe('addLocalEcho for a message', () => {
  it('adds an item keyed by the transaction id at the bottom, sending', () => {
    const timeline = withEcho();
    expect(outline(timeline)).toEqual(['$a', 'local:t1']);
    expect(timeline.items[1]).toEqual({
      kind: 'message',
      key: 't1',
      txnId: 't1',
      sender: ME,
      ts: 5,
      type: 'm.room.message',
      content: echo.content,
      reactions: [],
      sendState: 'sending',
    });
  });

  it('does nothing for a transaction id already here', () => {
    const timeline = withEcho();
    expect(addLocalEcho(timeline, echo, options)).toBe(timeline);
  });

  it('does not show echoes of other events (state)', () => {
    const start = loaded([]);
    const topic = { txnId: 't2', type: 'm.room.topic', content: { topic: 'x' }, sender: ME, ts: 1 };
    expect(addLocalEcho(start, topic, options)).toBe(start);
  });
});

describe('updateLocalEcho', () => {
  it('records a failure, and a retry clears it', () => {
    const error = { code: 'CHAT_SEND_FAILED', message: 'M_FORBIDDEN' };
    const failed = updateLocalEcho(withEcho(), 't1', { sendState: 'failed', error });
    expect(messageItem(failed, 't1')).toMatchObject({ sendState: 'failed', error });
    const retrying = updateLocalEcho(failed, 't1', { sendState: 'sending' });
    expect(messageItem(retrying, 't1').sendState).toBe('sending');
    expect(messageItem(retrying, 't1').error).toBeUndefined();
    expect(retrying.items[0]).toBe(failed.items[0]);
  });

  it('leaves the timeline unchanged for an unknown transaction id or a patch that changes nothing', () => {
    const timeline = withEcho();
    expect(updateLocalEcho(timeline, 'other', { sendState: 'sent' })).toBe(timeline);
    expect(updateLocalEcho(timeline, 't1', { sendState: 'sending' })).toBe(timeline);
  });
});

describe('the remote echo, in any order', () => {
  function expectOneSentItem(timeline: RoomTimeline) {
    expect(outline(timeline)).toEqual(['$a', '$mine']);
    expect(messageItem(timeline, '$mine')).toMatchObject(sentItem);
  }

  it('send response, then remote echo', () => {
    const responded = updateLocalEcho(withEcho(), 't1', { sendState: 'sent', eventId: '$mine' });
    expect(outline(responded)).toEqual(['$a', '$mine']);
    expect(messageItem(responded, 't1').ts).toBe(5);
    expectOneSentItem(live(responded, [remote(true)]));
  });

  it('send response, then remote echo without transaction id (matched by event id)', () => {
    const responded = updateLocalEcho(withEcho(), 't1', { sendState: 'sent', eventId: '$mine' });
    expectOneSentItem(live(responded, [remote(false)]));
  });

  it('remote echo, then a late send response that changes nothing', () => {
    const echoed = live(withEcho(), [remote(true)]);
    expectOneSentItem(echoed);
    expect(updateLocalEcho(echoed, 't1', { sendState: 'sent', eventId: '$mine' })).toBe(echoed);
  });

  it('remote echo delivered twice', () => {
    const echoed = live(withEcho(), [remote(true)]);
    expect(live(echoed, [remote(true)])).toBe(echoed);
  });

  it('remote echo first without transaction id (pagination), then the send response', () => {
    const start = addLocalEcho(
      live(loaded([message('$a', 'a')], 'b0'), [message('$z', 'z')], 'g1'),
      echo,
      options,
    );
    const filled = applyBackPagination(start, 'g1', [remote(false), message('$a', 'a')], 'g2', options);
    expect(outline(filled)).toEqual(['$a', '$mine', '$z', 'local:t1']);
    const merged = updateLocalEcho(filled, 't1', { sendState: 'sent', eventId: '$mine' });
    expect(outline(merged)).toEqual(['$a', '$mine', '$z']);
    expect(messageItem(merged, '$mine')).toMatchObject(sentItem);
  });

  it('reload: the remote echo is in the initial sync before the outbox restores the echo', () => {
    const reloaded = loaded([message('$a', 'a'), remote(true)], 'b0');
    expectOneSentItem(reloaded);
    expect(addLocalEcho(reloaded, echo, options)).toBe(reloaded);
  });

  it('reload: the outbox restores the echo before the initial sync brings the remote echo', () => {
    const restored = addLocalEcho(emptyTimeline(), echo, options);
    const synced = live(restored, [message('$a', 'a'), remote(true)]);
    expectOneSentItem(synced);
    expect(synced.items[1]?.key).toBe(restored.items[0]?.key);
  });

  it('moves the confirmed message to its place among the events that came meanwhile', () => {
    const second = { ...echo, txnId: 't2', content: { body: 'two' } };
    const start = addLocalEcho(withEcho(), second, options);
    const timeline = live(start, [message('$b', 'b'), remote(true)]);
    expect(outline(timeline)).toEqual(['$a', '$b', '$mine', 'local:t2']);
    expect(timeline.items[3]).toBe(start.items[2]);
  });
});

describe('removeLocalEcho', () => {
  it('discards a message that was not confirmed', () => {
    const timeline = removeLocalEcho(withEcho(), 't1');
    expect(outline(timeline)).toEqual(['$a']);
  });

  it('does not remove a confirmed message', () => {
    const echoed = live(withEcho(), [remote(true)]);
    expect(removeLocalEcho(echoed, 't1')).toBe(echoed);
  });
});

describe('relation echoes', () => {
  const start = loaded([
    message('$a', 'a', { ts: 1 }),
    reaction('$r0', '$a', '👍', { sender: ALICE, ts: 2 }),
  ]);
  const react: LocalEcho = {
    txnId: 'r1',
    type: 'm.reaction',
    content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$a', key: '👍' } },
    sender: ME,
    ts: 10,
  };

  it('applies a reaction at once, without an item', () => {
    const timeline = addLocalEcho(start, react, options);
    expect(outline(timeline)).toEqual(['$a']);
    expect(messageItem(timeline, '$a').reactions).toEqual([{ key: '👍', count: 2, senders: [ALICE, ME] }]);
  });

  it('gets its own event id from the send response, so it can be un-reacted', () => {
    const timeline = updateLocalEcho(addLocalEcho(start, react, options), 'r1', {
      sendState: 'sent',
      eventId: '$r1',
    });
    expect(messageItem(timeline, '$a').reactions[0]?.ownEventId).toBe('$r1');
  });

  it('is replaced by its remote echo, counted once, in either order', () => {
    const remoteReaction = reaction('$r1', '$a', '👍', {
      sender: ME,
      ts: 11,
      unsigned: { transaction_id: 'r1' },
    });
    const direct = live(addLocalEcho(start, react, options), [remoteReaction]);
    const responded = live(updateLocalEcho(addLocalEcho(start, react, options), 'r1', { eventId: '$r1' }), [
      { ...remoteReaction, unsigned: {} },
    ]);
    const expected = [{ key: '👍', count: 2, senders: [ALICE, ME], ownEventId: '$r1' }];
    expect(messageItem(direct, '$a').reactions).toEqual(expected);
    expect(messageItem(responded, '$a').reactions).toEqual(expected);
    expect(direct.relations.get('$a')).toHaveLength(2);
    expect(responded.relations.get('$a')).toHaveLength(2);
    expect(removeLocalEcho(direct, 'r1')).toBe(direct);
  });

  it('is undone when discarded', () => {
    const timeline = removeLocalEcho(addLocalEcho(start, react, options), 'r1');
    expect(messageItem(timeline, '$a').reactions).toEqual([{ key: '👍', count: 1, senders: [ALICE] }]);
    expect(timeline.relations.get('$a')).toHaveLength(1);
  });

  it('applies an edit of my message at once and undoes it when discarded', () => {
    const mine = loaded([message('$m', 'typo', { sender: ME, ts: 1 })]);
    const editEcho: LocalEcho = {
      txnId: 'e1',
      type: 'm.room.message',
      content: {
        body: '* fixed',
        'm.new_content': { body: 'fixed' },
        'm.relates_to': { rel_type: 'm.replace', event_id: '$m' },
      },
      sender: ME,
      ts: 2,
    };
    const edited = addLocalEcho(mine, editEcho, options);
    expect(outline(edited)).toEqual(['$m']);
    expect(messageItem(edited, '$m').content).toEqual({ body: 'fixed' });
    const undone = removeLocalEcho(edited, 'e1');
    expect(messageItem(undone, '$m').content).toEqual({ msgtype: 'm.text', body: 'typo' });
    expect(messageItem(undone, '$m').edit).toBeUndefined();
  });

  it('applies a redaction at once and restores the message when discarded', () => {
    const redact: LocalEcho = {
      txnId: 'x1',
      type: 'm.room.redaction',
      content: {},
      redacts: '$a',
      sender: ME,
      ts: 20,
    };
    const redacted = addLocalEcho(start, redact, options);
    expect(messageItem(redacted, '$a')).toMatchObject({
      content: {},
      reactions: [],
      redacted: { by: ME, ts: 20 },
    });
    const restored = removeLocalEcho(redacted, 'x1');
    expect(messageItem(restored, '$a').content).toBe(messageItem(start, '$a').content);
    expect(messageItem(restored, '$a').redacted).toBeUndefined();
    expect(messageItem(restored, '$a').reactions).toHaveLength(1);
  });

  it('un-reacts optimistically with a redaction of my reaction', () => {
    const reacted = live(start, [reaction('$mine', '$a', '👍', { sender: ME, ts: 3 })]);
    const unreact: LocalEcho = {
      txnId: 'x2',
      type: 'm.room.redaction',
      content: {},
      redacts: '$mine',
      sender: ME,
      ts: 4,
    };
    const timeline = addLocalEcho(reacted, unreact, options);
    expect(messageItem(timeline, '$a').reactions).toEqual([{ key: '👍', count: 1, senders: [ALICE] }]);
  });
});

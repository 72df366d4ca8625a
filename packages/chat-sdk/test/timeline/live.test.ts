import { describe, expect, it } from 'vitest';
import { addLocalEcho, applyLiveEvents, emptyTimeline } from '../../src/timeline/index.js';
import {
  ALICE,
  BOB,
  live,
  loaded,
  ME,
  message,
  messageItem,
  options,
  outline,
  reaction,
  stateEvent,
} from './timelineFixtures.js';

describe('applyLiveEvents: first load', () => {
  it('takes the back token from prev_batch and adds no gap, even when limited', () => {
    const timeline = loaded([message('$a', 'a'), message('$b', 'b')], 'p0');
    expect(timeline.backToken).toBe('p0');
    expect(outline(timeline)).toEqual(['$a', '$b']);
    expect(timeline.paginating).toBe(false);
  });

  it('knows there is nothing older when the first batch holds the room creation, prev_batch or not', () => {
    const create = stateEvent('$create', 'm.room.create', { creator: ALICE }, { ts: 1 });
    const timeline = loaded([create, message('$a', 'a', { ts: 2 })], 'p0');
    expect(timeline.backToken).toBeNull();
    // Without the creation, prev_batch still says where older events are.
    expect(loaded([message('$a', 'a')], 'p0').backToken).toBe('p0');
  });

  it('sets the back token to null when there is no prev_batch', () => {
    const timeline = applyLiveEvents(emptyTimeline(), [message('$a', 'a')], { limited: false }, options);
    expect(timeline.backToken).toBeNull();
  });

  it('builds message items from the event', () => {
    const event = message('$a', 'hello', { sender: BOB, ts: 42 });
    const item = messageItem(loaded([event]), '$a');
    expect(item).toEqual({
      kind: 'message',
      key: '$a',
      eventId: '$a',
      sender: BOB,
      ts: 42,
      type: 'm.room.message',
      content: event.content,
      reactions: [],
    });
  });
});

describe('applyLiveEvents: later syncs', () => {
  it('appends new events in order', () => {
    const timeline = live(loaded([message('$a', 'a')]), [message('$b', 'b'), message('$c', 'c')]);
    expect(outline(timeline)).toEqual(['$a', '$b', '$c']);
  });

  it('inserts a gap before the events of a limited sync', () => {
    const timeline = live(loaded([message('$a', 'a')]), [message('$x', 'x'), message('$y', 'y')], 'p1');
    expect(outline(timeline)).toEqual(['$a', 'gap:p1', '$x', '$y']);
    expect(timeline.items[1]).toEqual({ kind: 'gap', key: 'gap:p1', token: 'p1', filling: false });
  });

  it('adds no gap for a sync that is not limited', () => {
    const timeline = applyLiveEvents(
      loaded([message('$a', 'a')]),
      [message('$b', 'b')],
      { limited: false, prevBatch: 'p1' },
      options,
    );
    expect(outline(timeline)).toEqual(['$a', '$b']);
  });

  it('adds no gap when the first event of a limited sync is already here, and drops the known ones', () => {
    const start = loaded([message('$a', 'a'), message('$b', 'b')]);
    const timeline = live(start, [message('$b', 'b'), message('$c', 'c')], 'p1');
    expect(outline(timeline)).toEqual(['$a', '$b', '$c']);
    expect(timeline.items[1]).toBe(start.items[1]);
  });

  it('adds no gap when any event of a limited sync is already here', () => {
    const start = loaded([message('$a', 'a'), message('$b', 'b')]);
    const timeline = live(start, [message('$c', 'c'), message('$b', 'b'), message('$d', 'd')], 'p1');
    expect(outline(timeline)).toEqual(['$a', '$b', '$c', '$d']);
  });

  it('counts a known relation as overlap too', () => {
    const start = loaded([message('$a', 'a'), reaction('$r', '$a', '👍')]);
    const timeline = live(start, [reaction('$r', '$a', '👍'), message('$c', 'c')], 'p1');
    expect(outline(timeline)).toEqual(['$a', '$c']);
    expect(messageItem(timeline, '$a').reactions[0]?.count).toBe(1);
  });

  it('collapses a new gap into the gap right above it', () => {
    const start = loaded([message('$a', 'a')]);
    const timeline = live(live(start, [], 'p1'), [message('$x', 'x')], 'p2');
    expect(outline(timeline)).toEqual(['$a', 'gap:p2', '$x']);
  });

  it('moves the back token instead of adding a gap when nothing is loaded yet', () => {
    const empty = applyLiveEvents(emptyTimeline(), [], { limited: false }, options);
    expect(empty.backToken).toBeNull();
    const timeline = live(empty, [message('$x', 'x')], 'p1');
    expect(outline(timeline)).toEqual(['$x']);
    expect(timeline.backToken).toBe('p1');
  });

  it('never duplicates an event delivered twice, and returns the same timeline when nothing changed', () => {
    const start = loaded([message('$a', 'a'), message('$b', 'b')]);
    const again = live(start, [message('$a', 'a'), message('$b', 'b')]);
    expect(again).toBe(start);
    const within = live(start, [message('$c', 'c'), message('$c', 'c')]);
    expect(outline(within)).toEqual(['$a', '$b', '$c']);
  });

  it('keeps the identity of unchanged items', () => {
    const start = loaded([message('$a', 'a'), message('$b', 'b')]);
    const next = live(start, [message('$c', 'c'), reaction('$r', '$b', '👍')]);
    expect(next.items[0]).toBe(start.items[0]);
    expect(next.items[1]).not.toBe(start.items[1]);
    expect(next.relations).not.toBe(start.relations);
    expect(start.relations.size).toBe(0);
  });

  it('places new events above local echoes still waiting for the server', () => {
    const start = loaded([message('$a', 'a')]);
    const echo = { txnId: 't1', type: 'm.room.message', content: { body: 'mine' }, sender: ME, ts: 5 };
    const timeline = live(addLocalEcho(start, echo, options), [message('$b', 'b')]);
    expect(outline(timeline)).toEqual(['$a', '$b', 'local:t1']);
  });
});

describe('which events become items', () => {
  const events = [
    message('$msg', 'hi'),
    { ...message('$sticker', 'st'), type: 'm.sticker' },
    {
      ...message('$enc', 'x'),
      type: 'm.room.encrypted',
      content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'c' },
    },
    stateEvent('$name', 'm.room.name', { name: 'Room' }),
    stateEvent('$topic', 'm.room.topic', { topic: 'T' }),
    stateEvent('$avatar', 'm.room.avatar', { url: 'mxc://a/b' }),
    stateEvent('$join', 'm.room.join_rules', { join_rule: 'public' }),
    stateEvent('$hv', 'm.room.history_visibility', { history_visibility: 'shared' }),
    stateEvent('$tomb', 'm.room.tombstone', { body: 'moved', replacement_room: '!new:x' }),
    stateEvent('$member', 'm.room.member', { membership: 'join' }, { stateKey: BOB }),
    stateEvent('$pl', 'm.room.power_levels', { users: {} }),
    stateEvent('$create', 'm.room.create', { creator: ALICE }),
    stateEvent('$custom', 'org.example.custom', { a: 1 }),
    { ...message('$typing', 'x'), type: 'm.typing', content: { user_ids: [] } },
    { ...message('$unknown', 'x'), type: 'org.example.thing' },
    reaction('$react', '$msg', '👍'),
  ];

  it('shows messages, stickers, encrypted events and the visible state', () => {
    expect(outline(loaded(events))).toEqual([
      '$msg',
      '$sticker',
      '$enc',
      '$name',
      '$topic',
      '$avatar',
      '$join',
      '$hv',
      '$tomb',
      '$create',
    ]);
  });

  it('shows membership only when asked', () => {
    const timeline = applyLiveEvents(
      emptyTimeline(),
      events,
      { limited: false },
      { userId: ME, showMembership: true },
    );
    expect(outline(timeline)).toContain('$member');
    expect(timeline.items.find((item) => item.key === '$member')).toMatchObject({
      kind: 'state',
      stateKey: BOB,
      content: { membership: 'join' },
    });
  });

  it('keeps an encrypted event as it is', () => {
    expect(messageItem(loaded(events), '$enc')).toMatchObject({
      type: 'm.room.encrypted',
      content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'c' },
    });
  });

  it('builds state items with the previous content', () => {
    const event = {
      ...stateEvent('$topic', 'm.room.topic', { topic: 'new' }, { sender: BOB, ts: 7 }),
      unsigned: { prev_content: { topic: 'old' } },
    };
    expect(loaded([event]).items[0]).toEqual({
      kind: 'state',
      key: '$topic',
      eventId: '$topic',
      sender: BOB,
      ts: 7,
      type: 'm.room.topic',
      stateKey: '',
      content: { topic: 'new' },
      prevContent: { topic: 'old' },
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient, GapItem } from '../../src/index.js';
import { selectTimeline } from '../../src/index.js';
import { type ChatBed, startChatBed } from '../support/chatBed.js';
import { eventually, messages } from '../support/eventually.js';

// Direct sync only: the gap comes from cutting the homeserver, which SSE mode does not use (the
// broker's stream resumes by cursor instead; see the broker's failover tests).
describe('history after a long disconnection over a real Synapse', () => {
  let bed: ChatBed;
  let alice: ChatClient;
  let bob: ChatClient;
  let roomId: string;

  beforeAll(async () => {
    bed = await startChatBed();
    alice = bed.client('alice');
    bob = bed.client('bob', {}, { direct: true });
    await Promise.all([alice.connect(), bob.connect()]);
    roomId = await bed.group('g-gaps', ['alice', 'bob']);
    await Promise.all([alice.openRoom(roomId), bob.openRoom(roomId)]);
  }, 120_000);
  afterAll(async () => {
    await bed?.stop();
  });

  it('fills the gap a limited sync leaves, and paginates back to the start with no duplicates', async () => {
    const early: string[] = [];
    for (let i = 0; i < 40; i++) early.push(`early ${i}`);
    for (const text of early) await bob.sendMessage(roomId, text);
    await eventually(() => expect(bob.store.getState().connection.queued).toBe(0), 30_000);
    await eventually(() => expect(messages(alice, roomId).map((m) => m.content.body)).toContain('early 39'));

    // Alice is cut off while Bob says more than one sync returns (30): her next sync is limited.
    await bed.proxy.cut();
    try {
      for (let i = 0; i < 45; i++) await bob.sendMessage(roomId, `late ${i}`);
      await eventually(() => expect(bob.store.getState().connection.queued).toBe(0), 30_000);
    } catch (error) {
      await bed.proxy.start();
      throw error;
    }
    let sawGap = false;
    const unsubscribe = alice.store.subscribe((state) => {
      sawGap ||= (state.timelines[roomId]?.items ?? []).some((item): item is GapItem => item.kind === 'gap');
    });
    await bed.proxy.start();
    await eventually(() => {
      const bodies = messages(alice, roomId).map((m) => String(m.content.body));
      expect(bodies.filter((b) => b.startsWith('late '))).toEqual(
        Array.from({ length: 45 }, (_, i) => `late ${i}`),
      );
      expect(selectTimeline(roomId)(alice.store.getState()).items.some((item) => item.kind === 'gap')).toBe(
        false,
      );
    }, 60_000);
    unsubscribe();
    expect(sawGap).toBe(true);

    while (await alice.paginateBack(roomId, 50)) {
      // until the room's beginning
    }
    const all = messages(alice, roomId).map((m) => String(m.content.body));
    const ordered = all.filter((b) => b.startsWith('early ') || b.startsWith('late '));
    expect(ordered).toEqual([...early, ...Array.from({ length: 45 }, (_, i) => `late ${i}`)]);
    const ids = messages(alice, roomId).map((m) => m.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(selectTimeline(roomId)(alice.store.getState()).backToken).toBeNull();
  }, 180_000);
});

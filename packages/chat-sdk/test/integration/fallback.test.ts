import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/index.js';
import { bodiesOnServer } from '../support/bodiesOnServer.js';
import { type ChatBed, startChatBed } from '../support/chatBed.js';
import { eventually, messages } from '../support/eventually.js';

describe('automatic fallback to SSE and back (real Synapse and broker)', () => {
  let bed: ChatBed;
  let alice: ChatClient;
  let bob: ChatClient;
  let roomId: string;

  beforeAll(async () => {
    bed = await startChatBed();
    // Alice's network may lose the homeserver (the proxy); Bob's never does.
    alice = bed.client('alice', { transport: 'auto', probeIntervalMs: 500 });
    bob = bed.client('bob', {}, { direct: true });
    await Promise.all([alice.connect(), bob.connect()]);
    roomId = await bed.group('g-fallback', ['alice', 'bob']);
    await Promise.all([alice.openRoom(roomId), bob.openRoom(roomId)]);
  }, 120_000);
  afterAll(async () => {
    await bed?.stop();
  });

  it('switches to SSE when the homeserver is blocked, keeps every feature, and comes back', async () => {
    expect(alice.store.getState().connection).toMatchObject({ status: 'live', transport: 'direct' });
    await delivered(alice, 'before 1');
    await eventually(() => expect(messages(bob, roomId).map((m) => m.content.body)).toContain('before 1'));

    await bed.proxy.cut();
    await eventually(
      () => expect(alice.store.getState().connection).toMatchObject({ status: 'fallback', transport: 'sse' }),
      30_000,
    );
    // Both ways while blocked: Bob's messages arrive over SSE, Alice's go through the broker's relay.
    await delivered(bob, 'during 1');
    await delivered(alice, 'during 2');
    await delivered(bob, 'during 3');
    await eventually(() => {
      const seen = messages(alice, roomId).map((m) => m.content.body);
      expect(seen).toEqual(expect.arrayContaining(['during 1', 'during 2', 'during 3']));
    });
    await eventually(() => expect(messages(bob, roomId).map((m) => m.content.body)).toContain('during 2'));
    // Typing and receipts work through the relay too.
    alice.setTyping(roomId, true);
    await eventually(() =>
      expect(bob.store.getState().rooms[roomId]?.typing).toContain(alice.store.getState().userId),
    );
    const last = messages(alice, roomId).find((m) => m.content.body === 'during 3');
    alice.markRead(roomId, last?.eventId as string);
    await eventually(() =>
      expect(bob.store.getState().receipts[roomId]?.[alice.store.getState().userId as string]?.eventId).toBe(
        last?.eventId,
      ),
    );

    await bed.proxy.start();
    await eventually(
      () => expect(alice.store.getState().connection).toMatchObject({ status: 'live', transport: 'direct' }),
      30_000,
    );
    await delivered(bob, 'after 1');
    await delivered(alice, 'after 2');
    await eventually(() => expect(messages(alice, roomId).map((m) => m.content.body)).toContain('after 1'));
    await eventually(() => expect(alice.store.getState().connection.queued).toBe(0));

    // Nothing lost, nothing twice: on the server and in Alice's timeline.
    const expected = ['before 1', 'during 1', 'during 2', 'during 3', 'after 1', 'after 2'];
    await eventually(async () => expect(await bodiesOnServer(bed, roomId)).toEqual(expected));
    await eventually(() => {
      const shown = messages(alice, roomId).map((m) => String(m.content.body));
      expect(shown).toEqual(expected);
      const ids = messages(alice, roomId).map((m) => m.eventId);
      expect(new Set(ids).size).toBe(ids.length);
    });
  }, 120_000);

  /** Sends and waits until the server accepted it, so the test fixes the order across users. */
  async function delivered(client: ChatClient, text: string): Promise<void> {
    const { txnId } = await client.sendMessage(roomId, text);
    await eventually(() =>
      expect(messages(client, roomId).find((m) => m.txnId === txnId)?.eventId).toBeDefined(),
    );
  }
});

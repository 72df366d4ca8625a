import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient, MessageItem } from '../../src/index.js';
import { selectReadReceipts, selectTimeline, selectTypingUsers } from '../../src/index.js';
import { type ChatBed, startChatBed } from '../support/chatBed.js';
import { eventually, messages } from '../support/eventually.js';

// One suite, both transports: the store and every action must not care which one carries them.
describe.each(['direct', 'sse'] as const)(
  'messaging between two users over a real Synapse and broker (%s)',
  (transport) => {
    let bed: ChatBed;
    let alice: ChatClient;
    let bob: ChatClient;
    let roomId: string;

    beforeAll(async () => {
      bed = await startChatBed();
      alice = bed.client('alice', { transport });
      bob = bed.client('bob', { transport });
      // Both sign in once (provisioned), then the host makes them members of a group.
      await Promise.all([alice.connect(), bob.connect()]);
      await bed.group(`g-msg-${transport}`, ['alice', 'bob']);
      roomId = await alice.openEntityRoom({ kind: 'group', id: `g-msg-${transport}` });
      expect(await bob.openEntityRoom({ kind: 'group', slug: `g-msg-${transport}` })).toBe(roomId);
    }, 120_000);
    afterAll(async () => {
      await bed?.stop();
    });

    const bodies = (client: ChatClient) => messages(client, roomId).map((m) => m.content.body);

    it('delivers a message each way, as one item from sending to sent', async () => {
      const { txnId } = await alice.sendMessage(roomId, 'hello bob');
      const echo = messages(alice, roomId).find((m) => m.txnId === txnId);
      expect(echo?.sendState).toBe('sending');
      await eventually(() => expect(bodies(bob)).toContain('hello bob'));
      await eventually(() => {
        const sent = messages(alice, roomId).filter((m) => m.content.body === 'hello bob');
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatchObject({
          key: txnId,
          sendState: 'sent',
          eventId: expect.stringMatching(/^\$/),
        });
      });
      await bob.sendMessage(roomId, 'hi alice');
      await eventually(() => expect(bodies(alice)).toContain('hi alice'));
      expect(bodies(bob).filter((b) => b === 'hi alice')).toHaveLength(1);
    });

    it('sends markdown as Matrix HTML within the allowlist', async () => {
      await alice.sendMessage(roomId, 'some **bold** and <script>alert(1)</script>');
      await eventually(() => {
        const received = messages(bob, roomId).find((m) =>
          String(m.content.body).startsWith('some **bold**'),
        );
        expect(received?.content).toMatchObject({
          format: 'org.matrix.custom.html',
          formatted_body: expect.stringContaining('<strong>bold</strong>'),
        });
        expect(received?.content.formatted_body).not.toContain('<script>');
      });
    });

    it('edits, replies, reacts and deletes, and the other side sees each', async () => {
      const original = await sent(alice, 'typo here');
      await alice.editMessage(roomId, original, 'fixed here');
      await eventually(() => {
        const item = byEvent(bob, original);
        expect(item?.content.body).toBe('fixed here');
        expect(item?.original?.body).toBe('typo here');
        expect(item?.edit).toBeDefined();
      });

      await bob.sendMessage(roomId, 'replying', { replyTo: original });
      await eventually(() => {
        const reply = messages(alice, roomId).find((m) => m.content.body === 'replying');
        expect(reply?.replyTo).toBe(original);
      });

      await bob.react(roomId, original, '👍');
      await bob.react(roomId, original, '👍');
      await eventually(() => {
        expect(byEvent(alice, original)?.reactions).toEqual([
          expect.objectContaining({ key: '👍', count: 1, senders: [bobId()] }),
        ]);
      });
      await eventually(() => expect(byEvent(bob, original)?.reactions[0]?.ownEventId).toMatch(/^\$/));
      await bob.unreact(roomId, original, '👍');
      await eventually(() => expect(byEvent(alice, original)?.reactions).toEqual([]));

      await alice.deleteMessage(roomId, original, 'oops');
      await eventually(() => {
        const item = byEvent(bob, original);
        expect(item?.redacted).toMatchObject({ by: aliceId() });
        expect(item?.content).toEqual({});
      });
    });

    it('shows typing to the other user and clears it on send', async () => {
      alice.setTyping(roomId, true);
      await eventually(() => expect(bob.store.getState().rooms[roomId]?.typing).toEqual([aliceId()]));
      expect(selectTypingUsers(roomId)(alice.store.getState())).toEqual([]);
      await alice.sendMessage(roomId, 'done typing');
      await eventually(() => expect(selectTypingUsers(roomId)(bob.store.getState())).toEqual([]));
    });

    it('moves the read receipt and fully-read marker, and the sender sees the receipt', async () => {
      const eventId = await sent(alice, 'read me');
      await eventually(() => expect(byEvent(bob, eventId)).toBeDefined());
      bob.markRead(roomId, eventId);
      await eventually(() =>
        expect(selectReadReceipts(roomId, eventId)(alice.store.getState())).toEqual([bobId()]),
      );
      await eventually(() => expect(bob.store.getState().rooms[roomId]?.fullyReadEventId).toBe(eventId));
    });

    const aliceId = () => alice.store.getState().userId as string;
    const bobId = () => bob.store.getState().userId as string;
    const byEvent = (client: ChatClient, eventId: string): MessageItem | undefined =>
      messages(client, roomId).find((m) => m.eventId === eventId);
    async function sent(client: ChatClient, text: string): Promise<string> {
      const { txnId } = await client.sendMessage(roomId, text);
      return eventually(() => {
        const item = selectTimeline(roomId)(client.store.getState()).items.find(
          (i): i is MessageItem => i.kind === 'message' && i.txnId === txnId,
        );
        expect(item?.eventId).toMatch(/^\$/);
        return item?.eventId as string;
      });
    }
  },
);

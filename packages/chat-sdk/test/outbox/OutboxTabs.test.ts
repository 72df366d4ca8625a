import { describe, expect, it } from 'vitest';
import { ChatSdkError } from '../../src/ChatSdkError.js';
import { MemoryOutboxStorage } from '../../src/outbox/MemoryOutboxStorage.js';
import type { OutboxEntry } from '../../src/outbox/OutboxEntry.js';
import {
  alwaysLeader,
  type OutboxLeadership,
  webLocksLeadership,
} from '../../src/outbox/OutboxLeadership.js';
import type { OutboxStorage } from '../../src/outbox/OutboxStorage.js';
import { ChannelHub, FakeClock, FakeLocks, FakeServer, settle } from './fakes.js';
import { ALICE, backends, openTab, ROOM_A, ROOM_B, tabs, text } from './harness.js';

function browser(storageFor: () => OutboxStorage, leadership: OutboxLeadership) {
  const clock = new FakeClock();
  const server = new FakeServer(clock);
  const hub = new ChannelHub();
  const sentBy: Array<[string, string]> = [];
  const open = async (name: string) => {
    const tab = openTab(
      { clock, server, storage: storageFor(), hub },
      {
        leadership,
        send: (entry: OutboxEntry, signal: AbortSignal) => {
          sentBy.push([name, entry.txnId]);
          return server.send(entry, signal);
        },
      },
    );
    tabs.push(tab);
    await tab.outbox.start();
    await settle();
    return tab;
  };
  return { clock, server, hub, sentBy, open };
}

describe.each(backends)('Outbox in several tabs (%s)', (_name, backend) => {
  it('sends only from the leader, which picks up entries queued in the other tab', async () => {
    const locks = new FakeLocks();
    const { server, sentBy, open } = browser(backend(), webLocksLeadership(locks));
    const a = await open('A');
    const b = await open('B');

    const m1 = await b.outbox.enqueue(text(ROOM_A, 'from B'));
    await settle(40);
    expect(sentBy).toEqual([['A', m1.txnId]]);
    expect(b.outbox.entries()).toMatchObject([{ id: m1.id, state: 'sending' }]);

    server.next().accept();
    await settle(40);
    expect(server.delivered).toEqual([m1.txnId]);
    // B hears about the event id from the leader, not only that the entry disappeared.
    expect(b.changes.map((change) => [change.type, change.eventId])).toEqual([
      ['queued', undefined],
      ['state', undefined],
      ['sent', server.eventIdOf(m1.txnId)],
    ]);
    expect(a.outbox.entries()).toEqual([]);
    expect(b.outbox.entries()).toEqual([]);
  });

  it('hands over on stop(): the next leader resends the in-flight entry with the same txnId', async () => {
    const locks = new FakeLocks();
    const { server, sentBy, open } = browser(backend(), webLocksLeadership(locks));
    const a = await open('A');
    const b = await open('B');
    const m1 = await a.outbox.enqueue(text(ROOM_A, 'from A'));
    const m2 = await b.outbox.enqueue(text(ROOM_B, 'from B'));
    await settle(40);
    expect(sentBy.sort()).toEqual(
      [
        ['A', m1.txnId],
        ['A', m2.txnId],
      ].sort(),
    );
    server.next(ROOM_A).acceptSilently();

    server.respond = (call) => call.accept();
    await a.outbox.stop();
    await settle(40);
    // Rooms are independent, so their order here is not fixed.
    expect(sentBy.slice(2).sort()).toEqual(
      [
        ['B', m1.txnId],
        ['B', m2.txnId],
      ].sort(),
    );
    expect(server.delivered).toEqual([m1.txnId, m2.txnId]);
    expect(b.outbox.entries()).toEqual([]);
  });

  it('carries resend and discard made in a non-leader tab over to the leader', async () => {
    const locks = new FakeLocks();
    const { server, open } = browser(backend(), webLocksLeadership(locks));
    const a = await open('A');
    const b = await open('B');
    const m1 = await b.outbox.enqueue(text(ROOM_A, 'refused once'));
    const m2 = await b.outbox.enqueue(text(ROOM_B, 'to discard'));
    await settle(40);
    server.next(ROOM_A).reject(new ChatSdkError('CHAT_FORBIDDEN', 'Not yet', { status: 403 }));
    server.next(ROOM_B).reject(new TypeError('offline'));
    await settle(40);
    expect(b.outbox.entries().map((entry) => [entry.id, entry.state])).toEqual([
      [m1.id, 'failed'],
      [m2.id, 'queued'],
    ]);

    await b.outbox.discard(m2.id);
    await b.outbox.resend(m1.id);
    server.respond = (call) => call.accept();
    await settle(40);
    a.outbox.retryNow();
    await settle(40);

    expect(server.calls.map((call) => call.txnId)).toEqual([m1.txnId, m2.txnId, m1.txnId]);
    expect(server.delivered).toEqual([m1.txnId]);
    expect(a.outbox.entries()).toEqual([]);
    expect(b.outbox.entries()).toEqual([]);
  });

  it('stays exactly-once without Web Locks, where every tab leads', async () => {
    const storageFor = backend();
    const { server, open } = browser(storageFor, alwaysLeader);
    const a = await open('A');
    const b = await open('B');
    server.respond = (call) => call.accept();
    const m1 = await b.outbox.enqueue(text(ROOM_A, 'hello'));
    await settle(60);
    expect(server.delivered).toEqual([m1.txnId]);
    expect(a.outbox.entries()).toEqual([]);
    expect(b.outbox.entries()).toEqual([]);
    expect(await storageFor().load(ALICE)).toEqual([]);
  });
});

describe('Outbox in several tabs: the gap between "sent" and "deleted"', () => {
  it('does not bring an entry the leader sent back while the leader is still deleting it', async () => {
    const shared = new MemoryOutboxStorage();
    let releaseDelete: () => void = () => undefined;
    const leaderStorage: OutboxStorage = {
      load: (userId) => shared.load(userId),
      put: (entry) => shared.put(entry),
      delete: async (id) => {
        await new Promise<void>((resolve) => (releaseDelete = resolve));
        await shared.delete(id);
      },
      clear: (userId) => shared.clear(userId),
    };
    const locks = new FakeLocks();
    const clock = new FakeClock();
    const server = new FakeServer(clock);
    const hub = new ChannelHub();
    const leadership = webLocksLeadership(locks);
    const start = async (storage: OutboxStorage) => {
      const tab = openTab({ clock, server, storage, hub }, { leadership });
      tabs.push(tab);
      await tab.outbox.start();
      await settle();
      return tab;
    };
    await start(leaderStorage);
    const b = await start(shared);
    const c = await start(shared);

    const m1 = await b.outbox.enqueue(text(ROOM_A, 'm1'));
    await settle(40);
    server.next().accept();
    await settle(40);
    expect(b.outbox.entries()).toEqual([]);

    // Another tab's write makes B reload while m1 is still in storage.
    await c.outbox.enqueue(text(ROOM_B, 'm2'));
    await settle(40);
    expect(await shared.load(ALICE)).toHaveLength(2);
    expect(b.outbox.entries().map((entry) => entry.id)).not.toContain(m1.id);
    expect(b.changes.filter((change) => change.entry.id === m1.id).map((change) => change.type)).toEqual([
      'queued',
      'state',
      'sent',
    ]);
    releaseDelete();
    await settle(40);
  });
});

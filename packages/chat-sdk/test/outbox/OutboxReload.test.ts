import { describe, expect, it } from 'vitest';
import { ChatSdkError } from '../../src/ChatSdkError.js';
import type { OutboxStorage } from '../../src/outbox/OutboxStorage.js';
import { ChannelHub, FakeClock, FakeServer, FlakyStorage, settle } from './fakes.js';
import { ALICE, backends, openTab, ROOM_A, ROOM_B, tabs, text } from './harness.js';

/** A page load: its own clock, timers and channel; the server and the stored data are shared. */
async function load(server: FakeServer, storage: OutboxStorage) {
  const clock = new FakeClock();
  const tab = openTab({ clock, server, storage, hub: new ChannelHub() });
  tabs.push(tab);
  await tab.outbox.start();
  await settle();
  return { ...tab, clock };
}

describe.each(backends)('Outbox reload (%s)', (_name, backend) => {
  it('resends what was in flight with the same txnId, and every message is delivered once', async () => {
    const storageFor = backend();
    const server = new FakeServer();
    const first = await load(server, storageFor());
    const m1 = await first.outbox.enqueue(text(ROOM_A, 'm1'));
    const m2 = await first.outbox.enqueue(text(ROOM_A, 'm2'));
    const m3 = await first.outbox.enqueue(text(ROOM_B, 'm3'));
    await settle();
    expect(server.open.map((call) => call.txnId)).toEqual([m1.txnId, m3.txnId]);
    // The server stores m1 but the tab dies before the answer arrives; m3 never reached the server.
    server.next(ROOM_A).acceptSilently();
    const callsBeforeReload = server.calls.length;

    server.respond = (call) => call.accept();
    const second = await load(server, storageFor());
    await settle(40);

    expect(server.calls.slice(callsBeforeReload).map((call) => call.txnId)).toEqual([
      m1.txnId,
      m3.txnId,
      m2.txnId,
    ]);
    expect(server.delivered).toEqual([m1.txnId, m3.txnId, m2.txnId]);
    const sent = second.changes.filter((change) => change.type === 'sent');
    expect(sent.find((change) => change.entry.id === m1.id)?.eventId).toBe(server.eventIdOf(m1.txnId));
    expect(await storageFor().load(ALICE)).toEqual([]);
  });

  it('announces a restored queue in send order, whatever order storage returns it in', async () => {
    const storageFor = backend();
    const server = new FakeServer();
    const first = await load(server, storageFor());
    const queued = [];
    for (const body of ['m1', 'm2', 'm3', 'm4']) queued.push(await first.outbox.enqueue(text(ROOM_A, body)));
    await first.outbox.stop();

    const stored = storageFor();
    const reversed: OutboxStorage = {
      load: async (userId) => (await stored.load(userId)).reverse(),
      put: (entry) => stored.put(entry),
      delete: (id) => stored.delete(id),
      clear: (userId) => stored.clear(userId),
    };
    const second = await load(server, reversed);
    const announced = second.changes.filter((change) => change.type === 'queued');
    expect(announced.map((change) => change.entry.id)).toEqual(queued.map((entry) => entry.id));
  });

  it('resends with the same txnId after a crash between "accepted" and "deleted"', async () => {
    const storageFor = backend();
    const server = new FakeServer();
    server.respond = (call) => call.accept();
    const flaky = new FlakyStorage(storageFor());
    flaky.failDelete = true;
    const first = await load(server, flaky);
    const m1 = await first.outbox.enqueue(text(ROOM_A, 'm1'));
    await settle(40);
    const firstEventId = first.changes.find((change) => change.type === 'sent')?.eventId;
    expect(firstEventId).toBe(server.eventIdOf(m1.txnId));
    expect(first.errors).toHaveLength(1);
    expect(await storageFor().load(ALICE)).toMatchObject([{ txnId: m1.txnId }]);

    const second = await load(server, storageFor());
    await settle(40);
    expect(server.calls.map((call) => call.txnId)).toEqual([m1.txnId, m1.txnId]);
    expect(server.delivered).toEqual([m1.txnId]);
    expect(second.changes.find((change) => change.type === 'sent')?.eventId).toBe(firstEventId);
    expect(await storageFor().load(ALICE)).toEqual([]);
  });

  it('keeps failed and unsent entries for the user, and continues queued ones after stop()', async () => {
    const storageFor = backend();
    const server = new FakeServer();
    const first = await load(server, storageFor());
    const failed = await first.outbox.enqueue(text(ROOM_A, 'refused'));
    await settle();
    server.next().reject(new ChatSdkError('CHAT_FORBIDDEN', 'No', { status: 403 }));
    await settle();
    const unsent = await first.outbox.enqueue(text(ROOM_B, 'timed out'));
    await settle();
    await first.clock.advance(5 * 60_000);
    const queued = await first.outbox.enqueue(text('!c:example.org', 'queued'));
    await settle();
    await first.outbox.stop();
    const callsBeforeReload = server.calls.length;

    server.respond = (call) => call.accept();
    const second = await load(server, storageFor());
    await settle(40);
    expect(second.outbox.entries().map((entry) => [entry.id, entry.state])).toEqual([
      [failed.id, 'failed'],
      [unsent.id, 'unsent'],
    ]);
    expect(server.calls.slice(callsBeforeReload).map((call) => call.txnId)).toEqual([queued.txnId]);

    await second.outbox.resend(unsent.id);
    await settle(40);
    expect(server.delivered).toEqual([queued.txnId, unsent.txnId]);
  });
});

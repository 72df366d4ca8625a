import { afterEach, describe, expect, it } from 'vitest';
import { ChatSdkError, isChatSdkError } from '../../src/ChatSdkError.js';
import { MemoryOutboxStorage } from '../../src/outbox/MemoryOutboxStorage.js';
import type { OutboxOptions } from '../../src/outbox/Outbox.js';
import { newTxnId, type OutboxEntry } from '../../src/outbox/OutboxEntry.js';
import type { OutboxStorage } from '../../src/outbox/OutboxStorage.js';
import { settle } from './fakes.js';
import { ALICE, newWorld, openTab, ROOM_A, ROOM_B, type Tab, text } from './harness.js';

const serverError = () => new ChatSdkError('CHAT_SERVER_ERROR', 'Internal error', { status: 500 });
const FIVE_MINUTES = 5 * 60_000;

const tabs: Tab[] = [];
afterEach(async () => {
  await Promise.all(tabs.splice(0).map((tab) => tab.outbox.stop()));
});

async function started(options: { storage?: OutboxStorage; overrides?: Partial<OutboxOptions> } = {}) {
  const world = newWorld(options.storage ?? new MemoryOutboxStorage());
  const tab = openTab(world, options.overrides);
  tabs.push(tab);
  await tab.outbox.start();
  await settle();
  return { ...world, ...tab };
}

/** A storage whose writes of `queued` entries wait until `releasePut()`; the rest goes straight through. */
function heldQueuedWrites() {
  const inner = new MemoryOutboxStorage();
  const held: Array<() => void> = [];
  const storage: OutboxStorage = {
    load: (userId) => inner.load(userId),
    put: async (entry) => {
      if (entry.state === 'queued') await new Promise<void>((resolve) => held.push(resolve));
      await inner.put(entry);
    },
    delete: (id) => inner.delete(id),
    clear: (userId) => inner.clear(userId),
  };
  return { inner, storage, releasePut: () => held.shift()?.() };
}

const stateOf = (entries: OutboxEntry[], id: string) => entries.find((entry) => entry.id === id)?.state;

describe('Outbox: enqueue and send', () => {
  it('sends while it stores, resolves once stored, and deletes once accepted', async () => {
    const { inner, storage, releasePut } = heldQueuedWrites();
    const { outbox, server, changes } = await started({ storage });
    let resolved = false;
    const enqueued = outbox.enqueue(text(ROOM_A, 'hello')).finally(() => {
      resolved = true;
    });
    await settle();
    // The request does not wait for the write, and the write is not skipped for it.
    expect(resolved).toBe(false);
    expect(server.calls).toHaveLength(1);
    expect(await inner.load(ALICE)).toEqual([]);

    releasePut();
    const entry = await enqueued;
    expect(entry).toMatchObject({
      id: entry.txnId,
      userId: ALICE,
      roomId: ROOM_A,
      state: 'queued',
      attempts: 0,
    });
    expect(entry.txnId).toMatch(/^om\.[0-9a-f-]{36}$/);
    await settle();
    expect(await inner.load(ALICE)).toMatchObject([{ id: entry.id, state: 'sending', attempts: 1 }]);
    expect(server.calls.map((call) => call.txnId)).toEqual([entry.txnId]);
    server.next().accept();
    await settle();

    expect(await inner.load(ALICE)).toEqual([]);
    expect(outbox.entries()).toEqual([]);
    expect(changes.map((change) => [change.type, change.entry.state, change.eventId])).toEqual([
      ['queued', 'queued', undefined],
      ['state', 'sending', undefined],
      ['sent', 'sending', '$event1'],
    ]);
  });

  it('an answer that comes before the write still deletes the entry from storage, after the write', async () => {
    const { inner, storage, releasePut } = heldQueuedWrites();
    const { outbox, server, changes } = await started({ storage });
    const enqueued = outbox.enqueue(text(ROOM_A, 'fast'));
    await settle();
    server.next().accept();
    await settle();
    releasePut();
    await enqueued;
    await settle();
    expect(await inner.load(ALICE)).toEqual([]);
    expect(outbox.entries()).toEqual([]);
    expect(changes.map((change) => change.type)).toEqual(['queued', 'state', 'sent']);
    expect(server.delivered).toHaveLength(1);
  });

  it('keeps sending from memory when the write fails after the request started, and reports it', async () => {
    const inner = new MemoryOutboxStorage();
    const diskFull = new ChatSdkError('CHAT_STORAGE', 'IndexedDB put failed');
    const storage: OutboxStorage = {
      load: (userId) => inner.load(userId),
      put: () => Promise.reject(diskFull),
      delete: (id) => inner.delete(id),
      clear: (userId) => inner.clear(userId),
    };
    const { outbox, server, errors } = await started({ storage });
    const entry = await outbox.enqueue(text(ROOM_A, 'still goes'));
    expect(errors).toContain(diskFull);
    expect(outbox.entries().map((e) => e.id)).toEqual([entry.id]);
    server.next().accept();
    await settle();
    expect(server.delivered).toEqual([entry.txnId]);
    expect(outbox.entries()).toEqual([]);
  });

  it('rejects with the storage error and keeps nothing when the write fails before its turn came', async () => {
    const inner = new MemoryOutboxStorage();
    let failPuts = false;
    const storage: OutboxStorage = {
      load: (userId) => inner.load(userId),
      put: (entry) =>
        failPuts ? Promise.reject(new ChatSdkError('CHAT_STORAGE', 'full')) : inner.put(entry),
      delete: (id) => inner.delete(id),
      clear: (userId) => inner.clear(userId),
    };
    const { outbox, server, changes } = await started({ storage });
    const first = await outbox.enqueue(text(ROOM_A, 'first'));
    await settle();
    failPuts = true;
    const error = await outbox.enqueue(text(ROOM_A, 'second')).catch((e: unknown) => e);
    expect(isChatSdkError(error, 'CHAT_STORAGE')).toBe(true);
    expect(outbox.entries().map((e) => e.id)).toEqual([first.id]);
    expect(changes.filter((c) => c.entry.id !== first.id).map((c) => c.type)).toEqual(['queued', 'removed']);
    failPuts = false;
    server.next().accept();
    await settle();
    expect(server.calls.map((call) => call.txnId)).toEqual([first.txnId]);
  });

  it('takes a transaction id made beforehand, once', async () => {
    const { outbox, server } = await started();
    const txnId = newTxnId();
    const entry = await outbox.enqueue({ ...text(ROOM_A, 'prepared'), txnId });
    expect(entry.txnId).toBe(txnId);
    await settle();
    expect(server.next().txnId).toBe(txnId);
    const again = await outbox.enqueue({ ...text(ROOM_A, 'again'), txnId }).catch((e: unknown) => e);
    expect(isChatSdkError(again, 'CHAT_BAD_INPUT')).toBe(true);
    const forged = await outbox
      .enqueue({ ...text(ROOM_A, 'forged'), txnId: 'x/../y' })
      .catch((e: unknown) => e);
    expect(isChatSdkError(forged, 'CHAT_BAD_INPUT')).toBe(true);
  });

  it('refuses an event over 65,536 bytes before storing or sending anything', async () => {
    const { outbox, server, storage, changes } = await started();
    const error = await outbox.enqueue(text(ROOM_A, 'x'.repeat(65_536))).catch((e: unknown) => e);

    expect(isChatSdkError(error, 'CHAT_EVENT_TOO_LARGE')).toBe(true);
    await settle();
    expect(await storage.load(ALICE)).toEqual([]);
    expect(server.calls).toEqual([]);
    expect(changes).toEqual([]);
    // A normal message still goes through afterwards.
    await outbox.enqueue(text(ROOM_A, 'small'));
    await settle();
    expect(server.calls).toHaveLength(1);
  });

  it('refuses a redaction without the event it redacts', async () => {
    const { outbox } = await started();
    const error = await outbox
      .enqueue({ roomId: ROOM_A, kind: 'redaction', eventType: 'm.room.redaction', content: {} })
      .catch((e: unknown) => e);
    expect(isChatSdkError(error, 'CHAT_BAD_INPUT')).toBe(true);
  });

  it('copies the content, so later changes to the caller object are not sent', async () => {
    const { outbox, server } = await started();
    const content = { msgtype: 'm.text', body: 'original' };
    const entry = await outbox.enqueue({
      roomId: ROOM_A,
      kind: 'event',
      eventType: 'm.room.message',
      content,
    });
    content.body = 'changed';
    expect(entry.content).toEqual({ msgtype: 'm.text', body: 'original' });
    await settle();
    expect(server.calls).toHaveLength(1);
  });
});

describe('Outbox: order', () => {
  it('sends one entry per room at a time, in order, while rooms proceed independently', async () => {
    const { outbox, server } = await started();
    const a1 = await outbox.enqueue(text(ROOM_A, 'a1'));
    const a2 = await outbox.enqueue(text(ROOM_A, 'a2'));
    const b1 = await outbox.enqueue(text(ROOM_B, 'b1'));
    await settle();
    expect(server.open.map((call) => call.txnId)).toEqual([a1.txnId, b1.txnId]);
    expect(outbox.entries(ROOM_A).map((entry) => entry.id)).toEqual([a1.id, a2.id]);
    expect(a2.seq).toBeGreaterThan(a1.seq);

    server.next(ROOM_B).accept();
    await settle();
    expect(server.open.map((call) => call.txnId)).toEqual([a1.txnId]);

    server.next(ROOM_A).accept();
    await settle();
    expect(server.open.map((call) => call.txnId)).toEqual([a2.txnId]);
    server.next().accept();
    await settle();
    expect(server.delivered).toEqual([b1.txnId, a1.txnId, a2.txnId]);
  });

  it('deletes an accepted entry from storage before the next one of its room starts', async () => {
    const log: string[] = [];
    const inner = new MemoryOutboxStorage();
    const storage: OutboxStorage = {
      load: (userId) => inner.load(userId),
      put: (entry) => inner.put(entry),
      delete: async (id) => {
        log.push(`delete ${id}`);
        await settle(2);
        await inner.delete(id);
        log.push(`deleted ${id}`);
      },
      clear: (userId) => inner.clear(userId),
    };
    const { outbox, server } = await started({ storage });
    server.respond = (call) => {
      log.push(`send ${call.txnId}`);
      call.accept();
    };
    const a1 = await outbox.enqueue(text(ROOM_A, 'a1'));
    const a2 = await outbox.enqueue(text(ROOM_A, 'a2'));
    await settle(40);
    expect(log).toEqual([
      `send ${a1.id}`,
      `delete ${a1.id}`,
      `deleted ${a1.id}`,
      `send ${a2.id}`,
      `delete ${a2.id}`,
      `deleted ${a2.id}`,
    ]);
  });

  it('keeps at most `concurrency` requests in flight over all rooms', async () => {
    const { outbox, server } = await started({ overrides: { policy: { concurrency: 2 } } });
    await outbox.enqueue(text('!1:example.org', 'one'));
    await outbox.enqueue(text('!2:example.org', 'two'));
    const three = await outbox.enqueue(text('!3:example.org', 'three'));
    await settle();
    expect(server.open).toHaveLength(2);
    server.next().accept();
    await settle();
    expect(server.open.map((call) => call.txnId)).toContain(three.txnId);
  });
});

describe('Outbox: retries', () => {
  it('backs off exponentially with full jitter up to the 30 s cap', async () => {
    const randoms = [0.1, 0.9, 0.3, 0.7, 0.5, 0.99, 0.2, 0.6];
    let draw = 0;
    const { outbox, server, clock } = await started({
      overrides: { random: () => randoms[draw++ % randoms.length] ?? 0 },
    });
    server.respond = (call) => call.reject(serverError());
    await outbox.enqueue(text(ROOM_A, 'hi'));
    await settle();
    while (server.calls.length < 9) await clock.fireNext();

    const gaps = server.calls.slice(1).map((call, i) => call.at - (server.calls[i]?.at ?? 0));
    const ceilings = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000];
    expect(gaps).toEqual(ceilings.map((ceiling, i) => Math.floor((randoms[i] ?? 0) * ceiling)));
    for (const [i, gap] of gaps.entries()) expect(gap).toBeLessThan(ceilings[i] ?? 0);
  });

  it('does not retry before the backoff ends, and retryNow skips the wait', async () => {
    const { outbox, server, clock } = await started();
    const entry = await outbox.enqueue(text(ROOM_A, 'hi'));
    await settle();
    server.next().reject(new TypeError('fetch failed'));
    await settle();
    expect(outbox.entries()[0]).toMatchObject({
      state: 'queued',
      attempts: 1,
      nextAttemptAt: clock.time + 500,
    });

    await clock.advance(499);
    expect(server.calls).toHaveLength(1);
    outbox.retryNow();
    await settle();
    expect(server.calls.map((call) => call.txnId)).toEqual([entry.txnId, entry.txnId]);
  });

  it('waits exactly retryAfterMs after a 429, and retryNow respects it', async () => {
    const { outbox, server, clock } = await started();
    await outbox.enqueue(text(ROOM_A, 'hi'));
    await settle();
    server
      .next()
      .reject(new ChatSdkError('CHAT_RATE_LIMITED', 'Slow down', { status: 429, retryAfterMs: 7_000 }));
    await settle();
    outbox.retryNow();
    await clock.advance(6_999);
    expect(server.calls).toHaveLength(1);
    await clock.advance(1);
    expect(server.calls).toHaveLength(2);
  });

  it('backs off after a 429 without retryAfterMs', async () => {
    const { outbox, server, clock } = await started();
    await outbox.enqueue(text(ROOM_A, 'hi'));
    await settle();
    server.next().reject(new ChatSdkError('CHAT_RATE_LIMITED', 'Slow down', { status: 429 }));
    await settle();
    await clock.advance(499);
    expect(server.calls).toHaveLength(1);
    await clock.advance(1);
    expect(server.calls).toHaveLength(2);
  });

  it('marks a 4xx refusal failed with its reason and goes on with the next entry', async () => {
    const { outbox, server, storage } = await started();
    const a1 = await outbox.enqueue(text(ROOM_A, 'a1'));
    const a2 = await outbox.enqueue(text(ROOM_A, 'a2'));
    await settle();
    server
      .next()
      .reject(new ChatSdkError('CHAT_FORBIDDEN', 'Not allowed', { status: 403, serverCode: 'M_FORBIDDEN' }));
    await settle();

    const failed = outbox.entries().find((entry) => entry.id === a1.id);
    expect(failed).toMatchObject({
      state: 'failed',
      error: { code: 'CHAT_SEND_FAILED', message: 'Not allowed', status: 403, serverCode: 'M_FORBIDDEN' },
    });
    expect(stateOf(await storage.load(ALICE), a1.id)).toBe('failed');
    expect(server.next().txnId).toBe(a2.txnId);
    server.next().accept();
    await settle();

    await outbox.resend(a1.id);
    await settle();
    expect(server.next().txnId).toBe(a1.txnId);
    server.next().accept();
    await settle();
    expect(server.delivered).toEqual([a2.txnId, a1.txnId]);
  });

  it('reports 413 as CHAT_EVENT_TOO_LARGE', async () => {
    const { outbox, server } = await started();
    await outbox.enqueue(text(ROOM_A, 'a1'));
    await settle();
    server
      .next()
      .reject(new ChatSdkError('CHAT_SERVER_ERROR', 'Too large', { status: 413, serverCode: 'M_TOO_LARGE' }));
    await settle();
    expect(outbox.entries()[0]?.error?.code).toBe('CHAT_EVENT_TOO_LARGE');
  });
});

describe('Outbox: the 5-minute window', () => {
  it('gives up after 5 minutes, pauses the room, and resend/discard let it go on', async () => {
    const { outbox, server, clock, storage } = await started();
    server.respond = (call) => call.reject(serverError());
    const a1 = await outbox.enqueue(text(ROOM_A, 'a1'));
    await clock.advance(60_000);
    const a2 = await outbox.enqueue(text(ROOM_A, 'a2'));
    const b1 = await outbox.enqueue(text(ROOM_B, 'b1'));

    await clock.advance(FIVE_MINUTES - 60_000 - 1);
    expect(stateOf(outbox.entries(), a1.id)).toBe('queued');
    await clock.advance(1);
    expect(outbox.entries(ROOM_A)[0]).toMatchObject({
      id: a1.id,
      state: 'unsent',
      error: { code: 'CHAT_SEND_TIMEOUT' },
    });
    expect(stateOf(await storage.load(ALICE), a1.id)).toBe('unsent');
    // b1 has its own window and keeps trying; a2 never overtook a1.
    expect(stateOf(outbox.entries(), b1.id)).toBe('queued');
    expect(server.calls.some((call) => call.txnId === a2.txnId)).toBe(false);

    // a2 waits behind the paused head until its own deadline.
    await clock.advance(60_000 - 1);
    expect(stateOf(outbox.entries(), a2.id)).toBe('queued');
    await clock.advance(1);
    expect(stateOf(outbox.entries(), a2.id)).toBe('unsent');
    expect(server.calls.some((call) => call.txnId === a2.txnId)).toBe(false);

    server.respond = (call) => call.accept();
    const callsBefore = server.calls.length;
    await outbox.resend(a1.id);
    await settle();
    expect(server.calls.slice(callsBefore).map((call) => call.txnId)).toEqual([a1.txnId]);
    // a2 is the head now and still unsent: the room stays paused until the user acts.
    const a3 = await outbox.enqueue(text(ROOM_A, 'a3'));
    await settle();
    expect(server.calls.some((call) => call.txnId === a3.txnId)).toBe(false);

    await outbox.discard(a2.id);
    await settle();
    expect(server.delivered).toContain(a3.txnId);
    expect(server.delivered).not.toContain(a2.txnId);
    expect((await storage.load(ALICE)).map((entry) => entry.id)).not.toContain(a2.id);
  });

  it('restarts the window on resend', async () => {
    const { outbox, server, clock } = await started();
    server.respond = (call) => call.reject(serverError());
    const entry = await outbox.enqueue(text(ROOM_A, 'hi'));
    await clock.advance(FIVE_MINUTES);
    expect(stateOf(outbox.entries(), entry.id)).toBe('unsent');

    await outbox.resend(entry.id);
    expect(outbox.entries()[0]).toMatchObject({ queuedAt: clock.time, attempts: 1 });
    await clock.advance(FIVE_MINUTES - 1);
    expect(stateOf(outbox.entries(), entry.id)).not.toBe('unsent');
    await clock.advance(1);
    expect(stateOf(outbox.entries(), entry.id)).toBe('unsent');
  });

  it('aborts a request still unanswered at the deadline', async () => {
    const { outbox, server, clock } = await started();
    const entry = await outbox.enqueue(text(ROOM_A, 'hi'));
    await settle();
    const call = server.next();
    await clock.advance(FIVE_MINUTES);
    expect(call.signal.aborted).toBe(true);
    expect(stateOf(outbox.entries(), entry.id)).toBe('unsent');
  });
});

describe('Outbox: lifecycle', () => {
  it('stop() aborts the request in flight and keeps the entry queued in storage', async () => {
    const { outbox, server, clock, storage } = await started();
    const entry = await outbox.enqueue(text(ROOM_A, 'hi'));
    await settle();
    const call = server.next();
    await outbox.stop();

    expect(call.signal.aborted).toBe(true);
    expect(await storage.load(ALICE)).toMatchObject([{ id: entry.id, txnId: entry.txnId, state: 'queued' }]);
    expect(clock.pendingTimers).toBe(0);
    const error = await outbox.enqueue(text(ROOM_A, 'late')).catch((e: unknown) => e);
    expect(isChatSdkError(error, 'CHAT_CLOSED')).toBe(true);
  });

  it('stop() clears the backoff timer', async () => {
    const { outbox, server, clock } = await started();
    await outbox.enqueue(text(ROOM_A, 'hi'));
    await settle();
    server.next().reject(serverError());
    await settle();
    expect(clock.pendingTimers).toBe(1);
    await outbox.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('clear() removes everything of this user, aborting what is in flight', async () => {
    const { outbox, server, storage, changes } = await started();
    await storage.put({
      ...(await outbox.enqueue(text(ROOM_B, 'b1'))),
      id: 'bob',
      txnId: 'bob',
      userId: '@bob:example.org',
    });
    await outbox.enqueue(text(ROOM_A, 'a1'));
    await settle();
    const inFlight = server.open;
    expect(inFlight).toHaveLength(2);

    await outbox.clear();
    expect(inFlight.every((call) => call.signal.aborted)).toBe(true);
    expect(outbox.entries()).toEqual([]);
    expect(await storage.load(ALICE)).toEqual([]);
    expect(await storage.load('@bob:example.org')).toHaveLength(1);
    expect(changes.filter((change) => change.type === 'removed')).toHaveLength(2);
  });

  it('keeps going when a listener throws, and reports the error', async () => {
    const { outbox, server, errors } = await started();
    outbox.subscribe(() => {
      throw new Error('listener bug');
    });
    await outbox.enqueue(text(ROOM_A, 'hi'));
    await settle();
    server.next().accept();
    await settle();
    expect(server.delivered).toHaveLength(1);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('stops notifying after unsubscribe', async () => {
    const { outbox, server } = await started();
    const seen: string[] = [];
    const unsubscribe = outbox.subscribe((change) => seen.push(change.type));
    await outbox.enqueue(text(ROOM_A, 'one'));
    await settle();
    expect(seen).toEqual(['queued', 'state']);
    unsubscribe();
    server.next().accept();
    await outbox.enqueue(text(ROOM_A, 'two'));
    await settle();
    expect(server.calls).toHaveLength(2);
    expect(seen).toEqual(['queued', 'state']);
  });
});

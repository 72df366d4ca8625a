import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerApi } from '../../src/broker/BrokerApi.js';
import type { ChatClient } from '../../src/index.js';
import type { SyncResponse } from '../../src/sync/SyncResponse.js';
import { SseSyncStream } from '../../src/transport/sse/SseSyncStream.js';
import { type ChatBed, startChatBed } from '../support/chatBed.js';
import { eventually } from '../support/eventually.js';

/** Every timeline event id a sequence of batches delivered for one room, in order. */
const timelineIds = (batches: SyncResponse[], roomId: string) =>
  batches.flatMap((batch) =>
    (batch.rooms?.join?.[roomId]?.timeline?.events ?? []).map((event) => event.event_id),
  );

describe("the broker's SSE stream, read by the SDK (real Synapse and broker)", () => {
  let bed: ChatBed;
  let bob: ChatClient;
  let roomId: string;
  let broker: BrokerApi;

  beforeAll(async () => {
    bed = await startChatBed();
    const alice = bed.client('alice');
    bob = bed.client('bob');
    await Promise.all([alice.connect(), bob.connect()]);
    roomId = await bed.group('g-sse', ['alice', 'bob']);
    await bob.openRoom(roomId);
    await alice.close();
    const token = await bed.hostToken('alice');
    broker = new BrokerApi({ brokerUrl: bed.brokerUrl, getHostToken: () => token });
  }, 120_000);
  afterAll(async () => {
    await bed?.stop();
  });

  it('rebuilds /sync batches, and resumes after a drop with nothing lost or repeated', async () => {
    const batches: SyncResponse[] = [];
    const statuses: string[] = [];
    const deviceKey = `sse${randomBytes(8).toString('hex')}`;
    const sink = {
      onSync: (response: SyncResponse) => batches.push(response),
      onStatus: (status: string) => statuses.push(status),
    };
    const first = new SseSyncStream({ broker, deviceKey, sink });
    first.start();
    await eventually(() => expect(batches.some((batch) => batch.rooms?.join?.[roomId])).toBe(true));
    expect(statuses).toContain('live');

    await bob.sendMessage(roomId, 'over sse 1');
    await eventually(() =>
      expect(
        batches.flatMap((b) => b.rooms?.join?.[roomId]?.timeline?.events ?? []).map((e) => e.content.body),
      ).toContain('over sse 1'),
    );
    const resumeFrom = first.position;
    first.stop();
    expect(resumeFrom).toMatch(/^v1\./);

    // Said while no stream was open.
    for (let i = 2; i <= 4; i++) await bob.sendMessage(roomId, `over sse ${i}`);
    await eventually(() => expect(bob.store.getState().connection.queued).toBe(0));

    const second = new SseSyncStream({ broker, deviceKey, sink });
    second.start({ lastEventId: resumeFrom as string });
    await eventually(() =>
      expect(
        batches.flatMap((b) => b.rooms?.join?.[roomId]?.timeline?.events ?? []).map((e) => e.content.body),
      ).toEqual(expect.arrayContaining(['over sse 2', 'over sse 3', 'over sse 4'])),
    );
    second.stop();
    const ids = timelineIds(batches, roomId);
    expect(new Set(ids).size).toBe(ids.length);
    const bodies = batches
      .flatMap((b) => b.rooms?.join?.[roomId]?.timeline?.events ?? [])
      .map((e) => String(e.content.body))
      .filter((body) => body.startsWith('over sse'));
    expect(bodies).toEqual(['over sse 1', 'over sse 2', 'over sse 3', 'over sse 4']);
  }, 60_000);

  it('reconnects after the broker revokes its device and resumes where it was, while the host vouches', async () => {
    const batches: SyncResponse[] = [];
    const statuses: Array<[string, string | undefined]> = [];
    const deviceKey = `sse${randomBytes(8).toString('hex')}`;
    const stream = new SseSyncStream({
      broker,
      deviceKey,
      sink: {
        onSync: (response: SyncResponse) => batches.push(response),
        onStatus: (status, error) => statuses.push([status, error?.code]),
      },
    });
    stream.start();
    await eventually(() => expect(statuses.map(([status]) => status)).toContain('live'));
    await bob.sendMessage(roomId, 'before revocation');
    const bodies = () =>
      batches
        .flatMap((b) => b.rooms?.join?.[roomId]?.timeline?.events ?? [])
        .map((e) => String(e.content.body));
    await eventually(() => expect(bodies()).toContain('before revocation'));

    const aliceId = bed.broker.services.provisioner.userIdFor('alice');
    await bed.broker.services.sseSessions.revokeDevice(aliceId, deviceKey);
    // The broker closes the stream within its check interval; the SDK gets a new ticket and resumes.
    await eventually(() => expect(statuses.map(([status]) => status)).toContain('reconnecting'), 15_000);
    await bob.sendMessage(roomId, 'after revocation');
    await eventually(() => expect(bodies()).toContain('after revocation'), 20_000);
    stream.stop();
    expect(statuses.filter(([status]) => status === 'error')).toEqual([]);
    expect(bodies().filter((body) => body.endsWith('revocation'))).toEqual([
      'before revocation',
      'after revocation',
    ]);
    const ids = timelineIds(batches, roomId);
    expect(new Set(ids).size).toBe(ids.length);
  }, 60_000);

  it('stops for good when the host session is refused', async () => {
    const statuses: Array<[string, string | undefined]> = [];
    const refused = new BrokerApi({ brokerUrl: bed.brokerUrl, getHostToken: () => 'not-a-jwt' });
    const stream = new SseSyncStream({
      broker: refused,
      deviceKey: `sse${randomBytes(8).toString('hex')}`,
      sink: { onSync: () => {}, onStatus: (status, error) => statuses.push([status, error?.code]) },
    });
    stream.start();
    await eventually(() => expect(statuses.at(-1)).toEqual(['error', 'CHAT_UNAUTHORIZED']));
    stream.stop();
  });
});

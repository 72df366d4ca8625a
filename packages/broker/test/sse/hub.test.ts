import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Duplex } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  eventStreamHead,
  SseCursor,
  type SseGrant,
  SseHub,
  SseSessions,
  SyncBatches,
} from '../../src/sse/index.js';
import { MemoryStore } from '../../src/store/index.js';
import type { SynapseClient } from '../../src/synapse/SynapseClient.js';

// The hub alone, over a stand-in homeserver whose long-polls never answer: what idle streams do
// between batches (heartbeats, ending, letting go) without a Synapse.

/** Answers from `answers` by position at once; any other long-poll waits until its loop aborts it. */
function synapseAnswering(answers: Map<string, unknown>): SynapseClient {
  return {
    sync: (_userId: string, params: { since?: string; timeoutMs: number }, signal?: AbortSignal) => {
      const answer = params.timeoutMs === 0 ? { next_batch: 's1' } : answers.get(params.since ?? '');
      if (answer) return Promise.resolve(answer);
      return new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    },
  } as unknown as SynapseClient;
}

interface Bed {
  hub: SseHub;
  url: string;
  /** Streams the hub counts as open. */
  open(): number;
  close(): Promise<void>;
}

const beds: Bed[] = [];
afterEach(async () => {
  for (const bed of beds.splice(0)) await bed.close();
});

async function hubBed(options: { heartbeatMs: number; answers?: Map<string, unknown> }): Promise<Bed> {
  const store = new MemoryStore();
  let open = 0;
  const hub = new SseHub({
    synapse: synapseAnswering(options.answers ?? new Map()),
    sessions: new SseSessions({ store, sessionTtlMs: 60_000 }),
    batches: new SyncBatches(store, 60_000),
    cursor: new SseCursor(randomBytes(32)),
    idleMs: 60_000,
    maxStreamsPerUser: 5,
    maxBufferedBytes: 1 << 20,
    heartbeatMs: options.heartbeatMs,
    checkIntervalMs: 60_000,
    metrics: {
      streams: (delta) => {
        open += delta;
      },
      loops: () => {},
      sent: () => {},
      resumed: () => {},
      dropped: () => {},
      resynced: () => {},
    },
  });
  const server: Server = createServer((req, res) => {
    const userId = new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? '@a:localhost';
    const grant: SseGrant = {
      userId,
      deviceKey: 'device-1',
      via: 'ticket',
      epoch: 0,
      deviceEpoch: 0,
      expiresAt: Date.now() + 60_000,
    };
    res.socket?.write(eventStreamHead(undefined));
    if (res.socket) hub.stream(res.socket, grant, hub.loopFor(grant), { since: 's1' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const bed: Bed = {
    hub,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    open: () => open,
    close: async () => {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
  beds.push(bed);
  return bed;
}

interface Client {
  text(): string;
  heartbeats(): number;
  ended: Promise<void>;
  close(): void;
}

/** Opens a stream and resolves once its first bytes (the retry field) arrived. */
function connect(url: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    let text = '';
    let ended!: () => void;
    const endedPromise = new Promise<void>((done) => {
      ended = done;
    });
    const req = request(url, (res: IncomingMessage) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const first = text === '';
        text += chunk;
        if (first) resolve(client);
      });
      res.on('close', ended);
    });
    const client: Client = {
      text: () => text,
      heartbeats: () => text.split(': heartbeat\n\n').length - 1,
      ended: endedPromise,
      close: () => req.destroy(),
    };
    req.on('error', (err) => {
      ended();
      reject(err);
    });
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('SseHub with idle streams', () => {
  it('sends every open stream a heartbeat from one shared timer, none per stream', async () => {
    const bed = await hubBed({ heartbeatMs: 100 });
    const first = await connect(`${bed.url}/?user=@a:localhost`);
    const timersWithOne = timers();
    const others = await Promise.all([
      connect(`${bed.url}/?user=@b:localhost`),
      connect(`${bed.url}/?user=@c:localhost`),
      connect(`${bed.url}/?user=@a:localhost`),
    ]);
    expect(timers()).toBe(timersWithOne);
    await sleep(450);
    for (const client of [first, ...others]) {
      expect(client.text().startsWith('retry: ')).toBe(true);
      expect(client.heartbeats()).toBeGreaterThanOrEqual(2);
    }
    expect(bed.open()).toBe(4);
  });

  it('lets a stream go as soon as its client leaves, while its long-poll is still waiting', async () => {
    const bed = await hubBed({ heartbeatMs: 60_000 });
    const [leaving, staying] = await Promise.all([
      connect(`${bed.url}/?user=@a:localhost`),
      connect(`${bed.url}/?user=@a:localhost`),
    ]);
    expect(bed.open()).toBe(2);
    leaving.close();
    await leaving.ended;
    await sleep(50);
    expect(bed.open()).toBe(1);
    // The user's loop goes on for the other stream.
    expect(bed.hub.hasLoop('@a:localhost')).toBe(true);
    staying.close();
  });

  it('ends a stream whose client left while it was being set up, and counts it no more', async () => {
    const bed = await hubBed({ heartbeatMs: 60_000 });
    const gone = new Duplex({ read() {}, write: (_chunk, _encoding, done) => done() });
    gone.destroy();
    await once(gone, 'close');
    const grant: SseGrant = {
      userId: '@gone:localhost',
      deviceKey: 'device-1',
      via: 'ticket',
      epoch: 0,
      deviceEpoch: 0,
      expiresAt: Date.now() + 60_000,
    };
    let ended = false;
    bed.hub.stream(gone, grant, bed.hub.loopFor(grant), { since: 's1' }, undefined, () => {
      ended = true;
    });
    await sleep(10);
    expect(ended).toBe(true);
    expect(bed.open()).toBe(0);
    // Its slot is free again: the user may open as many streams as before.
    await expect(bed.hub.reserve('@gone:localhost')).resolves.toBeUndefined();
  });

  it('ends every stream and stops the heartbeats on close', async () => {
    const bed = await hubBed({ heartbeatMs: 50 });
    const clients = await Promise.all([
      connect(`${bed.url}/?user=@a:localhost`),
      connect(`${bed.url}/?user=@b:localhost`),
    ]);
    bed.hub.close();
    await Promise.all(clients.map((client) => client.ended));
    const counts = clients.map((client) => client.heartbeats());
    await sleep(150);
    expect(clients.map((client) => client.heartbeats())).toEqual(counts);
    expect(bed.open()).toBe(0);
    expect(bed.hub.hasLoop('@a:localhost')).toBe(false);
  });
});

describe('SseHub memory for idle users', () => {
  it('keeps no delivered batch while a stream and its loop wait for the next one', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let message: object | undefined = {
      type: 'm.room.message',
      event_id: '$1',
      sender: '@b:localhost',
      content: { body: 'x'.repeat(10_000) },
    };
    const delivered = new WeakRef(message);
    const answers = new Map<string, unknown>([
      ['s1', { next_batch: 's2', rooms: { join: { '!r:localhost': { timeline: { events: [message] } } } } }],
    ]);
    message = undefined;
    const bed = await hubBed({ heartbeatMs: 60_000, answers });
    const client = await connect(`${bed.url}/?user=@a:localhost`);
    for (let i = 0; i < 50 && !client.text().includes('"event_id":"$1"'); i++) await sleep(10);
    expect(client.text()).toContain('"event_id":"$1"');
    // The stream and the loop now wait on the long-poll after s2; the store keeps the batch as
    // JSON. Nothing else may hold the event object the homeserver answered with.
    answers.clear();
    await sleep(10);
    gc();
    expect(bed.open()).toBe(1);
    expect(delivered.deref()).toBeUndefined();
  });
});

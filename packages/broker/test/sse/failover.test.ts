import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RedisHandle, resolveRedis } from '@openmeet/testbed';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type BrokerTestbed,
  brokerFor,
  type MatrixCalls,
  matrixCalls,
  startBrokerTestbed,
} from '../support/brokerTestbed.js';
import { dataOf, listen, roomWith, sendText, sseSession } from '../support/sseBed.js';
import { openSse, type SseConnection, type SseEvent } from '../support/sseClient.js';

const mxid = (user: string) => `@om_${user}:localhost`;

let bed: BrokerTestbed;
let redis: RedisHandle;
let dir: string;
let matrix: MatrixCalls;
let env: Record<string, string>;
const apps: FastifyInstance[] = [];
const connections: SseConnection[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-sse-'));
  [bed, redis] = await Promise.all([startBrokerTestbed(), resolveRedis({ mode: 'auto', dataDir: dir })]);
  matrix = matrixCalls(bed);
  env = {
    ...bed.env,
    REDIS_URL: redis.url,
    BROKER_REDIS_PREFIX: `om-sse-${randomBytes(4).toString('hex')}:`,
    BROKER_TOKEN_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    BROKER_SSE_SECRET: randomBytes(32).toString('base64'),
  };
}, 180_000);

afterAll(async () => {
  for (const connection of connections) connection.close();
  for (const app of apps) await app.close();
  await bed?.stop();
  await redis?.process?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function instance(): Promise<{ app: FastifyInstance; base: string }> {
  const app = brokerFor(env);
  apps.push(app);
  return { app, base: await listen(app) };
}

const messagesIn = (events: SseEvent[], roomId: string) =>
  events.filter((event) => event.type === 'm.room.message' && dataOf(event).room_id === roomId);

it('a stream cut on instance A continues on instance B with no loss and no duplicates', async () => {
  const a = await instance();
  const b = await instance();
  const alice = await sseSession(a.app, 'alice');
  await sseSession(a.app, 'bob');
  const roomId = await roomWith(matrix, mxid('bob'), [mxid('alice')]);
  const sent: string[] = [];
  const send = async (n: number) => {
    sent.push(await sendText(matrix, mxid('bob'), roomId, `message ${n}`));
  };

  const onA = await openSse(`${a.base}/api/matrix/events`, { cookie: alice.cookie });
  connections.push(onA);
  await onA.waitFor((event) => event.type === 'org.openmeet.batch');
  for (let n = 1; n <= 5; n++) await send(n);
  await onA.waitFor(() => messagesIn(onA.events, roomId).length === 5);

  // Messages keep coming while A goes down, and after.
  const during = (async () => {
    for (let n = 6; n <= 10; n++) await send(n);
  })();
  await a.app.close();
  await onA.ended;
  const cursor = onA.parser.lastEventId;
  expect(cursor).toMatch(/^v1\./);

  const onB = await openSse(`${b.base}/api/matrix/events`, { cookie: alice.cookie, 'last-event-id': cursor });
  connections.push(onB);
  expect(onB.status).toBe(200);
  await during;
  for (let n = 11; n <= 15; n++) await send(n);
  await onB.waitFor(
    () => messagesIn(onB.events, roomId).length + messagesIn(onA.events, roomId).length >= 15,
  );
  // Give a duplicate, if any were coming, the chance to arrive.
  await onB.waitFor((event) => event.type === 'org.openmeet.batch' && onB.events.indexOf(event) > 0);

  expect(onB.events.some((event) => event.type === 'org.openmeet.resync')).toBe(false);
  const received = [...messagesIn(onA.events, roomId), ...messagesIn(onB.events, roomId)].map(
    (event) => dataOf(event).event?.event_id,
  );
  expect(received).toEqual(sent);
  // And the server's own list agrees.
  const history = await matrix.as<{ chunk: { type: string; event_id: string }[] }>(
    mxid('alice'),
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=f&limit=100`,
  );
  expect(
    history.body.chunk.filter((event) => event.type === 'm.room.message').map((e) => e.event_id),
  ).toEqual(sent);
  const ids = [...onA.events, ...onB.events].flatMap((event) => (event.id ? [event.id] : []));
  expect(new Set(ids).size).toBe(ids.length);
}, 60_000);

it('every instance serves the same events at the same ids: a cursor inside a batch resumes anywhere', async () => {
  const b = await instance();
  const c = await instance();
  const alice = await sseSession(b.app, 'alice', 'dev-alice-0002');
  const onB = await openSse(`${b.base}/api/matrix/events`, { cookie: alice.cookie });
  connections.push(onB);
  const marker = await onB.waitFor((event) => event.type === 'org.openmeet.batch');
  const initial = onB.events.slice(0, onB.events.indexOf(marker) + 1);
  expect(initial.length).toBeGreaterThan(4);
  onB.close();
  const cut = Math.floor(initial.length / 2);

  const onC = await openSse(`${c.base}/api/matrix/events`, {
    cookie: alice.cookie,
    'last-event-id': initial[cut - 1]?.id as string,
  });
  connections.push(onC);
  await onC.waitFor((event) => event.type === 'org.openmeet.batch');
  const rest = onC.events.slice(0, initial.length - cut);
  expect(rest.map((event) => [event.id, event.type, event.data])).toEqual(
    initial.slice(cut).map((event) => [event.id, event.type, event.data]),
  );
  onC.close();
});

it("counts a user's streams across instances: the limit holds cluster-wide and frees on close", async () => {
  const limited = { ...env, BROKER_SSE_MAX_STREAMS_PER_USER: '2' };
  const [a, b] = [brokerFor(limited), brokerFor(limited)];
  apps.push(a, b);
  const [baseA, baseB] = [await listen(a), await listen(b)];
  const carol = await sseSession(a, 'carol', 'dev-carol-limit');
  const open = async (base: string) => {
    const connection = await openSse(`${base}/api/matrix/events`, { cookie: carol.cookie });
    connections.push(connection);
    return connection;
  };
  const onA = await open(baseA);
  const onB = await open(baseB);
  expect([onA.status, onB.status]).toEqual([200, 200]);
  await Promise.all([onA, onB].map((c) => c.waitFor((event) => event.type === 'org.openmeet.batch')));

  // One stream on each instance: a third is refused on either, though each holds only one.
  for (const base of [baseA, baseB]) {
    const refused = await open(base);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body).error.code).toBe('OM_SSE_TOO_MANY_STREAMS');
  }

  onB.close();
  await onB.ended;
  // B releases the lease as the stream ends; allow for the server noticing the closed socket.
  await expect
    .poll(
      async () => {
        const again = await open(baseA);
        return again.status;
      },
      { timeout: 10_000, interval: 250 },
    )
    .toBe(200);
});

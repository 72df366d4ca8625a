import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_FILTER } from '../../src/sse/index.js';
import {
  type BrokerTestbed,
  brokerFor,
  hostTokenFor,
  type MatrixCalls,
  matrixCalls,
  startBrokerTestbed,
} from '../support/brokerTestbed.js';
import { dataOf, listen, ORIGIN, roomWith, sendText, sseSession, sseTicket } from '../support/sseBed.js';
import { openSse, type SseConnection } from '../support/sseClient.js';

const OPS = { authorization: 'Bearer ops-token-for-tests-0123456789abcdef' };
const USERS = 'alice,bob,carol,dave,erin,frank,grace,heidi,ivan,judy';
const mxid = (user: string) => `@om_${user}:localhost`;

let bed: BrokerTestbed;
let matrix: MatrixCalls;
let app: FastifyInstance;
let base: string;
const open: SseConnection[] = [];

async function stream(headers: Record<string, string>, query = ''): Promise<SseConnection> {
  const connection = await openSse(`${base}/api/matrix/events${query}`, headers);
  open.push(connection);
  return connection;
}
const isBatch = (event: { type: string }) => event.type === 'org.openmeet.batch';

beforeAll(async () => {
  bed = await startBrokerTestbed();
  matrix = matrixCalls(bed);
  app = brokerFor({
    ...bed.env,
    BROKER_DEV_USERS: USERS,
    BROKER_CORS_ORIGINS: ORIGIN,
    BROKER_SSE_MAX_STREAMS_PER_USER: '3',
    BROKER_SSE_MAX_BUFFER_BYTES: '16384',
  });
  base = await listen(app);
}, 180_000);

afterAll(async () => {
  for (const connection of open) connection.close();
  await app?.close();
  await bed?.stop();
});

describe('GET /api/matrix/events', () => {
  it('streams a message from another user under its Matrix type, with JSON data, exactly', async () => {
    const alice = await sseSession(app, 'alice');
    await sseSession(app, 'bob');
    const roomId = await roomWith(matrix, mxid('bob'), [mxid('alice')]);
    const connection = await stream({ cookie: alice.cookie });
    expect(connection.status).toBe(200);
    expect(connection.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(connection.headers['cache-control']).toBe('no-cache, no-transform');
    expect(connection.headers['x-accel-buffering']).toBe('no');
    expect(connection.headers['content-encoding']).toBeUndefined();
    const initial = await connection.waitFor(isBatch);
    expect(dataOf(initial)).toMatchObject({ initial: true });
    expect(connection.parser.retry).toBeGreaterThan(0);

    const body = `plain\rcr\r\ncrlf\n\nevent: x\ndata: y\n${randomBytes(4).toString('hex')}`;
    const eventId = await sendText(matrix, mxid('bob'), roomId, body);
    const received = await connection.waitFor(
      (event) => event.type === 'm.room.message' && dataOf(event).event?.event_id === eventId,
    );
    const data = dataOf(received);
    expect(data).toMatchObject({ room_id: roomId, membership: 'join', section: 'timeline' });
    expect(data.event?.content).toEqual({ msgtype: 'm.text', body });
    expect(data.event?.sender).toBe(mxid('bob'));
    expect(received.id).toMatch(/^v1\./);
    // Nothing the body says became a field or an event of its own.
    expect(connection.events.filter((event) => event.type === 'x')).toHaveLength(0);
    const marker = await connection.waitFor((event) => isBatch(event) && event !== initial);
    expect(dataOf(marker).next_batch).toEqual(expect.any(String));
    expect(connection.events.some((event) => event.type === 'org.openmeet.room')).toBe(true);
    connection.close();
  });

  it("answers CORS with credentials for the host's origin only, in the stream's head and on its errors", async () => {
    const ivan = await sseSession(app, 'ivan');
    const allowed = await stream({ cookie: ivan.cookie, origin: ORIGIN });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    expect(allowed.headers.vary).toBe('Origin');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers.date).toEqual(expect.any(String));
    expect(allowed.headers['transfer-encoding']).toBeUndefined();
    await allowed.waitFor(isBatch);
    allowed.close();

    const foreign = await stream({ cookie: ivan.cookie, origin: 'https://evil.example' });
    expect(foreign.status).toBe(200);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreign.headers['access-control-allow-credentials']).toBeUndefined();
    foreign.close();

    const refused = await app.inject({
      method: 'GET',
      url: '/api/matrix/events',
      headers: { origin: ORIGIN },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(refused.headers['access-control-allow-credentials']).toBe('true');
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    expect(refused.headers['cache-control']).toBe('no-store');
    // Only GET opens a stream: a HEAD would have had a body.
    const head = await app.inject({
      method: 'HEAD',
      url: `/api/matrix/events?ticket=${await sseTicket(app, 'ivan')}`,
    });
    expect(head.statusCode).toBe(404);
  });

  it('is refused without credentials, with forged, swapped or used ones', async () => {
    const carol = await sseSession(app, 'carol');
    const get = (headers: Record<string, string>, query = '') =>
      app.inject({ method: 'GET', url: `/api/matrix/events${query}`, headers });
    const missing = await get({});
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('OM_SSE_AUTH_MISSING');
    const forged = randomBytes(32).toString('base64url');
    for (const response of [
      await get({ cookie: `om_sse=${forged}` }),
      await get({}, `?ticket=${forged}`),
      // A cookie value is no ticket (and vice versa).
      await get({}, `?ticket=${carol.value}`),
      await get({ cookie: `om_sse=${await sseTicket(app, 'carol')}` }),
      await get({ cookie: 'om_sse=not-even-the-right-shape' }),
    ]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('OM_SSE_AUTH_INVALID');
    }

    const ticket = await sseTicket(app, 'carol');
    const first = await stream({}, `?ticket=${ticket}`);
    expect(first.status).toBe(200);
    await first.waitFor(isBatch);
    first.close();
    const again = await get({}, `?ticket=${ticket}`);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('OM_SSE_AUTH_INVALID');
  });

  it("never serves another user's stream: a foreign cursor gets a resync and the caller's own data", async () => {
    const grace = await sseSession(app, 'grace');
    const heidi = await sseSession(app, 'heidi');
    const secret = `heidi-only-${randomBytes(6).toString('hex')}`;
    const heidiRoom = await roomWith(matrix, mxid('heidi'), []);
    await sendText(matrix, mxid('heidi'), heidiRoom, secret);
    const graceRoom = await roomWith(matrix, mxid('grace'), []);

    const heidiStream = await stream({ cookie: heidi.cookie });
    const heidiMessage = await heidiStream.waitFor(
      (event) => event.type === 'm.room.message' && dataOf(event).event?.content.body === secret,
    );
    const heidiCursor = heidiMessage.id as string;
    heidiStream.close();

    const graceStream = await stream({ cookie: grace.cookie, 'last-event-id': heidiCursor });
    expect(graceStream.status).toBe(200);
    await graceStream.waitFor((event) => isBatch(event) && dataOf(event).initial === true);
    expect(graceStream.events[0]).toMatchObject({ type: 'org.openmeet.resync' });
    expect(dataOf(graceStream.events[0] as { data: string }).reason).toBe('unknown cursor');
    const rooms = new Set(graceStream.events.map((event) => dataOf(event).room_id).filter(Boolean));
    expect(rooms.has(graceRoom)).toBe(true);
    expect(rooms.has(heidiRoom)).toBe(false);
    expect(graceStream.events.some((event) => event.data.includes(secret))).toBe(false);
    graceStream.close();

    // Heidi's own cursor resumes right after her message, without a resync.
    const resumed = await stream({ cookie: heidi.cookie, 'last-event-id': heidiCursor });
    const next = await resumed.waitFor(() => true);
    expect(next.type).not.toBe('org.openmeet.resync');
    expect(resumed.events.some((event) => event.data.includes(secret))).toBe(false);
    resumed.close();
  });

  it('answers 429 with Retry-After beyond the per-user stream limit', async () => {
    const frank = await sseSession(app, 'frank');
    const streams = [];
    for (let i = 0; i < 3; i++) {
      const connection = await stream({ cookie: frank.cookie });
      expect(connection.status).toBe(200);
      streams.push(connection);
    }
    const refused = await app.inject({
      method: 'GET',
      url: '/api/matrix/events',
      headers: { cookie: frank.cookie },
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.json().error.code).toBe('OM_SSE_TOO_MANY_STREAMS');
    for (const connection of streams) connection.close();
  });

  it('drops a slow consumer with a resync marker instead of buffering without bound', async () => {
    const dave = await sseSession(app, 'dave');
    await sseSession(app, 'erin');
    const roomId = await roomWith(matrix, mxid('erin'), [mxid('dave')]);
    const connection = await stream({ cookie: dave.cookie });
    await connection.waitFor(isBatch);
    connection.pause();
    const big = 'x'.repeat(60_000);
    const dropped = async () =>
      /openmeet_broker_sse_drops_total 1/.test((await app.inject({ url: '/metrics' })).body);
    for (let sent = 0; sent < 400 && !(await dropped()); sent += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => sendText(matrix, mxid('erin'), roomId, `${sent + i} ${big}`)),
      );
    }
    expect(await dropped()).toBe(true);
    connection.resume();
    await connection.ended;
    const last = connection.events.at(-1);
    expect(last?.type).toBe('org.openmeet.resync');
    expect(dataOf(last as { data: string }).reason).toBe('slow consumer');
  }, 120_000);
});

describe('SSE sessions', () => {
  it('sets an HttpOnly, Secure, SameSite=Strict cookie', async () => {
    const session = await sseSession(app, 'alice', 'dev-alice-cookie');
    expect(session.setCookie).toMatch(/HttpOnly/i);
    expect(session.setCookie).toMatch(/Secure/i);
    expect(session.setCookie).toMatch(/SameSite=Strict/i);
    expect(session.setCookie).toMatch(/Path=\//i);
    expect(session.expiresAt).toBeGreaterThan(Date.now());
  });

  it('DELETE needs the CSRF header and an allowed Origin with the cookie', async () => {
    const session = await sseSession(app, 'alice', 'dev-alice-csrf');
    const del = (headers: Record<string, string>) =>
      app.inject({
        method: 'DELETE',
        url: '/v1/sse/session',
        headers: { cookie: session.cookie, ...headers },
      });
    for (const response of [
      await del({ origin: ORIGIN }),
      await del({ origin: ORIGIN, 'x-openmeet-csrf': 'wrong' }),
      await del({ origin: 'https://evil.example', 'x-openmeet-csrf': session.csrfToken }),
      await del({ 'x-openmeet-csrf': session.csrfToken }),
    ]) {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('OM_SSE_CSRF');
    }
    const ended = await del({ origin: ORIGIN, 'x-openmeet-csrf': session.csrfToken });
    expect(ended.statusCode).toBe(204);
    const after = await app.inject({
      method: 'GET',
      url: '/api/matrix/events',
      headers: { cookie: session.cookie },
    });
    expect(after.statusCode).toBe(401);
  });

  it('ops revocation closes an open stream within 5 s and ends the session', async () => {
    const bob = await sseSession(app, 'bob', 'dev-bob-revoke');
    const connection = await stream({ cookie: bob.cookie });
    await connection.waitFor(isBatch);
    const started = Date.now();
    const revoked = await app.inject({ method: 'POST', url: '/v1/ops/users/bob/revoke', headers: OPS });
    expect(revoked.statusCode).toBe(200);
    await connection.waitFor((event) => event.type === 'org.openmeet.closed', 5000);
    await connection.ended;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(dataOf(connection.events.at(-1) as { data: string }).reason).toBe('revoked');
    const after = await app.inject({
      method: 'GET',
      url: '/api/matrix/events',
      headers: { cookie: bob.cookie },
    });
    expect(after.statusCode).toBe(401);
    expect(app.services.sse.hasLoop(mxid('bob'))).toBe(false);
  });

  it("revoking one device closes that device's streams and sessions only", async () => {
    const [lost, kept] = ['dev-erin-lost', 'dev-erin-kept'];
    // A Matrix session makes the broker device the ops route revokes.
    const minted = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { authorization: `Bearer ${await hostTokenFor(app, 'erin')}` },
      payload: { deviceKey: lost },
    });
    expect(minted.statusCode).toBe(200);
    const lostSession = await sseSession(app, 'erin', lost);
    const keptSession = await sseSession(app, 'erin', kept);
    const lostTicket = await sseTicket(app, 'erin', lost);
    const onLost = await stream({ cookie: lostSession.cookie });
    const onKept = await stream({ cookie: keptSession.cookie });
    await Promise.all([onLost.waitFor(isBatch), onKept.waitFor(isBatch)]);

    const started = Date.now();
    const revoked = await app.inject({
      method: 'DELETE',
      url: `/v1/ops/users/erin/devices/OMB_${lost}`,
      headers: OPS,
    });
    expect(revoked.statusCode).toBe(200);
    await onLost.waitFor((event) => event.type === 'org.openmeet.closed', 5000);
    await onLost.ended;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(dataOf(onLost.events.at(-1) as { data: string }).reason).toBe('revoked');
    // The revoked device's cookie and unredeemed ticket no longer open a stream.
    for (const query of ['', `?ticket=${lostTicket}`]) {
      const after = await app.inject({
        method: 'GET',
        url: `/api/matrix/events${query}`,
        headers: query ? {} : { cookie: lostSession.cookie },
      });
      expect(after.statusCode).toBe(401);
    }
    // The user's other device keeps streaming: a new message still reaches it.
    const roomId = await roomWith(matrix, mxid('frank'), [mxid('erin')]);
    const eventId = await sendText(matrix, mxid('frank'), roomId, 'still here');
    await onKept.waitFor((event) => dataOf(event).event?.event_id === eventId);
    expect(onKept.events.some((event) => event.type === 'org.openmeet.closed')).toBe(false);
    expect(app.services.sse.hasLoop(mxid('erin'))).toBe(true);
    // A new session for the revoked device works again (the host session still vouches for it).
    const fresh = await stream({ cookie: (await sseSession(app, 'erin', lost)).cookie });
    await fresh.waitFor(isBatch);
  });
});

describe('sync loops', () => {
  it("keep nothing of Fastify's request or reply for an open stream's life", async () => {
    const held = brokerFor({ ...bed.env, BROKER_DEV_USERS: USERS });
    const requests: Array<WeakRef<object>> = [];
    held.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith('/api/matrix/events'))
        requests.push(new WeakRef(request), new WeakRef(reply));
    });
    try {
      const heldBase = await listen(held);
      const heidi = await sseSession(held, 'heidi', 'dev-heidi-held');
      const connection = await openSse(`${heldBase}/api/matrix/events`, { cookie: heidi.cookie });
      await connection.waitFor(isBatch);
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      await expect
        .poll(
          () => {
            gc();
            return requests.filter((ref) => ref.deref() !== undefined).length;
          },
          { timeout: 5000, interval: 100 },
        )
        .toBe(0);
      expect(requests).toHaveLength(2);
      // The stream is alive and well meanwhile.
      expect(connection.isEnded()).toBe(false);
      connection.close();
    } finally {
      await held.close();
    }
  });

  it("log a stream's end with its request id and duration, as Fastify logs a request's", async () => {
    const lines: Array<{ msg?: string; reqId?: string; responseTime?: number; req?: { url?: string } }> = [];
    const logged = brokerFor(
      { ...bed.env, BROKER_DEV_USERS: USERS, BROKER_LOG_LEVEL: 'info' },
      {
        write: (line) => lines.push(JSON.parse(line)),
      },
    );
    try {
      const loggedBase = await listen(logged);
      const grace = await sseSession(logged, 'grace', 'dev-grace-log');
      const connection = await openSse(`${loggedBase}/api/matrix/events`, { cookie: grace.cookie });
      await connection.waitFor(isBatch);
      const incoming = lines.find((line) => line.req?.url === '/api/matrix/events');
      expect(incoming?.reqId).toEqual(expect.any(String));
      connection.close();
      await expect
        .poll(() => lines.find((line) => line.msg === 'event stream ended'), { timeout: 5000, interval: 50 })
        .toMatchObject({ reqId: incoming?.reqId, responseTime: expect.any(Number) });
    } finally {
      await logged.close();
    }
  });

  it('outlive their last stream until idle, then stop', async () => {
    const idleApp = brokerFor({ ...bed.env, BROKER_DEV_USERS: USERS, BROKER_SSE_IDLE_SECONDS: '1' });
    try {
      const idleBase = await listen(idleApp);
      const carol = await sseSession(idleApp, 'carol', 'dev-carol-idle');
      const connection = await openSse(`${idleBase}/api/matrix/events`, { cookie: carol.cookie });
      await connection.waitFor(isBatch);
      connection.close();
      await connection.ended;
      expect(idleApp.services.sse.hasLoop(mxid('carol'))).toBe(true);
      await expect
        .poll(() => idleApp.services.sse.hasLoop(mxid('carol')), { timeout: 6000, interval: 100 })
        .toBe(false);
      expect((await idleApp.inject({ url: '/metrics' })).body).toMatch(/openmeet_broker_sse_sync_loops 0/);
    } finally {
      await idleApp.close();
    }
  });

  it("long-poll Synapse over the broker's own HTTP client: woken answers, aborts at once, refusals", async () => {
    const { synapse } = app.services;
    await sseSession(app, 'judy');
    const first = await synapse.sync(mxid('judy'), { filter: SYNC_FILTER, timeoutMs: 0 });
    expect(first.next_batch).toEqual(expect.any(String));
    const since = first.next_batch as string;
    const started = Date.now();
    const polling = synapse.sync(mxid('judy'), { since, filter: SYNC_FILTER, timeoutMs: 20_000 });
    const roomId = await roomWith(matrix, mxid('frank'), [mxid('judy')]);
    const woken = await polling;
    expect(Date.now() - started).toBeLessThan(15_000);
    // The invite (or, if it came first, the join) woke it.
    expect(JSON.stringify(woken.rooms)).toContain(roomId);

    // Caught up (the join may have come after the invite), so the next long-poll has nothing to say.
    const caughtUp = await synapse.sync(mxid('judy'), {
      since: woken.next_batch as string,
      filter: SYNC_FILTER,
      timeoutMs: 0,
    });
    const controller = new AbortController();
    const reason = new Error('sync loop stopped: idle');
    const aborted = synapse.sync(
      mxid('judy'),
      { since: caughtUp.next_batch as string, filter: SYNC_FILTER, timeoutMs: 20_000 },
      controller.signal,
    );
    setTimeout(() => controller.abort(reason), 100);
    await expect(aborted).rejects.toBe(reason);
    expect(synapse.circuitState).toBe('closed');

    // Outside the appservice's namespace: Synapse's refusal, with its status and errcode.
    const refused = await synapse
      .sync('@someone_else:localhost', { filter: SYNC_FILTER, timeoutMs: 0 })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'OM_SYNAPSE_ERROR', upstream: { status: 403 } });
  });
});

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrokerTestbed,
  brokerFor,
  type MatrixCalls,
  matrixCalls,
  sessionFor,
  startBrokerTestbed,
} from '../support/brokerTestbed.js';
import { dataOf, listen, ORIGIN, roomWith, sendText, sseSession } from '../support/sseBed.js';
import { openSse, type SseConnection } from '../support/sseClient.js';

const USERS = 'alice,bob,carol,dave,erin';
const mxid = (user: string) => `@om_${user}:localhost`;
const enc = encodeURIComponent;

let bed: BrokerTestbed;
let matrix: MatrixCalls;
let app: FastifyInstance;
let base: string;
const open: SseConnection[] = [];

interface Answer<T> {
  status: number;
  headers: Headers;
  body: T;
  bytes: Buffer;
}

/** A client-server call as the SDK makes it in SSE mode: base URL `<broker>/api/matrix/proxy`. */
async function call<T = Record<string, unknown>>(
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<Answer<T>> {
  const headers: Record<string, string> = { origin: ORIGIN };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = contentType;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? null : Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const isJson = response.headers.get('content-type')?.includes('json');
  return {
    status: response.status,
    headers: response.headers,
    body: (isJson && bytes.length > 0 ? JSON.parse(bytes.toString()) : {}) as T,
    bytes,
  };
}
const proxied = <T = Record<string, unknown>>(
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
) => call<T>(`${base}/api/matrix/proxy`, token, method, path, body);
const direct = <T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) =>
  call<T>(bed.testbed.homeserverUrl, token, method, path, body);

async function tokenOf(user: string, deviceKey = `dev-${user}-proxy`): Promise<string> {
  const { response } = await sessionFor(app, user, deviceKey);
  if (response.statusCode !== 200) throw new Error(`session ${response.statusCode} ${response.body}`);
  return response.json<{ accessToken: string }>().accessToken;
}

beforeAll(async () => {
  bed = await startBrokerTestbed();
  matrix = matrixCalls(bed);
  app = brokerFor({
    ...bed.env,
    BROKER_DEV_USERS: USERS,
    BROKER_CORS_ORIGINS: ORIGIN,
    BROKER_PROXY_UPLOAD_MAX_BYTES: '1048576',
  });
  base = await listen(app);
}, 180_000);

afterAll(async () => {
  for (const connection of open) connection.close();
  await app?.close();
  await bed?.stop();
});

describe('/api/matrix/proxy/* with a real Synapse', () => {
  it('sends with a transaction id once, however the message travels (proxy, then direct)', async () => {
    const token = await tokenOf('alice');
    const roomId = await roomWith(matrix, mxid('alice'), []);
    const txn = `t${randomBytes(6).toString('hex')}`;
    const path = `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/${txn}`;
    const content = { msgtype: 'm.text', body: `once ${txn}` };
    const viaProxy = await proxied<{ event_id: string }>(token, 'PUT', path, content);
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.headers.get('set-cookie')).toBeNull();
    const viaDirect = await direct<{ event_id: string }>(token, 'PUT', path, content);
    expect(viaDirect.status).toBe(200);
    expect(viaDirect.body.event_id).toBe(viaProxy.body.event_id);

    const messages = await proxied<{ chunk: Array<{ event_id: string; content: { body?: string } }> }>(
      token,
      'GET',
      `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=20`,
    );
    expect(messages.status).toBe(200);
    expect(messages.body.chunk.filter((event) => event.content.body === content.body)).toHaveLength(1);
    const event = await proxied<{ event_id: string }>(
      token,
      'GET',
      `/_matrix/client/v3/rooms/${enc(roomId)}/event/${enc(viaProxy.body.event_id)}`,
    );
    expect(event.body.event_id).toBe(viaProxy.body.event_id);
    const members = await proxied<{ chunk: unknown[] }>(
      token,
      'GET',
      `/_matrix/client/v3/rooms/${enc(roomId)}/members`,
    );
    expect(members.status).toBe(200);
    expect(members.body.chunk.length).toBeGreaterThan(0);
  });

  it('redacts, types, sends receipts and read markers, joins', async () => {
    const token = await tokenOf('bob');
    const roomId = await roomWith(matrix, mxid('alice'), []);
    await matrix.as(mxid('alice'), `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, {
      method: 'POST',
      body: { user_id: mxid('bob') },
    });
    const joined = await proxied<{ room_id: string }>(
      token,
      'POST',
      `/_matrix/client/v3/join/${enc(roomId)}`,
      {},
    );
    expect(joined.status).toBe(200);
    expect(joined.body.room_id).toBe(roomId);

    const room = `/_matrix/client/v3/rooms/${enc(roomId)}`;
    const sent = await proxied<{ event_id: string }>(token, 'PUT', `${room}/send/m.room.message/r1`, {
      msgtype: 'm.text',
      body: 'to be redacted',
    });
    const redacted = await proxied<{ event_id: string }>(
      token,
      'PUT',
      `${room}/redact/${enc(sent.body.event_id)}/r2`,
      { reason: 'test' },
    );
    expect(redacted.status).toBe(200);
    expect(redacted.body.event_id).toMatch(/^\$/);
    const after = await proxied<{ content: Record<string, unknown> }>(
      token,
      'GET',
      `${room}/event/${enc(sent.body.event_id)}`,
    );
    expect(after.body.content).toEqual({});

    const typing = await proxied(token, 'PUT', `${room}/typing/${enc(mxid('bob'))}`, {
      typing: true,
      timeout: 5000,
    });
    expect(typing.status).toBe(200);
    const receipt = await proxied(token, 'POST', `${room}/receipt/m.read/${enc(redacted.body.event_id)}`, {});
    expect(receipt.status).toBe(200);
    const markers = await proxied(token, 'POST', `${room}/read_markers`, {
      'm.fully_read': redacted.body.event_id,
      'm.read': redacted.body.event_id,
    });
    expect(markers.status).toBe(200);
    const readMarker = await matrix.as<{ event_id: string }>(
      mxid('bob'),
      `/_matrix/client/v3/user/${enc(mxid('bob'))}/rooms/${enc(roomId)}/account_data/m.fully_read`,
    );
    expect(readMarker.body.event_id).toBe(redacted.body.event_id);
  });

  it('puts, changes and deletes a push rule; searches; reads a profile; stores a filter', async () => {
    const token = await tokenOf('carol');
    const rule = `/_matrix/client/v3/pushrules/global/override/om.test.${randomBytes(3).toString('hex')}`;
    const put = await proxied(token, 'PUT', rule, {
      actions: ['dont_notify'],
      conditions: [{ kind: 'event_match', key: 'content.body', pattern: 'mute me' }],
    });
    expect(put.status).toBe(200);
    expect((await proxied(token, 'PUT', `${rule}/enabled`, { enabled: false })).status).toBe(200);
    expect((await proxied(token, 'PUT', `${rule}/actions`, { actions: ['notify'] })).status).toBe(200);
    const ruleId = rule.split('/').at(-1);
    type Rules = { global: { override: Array<{ rule_id: string; enabled: boolean; actions: unknown[] }> } };
    const listed = await proxied<Rules>(token, 'GET', '/_matrix/client/v3/pushrules/');
    expect(listed.body.global.override.find((r) => r.rule_id === ruleId)).toMatchObject({
      enabled: false,
      actions: ['notify'],
    });
    expect((await proxied(token, 'DELETE', rule)).status).toBe(200);
    const gone = await proxied<Rules>(token, 'GET', '/_matrix/client/v3/pushrules/');
    expect(gone.body.global.override.some((r) => r.rule_id === ruleId)).toBe(false);

    const roomId = await roomWith(matrix, mxid('carol'), []);
    const term = `needle${randomBytes(4).toString('hex')}`;
    await sendText(matrix, mxid('carol'), roomId, `a ${term} in a haystack`);
    type Search = { search_categories: { room_events: { count: number; results: unknown[] } } };
    const found = await proxied<Search>(token, 'POST', '/_matrix/client/v3/search', {
      search_categories: { room_events: { search_term: term } },
    });
    expect(found.status).toBe(200);
    expect(found.body.search_categories.room_events.results).toHaveLength(1);

    const profile = await proxied<{ displayname?: string }>(
      token,
      'GET',
      `/_matrix/client/v3/profile/${enc(mxid('carol'))}`,
    );
    expect(profile.status).toBe(200);
    const filter = await proxied<{ filter_id: string }>(
      token,
      'POST',
      `/_matrix/client/v3/user/${enc(mxid('carol'))}/filter`,
      {
        room: { timeline: { limit: 10 } },
      },
    );
    expect(filter.status).toBe(200);
    expect(filter.body.filter_id).toEqual(expect.any(String));
  });

  it('uploads a file and streams it back with the bytes intact and content sandboxed', async () => {
    const token = await tokenOf('dave');
    const bytes = randomBytes(300_000);
    const uploaded = await call<{ content_uri: string }>(
      `${base}/api/matrix/proxy`,
      token,
      'POST',
      '/_matrix/media/v3/upload?filename=page.html',
      bytes,
      'text/html',
    );
    expect(uploaded.status).toBe(200);
    const [server, mediaId] = uploaded.body.content_uri.replace('mxc://', '').split('/') as [string, string];
    const downloaded = await proxied(token, 'GET', `/_matrix/client/v1/media/download/${server}/${mediaId}`);
    expect(downloaded.status).toBe(200);
    expect(downloaded.bytes.equals(bytes)).toBe(true);
    expect(downloaded.headers.get('content-length')).toBe(String(bytes.length));
    expect(downloaded.headers.get('content-type')).toMatch(/^text\/html/);
    expect(downloaded.headers.get('content-security-policy')).toMatch(/^sandbox/);
    expect(downloaded.headers.get('x-content-type-options')).toBe('nosniff');
    expect(downloaded.headers.get('content-disposition')).toMatch(/attachment/);
    expect(downloaded.headers.get('access-control-allow-origin')).toBe(ORIGIN);

    const named = await proxied(
      token,
      'GET',
      `/_matrix/client/v1/media/download/${server}/${mediaId}/other.bin`,
    );
    expect(named.status).toBe(200);
    expect(named.bytes.equals(bytes)).toBe(true);
    const config = await proxied<{ 'm.upload.size'?: number }>(
      token,
      'GET',
      '/_matrix/client/v1/media/config',
    );
    expect(config.status).toBe(200);

    const tooBig = await call(
      `${base}/api/matrix/proxy`,
      token,
      'POST',
      '/_matrix/media/v3/upload',
      randomBytes(1_100_000),
      'application/octet-stream',
    );
    expect(tooBig.status).toBe(413);
    expect((tooBig.body as { error: { code: string } }).error.code).toBe('OM_BODY_TOO_LARGE');
  });

  it("passes Synapse's refusals through: 401 M_UNKNOWN_TOKEN, 429 M_LIMIT_EXCEEDED with retry info", async () => {
    const unknown = await proxied<{ errcode: string }>(
      'syt_not_a_real_token_0000',
      'GET',
      '/_matrix/client/v3/pushrules/',
    );
    expect(unknown.status).toBe(401);
    expect(unknown.body.errcode).toBe('M_UNKNOWN_TOKEN');
    const none = await proxied<{ error: { code: string } }>(
      undefined,
      'GET',
      '/_matrix/client/v3/pushrules/',
    );
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('OM_PROXY_AUTH_MISSING');
    const sync = await proxied<{ error: { code: string } }>(
      await tokenOf('erin'),
      'GET',
      '/_matrix/client/v3/sync',
    );
    expect(sync.status).toBe(404);
    expect(sync.body.error.code).toBe('OM_PROXY_NOT_ALLOWED');

    // The test bed relaxes Synapse's limits; this user's message limit is put back down.
    const override = await matrix.admin(`/_synapse/admin/v1/users/${enc(mxid('erin'))}/override_ratelimit`, {
      method: 'POST',
      body: { messages_per_second: 1, burst_count: 1 },
    });
    expect(override.status, JSON.stringify(override.body)).toBe(200);
    const token = await tokenOf('erin');
    const roomId = await roomWith(matrix, mxid('erin'), []);
    let limited: Answer<{ errcode?: string; retry_after_ms?: number }> | undefined;
    for (let i = 0; i < 5 && !limited; i++) {
      const sent = await proxied<{ errcode?: string; retry_after_ms?: number }>(
        token,
        'PUT',
        `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/rl${i}`,
        { msgtype: 'm.text', body: `${i}` },
      );
      if (sent.status === 429) limited = sent;
    }
    expect(limited?.body.errcode).toBe('M_LIMIT_EXCEEDED');
    expect(limited?.body.retry_after_ms).toBeGreaterThan(0);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('GET /api/matrix/events?since=', () => {
  it('continues exactly after a direct /sync: the next message, nothing before it', async () => {
    const token = await tokenOf('alice', 'dev-alice-since');
    const roomId = await roomWith(matrix, mxid('alice'), []);
    const before = `before-${randomBytes(4).toString('hex')}`;
    await sendText(matrix, mxid('alice'), roomId, before);
    const synced = await direct<{ next_batch: string }>(token, 'GET', '/_matrix/client/v3/sync?timeout=0');
    expect(synced.status).toBe(200);
    const afterBody = `after-${randomBytes(4).toString('hex')}`;
    await sendText(matrix, mxid('alice'), roomId, afterBody);

    const session = await sseSession(app, 'alice', 'dev-alice-since');
    const connection = await openSse(`${base}/api/matrix/events?since=${enc(synced.body.next_batch)}`, {
      cookie: session.cookie,
    });
    open.push(connection);
    expect(connection.status).toBe(200);
    await connection.waitFor(
      (event) => event.type === 'm.room.message' && dataOf(event).event?.content.body === afterBody,
    );
    const marker = await connection.waitFor((event) => event.type === 'org.openmeet.batch');
    expect(dataOf(marker).initial).toBe(false);
    expect(connection.events.some((event) => event.data.includes(before))).toBe(false);
    expect(connection.events.some((event) => event.type === 'org.openmeet.resync')).toBe(false);
    connection.close();
  });

  it('answers a token Synapse refuses with a resync and a fresh initial sync', async () => {
    const session = await sseSession(app, 'bob', 'dev-bob-since');
    const connection = await openSse(`${base}/api/matrix/events?since=not-a-sync-token`, {
      cookie: session.cookie,
    });
    open.push(connection);
    expect(connection.status).toBe(200);
    const marker = await connection.waitFor((event) => event.type === 'org.openmeet.batch');
    expect(dataOf(marker).initial).toBe(true);
    expect(connection.events[0]?.type).toBe('org.openmeet.resync');
    expect(dataOf(connection.events[0] as { data: string }).reason).toBe('unknown cursor');
    connection.close();
  });
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/buildApp.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { matchProxyRoute, PROXY_PATTERNS } from '../../src/proxy/index.js';
import { listen, ORIGIN } from '../support/sseBed.js';

/** A stand-in homeserver that records what reaches it and answers as told. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
let seen: Seen[] = [];
let answer: (url: string) => { status: number; headers?: Record<string, string>; body?: string } | 'hang';
let upstream: Server;
let upstreamUrl: string;

function baseEnv(homeserverUrl: string, extra: Record<string, string> = {}) {
  return {
    NODE_ENV: 'test',
    BROKER_LOG_LEVEL: 'silent',
    MATRIX_HOMESERVER_URL: homeserverUrl,
    MATRIX_SERVER_NAME: 'localhost',
    SYNAPSE_ADMIN_TOKEN: 'admin-token-not-used',
    MATRIX_AS_TOKEN: 'as-token-not-used',
    BROKER_DEV_IDENTITY: 'true',
    BROKER_MAX_EVENT_LOOP_DELAY_MS: '0',
    BROKER_CORS_ORIGINS: ORIGIN,
    ...extra,
  };
}

const TOKEN = 'syt_b21fYWxpY2U_abcdefghijklmnopqrst_0a1b2c';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const P = '/api/matrix/proxy';
const SEND = `${P}/_matrix/client/v3/rooms/!room%3Alocalhost/send/m.room.message/txn1`;

let app: FastifyInstance;

beforeAll(async () => {
  upstream = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      const planned = answer(request.url ?? '');
      if (planned === 'hang') return;
      response.writeHead(planned.status, { 'content-type': 'application/json', ...planned.headers });
      response.end(planned.body ?? '{}');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  app = buildApp(
    loadConfig(
      baseEnv(upstreamUrl, {
        BROKER_PROXY_UPLOAD_MAX_BYTES: '131072',
        BROKER_PROXY_TIMEOUT_SECONDS: '1',
        BROKER_PROXY_MEDIA_TIMEOUT_SECONDS: '1',
      }),
    ),
  );
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
});

beforeEach(() => {
  seen = [];
  answer = () => ({ status: 200, body: '{"ok":true}' });
});

describe('the proxy allowlist', () => {
  it('matches each allowed pattern and builds the path from the checked segments', () => {
    expect(PROXY_PATTERNS).toContain('PUT /_matrix/client/v3/rooms/{room}/send/{type}/{txn}');
    expect(matchProxyRoute('PUT', '/_matrix/client/v3/rooms/!r%3Ahs/send/m.room.message/t%201')).toEqual({
      route: { pattern: 'PUT /_matrix/client/v3/rooms/{room}/send/{type}/{txn}', media: false },
      path: '/_matrix/client/v3/rooms/!r%3Ahs/send/m.room.message/t%201',
    });
    expect(matchProxyRoute('GET', '/_matrix/client/v3/pushrules/')?.route.pattern).toBe(
      'GET /_matrix/client/v3/pushrules/',
    );
    expect(matchProxyRoute('GET', '/_matrix/client/v1/media/download/hs/abc/cat.png')?.route.media).toBe(
      true,
    );
    expect(matchProxyRoute('POST', '/_matrix/media/v3/upload')?.route.media).toBe(true);
  });

  it('refuses other methods, paths, traversal, encoded slashes and empty segments', () => {
    for (const [method, path] of [
      ['GET', '/_matrix/client/v3/sync'],
      ['GET', '/_synapse/admin/v1/users'],
      ['POST', '/_matrix/client/v3/rooms/!r:hs/send/m.room.message/t'],
      ['DELETE', '/_matrix/client/v3/pushrules/global/override/r/enabled'],
      ['GET', '/_matrix/client/v3/rooms/!r:hs/messages/..'],
      ['GET', '/_matrix/client/v3/rooms/../messages'],
      ['GET', '/_matrix/client/v3/rooms/%2e%2e/messages'],
      ['GET', '/_matrix/client/v3/rooms/a%2Fb/messages'],
      ['GET', '/_matrix/client/v3/rooms/a%5Cb/messages'],
      ['GET', '/_matrix/client/v3/rooms//messages'],
      ['GET', '/_matrix//client/v3/pushrules/'],
      ['GET', '/_matrix/client/v3/pushrules'],
      ['GET', '/_matrix/client/v3/rooms/%E0%A4%A/messages'],
      ['GET', '_matrix/client/v3/pushrules/'],
    ] as const) {
      expect(matchProxyRoute(method, path), `${method} ${path}`).toBeUndefined();
    }
  });
});

describe('/api/matrix/proxy/* against a stand-in homeserver', () => {
  it('refuses what is not allowlisted with 404 OM_PROXY_NOT_ALLOWED, never reaching the homeserver', async () => {
    for (const [method, url] of [
      ['GET', `${P}/_matrix/client/v3/sync`],
      ['GET', `${P}/_synapse/admin/v1/users`],
      ['GET', `${P}/_matrix/client/v3/rooms/../../../_synapse/admin/v1/users`],
      ['GET', `${P}/_matrix/client/v3/rooms/!r%3Ahs%2F..%2F..%2Fsync/messages`],
      ['GET', `${P}/_matrix/client/v3/rooms/%2e%2e/messages`],
      ['POST', `${P}/_matrix/client/v3/createRoom`],
      ['DELETE', SEND],
    ] as const) {
      const response = await app.inject({ method, url, headers: AUTH });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('OM_PROXY_NOT_ALLOWED');
    }
    expect(seen).toHaveLength(0);
  });

  it('answers 401 OM_PROXY_AUTH_MISSING without a Matrix bearer token, never reaching the homeserver', async () => {
    const hostJwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
    for (const headers of [
      {},
      { authorization: 'Basic YWxpY2U6cHc=' },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${hostJwt}` },
      { cookie: 'om_sse=abc' },
    ]) {
      const response = await app.inject({ method: 'GET', url: `${P}/_matrix/client/v3/pushrules/`, headers });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('OM_PROXY_AUTH_MISSING');
    }
    const queryToken = await app.inject({
      method: 'GET',
      url: `${P}/_matrix/client/v3/pushrules/?access_token=${TOKEN}`,
    });
    expect(queryToken.statusCode).toBe(401);
    expect(seen).toHaveLength(0);
  });

  it('relays method, path, query and body with only the allowed headers, and answers as the homeserver did', async () => {
    answer = () => ({
      status: 200,
      headers: { 'set-cookie': 'synapse=1', 'x-internal': 'yes', 'cache-control': 'no-store' },
      body: '{"event_id":"$e"}',
    });
    const response = await app.inject({
      method: 'PUT',
      url: `${SEND}?ts=1&x=a%20b`,
      headers: {
        ...AUTH,
        'content-type': 'application/json',
        accept: 'application/json',
        cookie: 'host_session=jwt; om_sse=s',
        'x-openmeet-csrf': 'c',
        'user-agent': 'browser',
        'x-forwarded-for': '1.2.3.4',
        origin: ORIGIN,
      },
      payload: '{"msgtype":"m.text","body":"hi"}',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ event_id: '$e' });
    expect(response.headers['set-cookie']).toBeUndefined();
    expect(response.headers['x-internal']).toBeUndefined();
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(response.headers['access-control-expose-headers']).toMatch(/retry-after/);
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.method).toBe('PUT');
    expect(request?.url).toBe(
      '/_matrix/client/v3/rooms/!room%3Alocalhost/send/m.room.message/txn1?ts=1&x=a%20b',
    );
    expect(request?.body.toString()).toBe('{"msgtype":"m.text","body":"hi"}');
    expect(Object.keys(request?.headers ?? {}).sort()).toEqual(
      ['accept', 'authorization', 'connection', 'content-length', 'content-type', 'host'].sort(),
    );
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('passes Matrix errors through unchanged: status, body and Retry-After', async () => {
    answer = () => ({
      status: 429,
      headers: { 'retry-after': '3' },
      body: '{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":2500}',
    });
    const limited = await app.inject({ method: 'PUT', url: SEND, headers: AUTH, payload: {} });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('3');
    expect(limited.json()).toEqual({
      errcode: 'M_LIMIT_EXCEEDED',
      error: 'Too Many Requests',
      retry_after_ms: 2500,
    });
  });

  it('refuses an oversized upload with 413 before the homeserver sees it, also when chunked', async () => {
    const upload = `${P}/_matrix/media/v3/upload?filename=big.bin`;
    const declared = await app.inject({
      method: 'POST',
      url: upload,
      headers: { ...AUTH, 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(200_000),
    });
    expect(declared.statusCode).toBe(413);
    expect(declared.json().error.code).toBe('OM_BODY_TOO_LARGE');
    expect(seen).toHaveLength(0);

    // No Content-Length: the body is counted as it is relayed.
    const base = await listen(app);
    const chunks = [Buffer.alloc(100_000), Buffer.alloc(100_000)];
    const response = await fetch(`${base}${upload}`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/octet-stream' },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('OM_BODY_TOO_LARGE');

    // Below the limit (and above the JSON body limit) an upload goes through.
    const fits = await app.inject({
      method: 'POST',
      url: upload,
      headers: { ...AUTH, 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(100_000, 7),
    });
    expect(fits.statusCode).toBe(200);
    expect(seen.at(-1)?.body.length).toBe(100_000);
  });

  it('answers 503 OM_SYNAPSE_UNAVAILABLE with Retry-After when the homeserver is silent or down', async () => {
    answer = () => 'hang';
    const silent = await app.inject({
      method: 'GET',
      url: `${P}/_matrix/client/v3/pushrules/`,
      headers: AUTH,
    });
    expect(silent.statusCode).toBe(503);
    expect(silent.json().error.code).toBe('OM_SYNAPSE_UNAVAILABLE');
    expect(silent.headers['retry-after']).toBeDefined();

    const downApp = buildApp(loadConfig(baseEnv('http://127.0.0.1:9')));
    try {
      const down = await downApp.inject({
        method: 'GET',
        url: `${P}/_matrix/client/v3/pushrules/`,
        headers: AUTH,
      });
      expect(down.statusCode).toBe(503);
      expect(down.json().error.code).toBe('OM_SYNAPSE_UNAVAILABLE');
      expect(down.headers['retry-after']).toBe('5');
    } finally {
      await downApp.close();
    }
  });

  it('lets an allowed origin through the CORS preflight with an Authorization header', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: SEND,
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/authorization/i);
    expect(String(preflight.headers['access-control-allow-methods'])).toMatch(/PUT/);
    const foreign = await app.inject({
      method: 'OPTIONS',
      url: SEND,
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PUT' },
    });
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(seen).toHaveLength(0);
  });

  it("passes the preflight of the SDK's OPTIONS warm-up, whose cached answer then covers the send", async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: SEND,
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'OPTIONS',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    const methods = String(preflight.headers['access-control-allow-methods']).split(/,\s*/);
    expect(methods).toEqual(expect.arrayContaining(['OPTIONS', 'PUT']));
    expect(String(preflight.headers['access-control-allow-headers'])).toMatch(/authorization/i);
    // The warm-up request itself, after its preflight: answered here, never relayed.
    const warmUp = await app.inject({
      method: 'OPTIONS',
      url: SEND,
      headers: { origin: ORIGIN, authorization: 'Bearer device-token' },
    });
    expect(warmUp.statusCode).toBe(204);
    expect(seen).toHaveLength(0);
  });

  it('counts relayed requests by route pattern and status', async () => {
    await app.inject({ method: 'GET', url: `${P}/_matrix/client/v3/pushrules/`, headers: AUTH });
    await app.inject({ method: 'GET', url: `${P}/_matrix/client/v3/sync`, headers: AUTH });
    const body = (await app.inject({ url: '/metrics' })).body;
    expect(body).toMatch(
      /openmeet_broker_proxy_requests_total\{route="GET \/_matrix\/client\/v3\/pushrules\/",status="200"\} [1-9]/,
    );
    expect(body).toMatch(/openmeet_broker_proxy_requests_total\{route="not allowed",status="404"\} [1-9]/);
  });

  it('rate-limits per Matrix token, and counts tokens the homeserver refuses against the IP', async () => {
    const limitedApp = buildApp(loadConfig(baseEnv(upstreamUrl, { BROKER_RATE_LIMIT_PER_MINUTE: '3' })));
    try {
      const get = (token: string) =>
        limitedApp.inject({
          method: 'GET',
          url: `${P}/_matrix/client/v3/pushrules/`,
          headers: { authorization: `Bearer ${token}` },
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await get(TOKEN)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect((await get(`${TOKEN}-other`)).statusCode).toBe(200);

      answer = () => ({ status: 401, body: '{"errcode":"M_UNKNOWN_TOKEN","error":"Unknown token"}' });
      for (let i = 0; i < 3; i++) expect((await get(`guess-${i}`)).statusCode).toBe(401);
      const blocked = await get('guess-3');
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json().error.code).toBe('OM_RATE_LIMITED');
    } finally {
      await limitedApp.close();
    }
  });

  it('never logs the bearer token or a token in the query', async () => {
    const lines: string[] = [];
    const logged = buildApp(
      loadConfig(baseEnv(upstreamUrl, { BROKER_LOG_LEVEL: 'info', BROKER_PROXY_TIMEOUT_SECONDS: '1' })),
      {
        logStream: { write: (line) => lines.push(line) },
      },
    );
    try {
      await logged.inject({
        method: 'GET',
        url: `${P}/_matrix/client/v3/pushrules/?access_token=${TOKEN}`,
        headers: AUTH,
      });
      await logged.inject({ method: 'GET', url: `${P}/_matrix/client/v3/pushrules/`, headers: AUTH });
      answer = () => 'hang';
      await logged.inject({ method: 'GET', url: `${P}/_matrix/client/v3/pushrules/`, headers: AUTH });
    } finally {
      await logged.close();
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.join('\n')).toContain('/api/matrix/proxy/_matrix/client/v3/pushrules/');
  });
});

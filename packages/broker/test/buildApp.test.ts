import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/buildApp.js';
import { loadConfig } from '../src/config/loadConfig.js';
import { hostTokenFor } from './support/brokerTestbed.js';

// Nothing listens on port 9: every call to "Synapse" fails at once.
const env = {
  NODE_ENV: 'test',
  BROKER_LOG_LEVEL: 'silent',
  MATRIX_HOMESERVER_URL: 'http://127.0.0.1:9',
  MATRIX_SERVER_NAME: 'localhost',
  SYNAPSE_ADMIN_TOKEN: 'admin-token-not-used',
  MATRIX_AS_TOKEN: 'as-token-not-used',
  BROKER_DEV_IDENTITY: 'true',
  BROKER_BODY_LIMIT: '2048',
  BROKER_TRUSTED_PROXIES: '10.0.0.1',
};

describe('broker HTTP surface', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = buildApp(loadConfig(env));
    await app.ready();
  });
  afterAll(() => app?.close());

  it('reports liveness on /healthz and readiness failures on /readyz', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().error.code).toBe('OM_SYNAPSE_UNAVAILABLE');
    expect(ready.headers['retry-after']).toBe('5');
  });

  it('answers unknown routes with a JSON 404 carrying a code', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'OM_NOT_FOUND', message: 'No such route' } });
  });

  it('rejects a body with __proto__ (400) and an oversized body (413)', async () => {
    const token = await hostTokenFor(app, 'alice');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const poisoned = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers,
      payload: '{"deviceKey":"tab-00000001","__proto__":{"admin":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().error.code).toBe('OM_BAD_REQUEST');
    expect(({} as Record<string, unknown>).admin).toBeUndefined();

    const oversized = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers,
      payload: JSON.stringify({ deviceKey: 'x'.repeat(4096) }),
    });
    expect(oversized.statusCode).toBe(413);
    expect(oversized.json().error.code).toBe('OM_BODY_TOO_LARGE');
  });

  it('needs a host session, and tells a missing one from a malformed one', async () => {
    const missing = await app.inject({
      method: 'POST',
      url: '/v1/session',
      payload: { deviceKey: 'tab-00000001' },
    });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().error.code).toBe('OM_AUTH_MISSING');
    const malformed = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { authorization: 'Bearer not.a.jwt' },
      payload: { deviceKey: 'tab-00000001' },
    });
    expect(malformed.json().error.code).toBe('OM_AUTH_MALFORMED');
  });

  it('also takes the host session from the configured cookie', async () => {
    const withCookie = buildApp(loadConfig({ ...env, HOST_JWT_COOKIE: 'host_session' }));
    try {
      const token = await hostTokenFor(withCookie, 'alice');
      const response = await withCookie.inject({
        method: 'POST',
        url: '/v1/session',
        cookies: { host_session: token },
        payload: { deviceKey: 'tab-00000001' },
      });
      // Past authentication: it fails on the (dead) homeserver, not with OM_AUTH_MISSING.
      expect(response.json().error.code).toBe('OM_SYNAPSE_UNAVAILABLE');
      const other = await withCookie.inject({
        method: 'POST',
        url: '/v1/session',
        cookies: { another_cookie: token },
        payload: { deviceKey: 'tab-00000001' },
      });
      expect(other.json().error.code).toBe('OM_AUTH_MISSING');
    } finally {
      await withCookie.close();
    }
  });

  it('answers 503 with Retry-After when Synapse is down', async () => {
    const token = await hostTokenFor(app, 'bob');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { authorization: `Bearer ${token}` },
      payload: { deviceKey: 'tab-00000001' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('OM_SYNAPSE_UNAVAILABLE');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('publishes OpenAPI at /docs', async () => {
    const spec = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toEqual(
      expect.arrayContaining(['/v1/session', '/healthz', '/readyz']),
    );
  });
});

describe('rate limiting', () => {
  let app: FastifyInstance;
  let carol: string;
  let dave: string;
  beforeAll(async () => {
    app = buildApp(loadConfig({ ...env, BROKER_RATE_LIMIT_PER_MINUTE: '3' }));
    await app.ready();
    // Two of the local IP's three requests; the rest of this suite is limited per user or per client IP.
    carol = await hostTokenFor(app, 'carol');
    dave = await hostTokenFor(app, 'dave');
  });
  afterAll(() => app?.close());

  it('limits per user on authenticated routes: 429 with Retry-After, other users unaffected', async () => {
    const call = (token: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/session',
        headers: { authorization: `Bearer ${token}` },
        payload: { deviceKey: 'tab-00000001' },
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(carol)).statusCode);
    // The first three reach the (dead) homeserver; the fourth is stopped by the limiter.
    expect(statuses.slice(0, 3)).toEqual([503, 503, 503]);
    const limited = await call(carol);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('OM_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call(dave)).statusCode).toBe(503);
  });

  it('honours X-Forwarded-For only from a trusted proxy', async () => {
    const fromProxy = (forwarded: string) =>
      app.inject({
        method: 'GET',
        url: '/v1/dev/jwks.json',
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': forwarded },
      });
    const spoofed = (forwarded: string) =>
      app.inject({
        method: 'GET',
        url: '/v1/dev/jwks.json',
        remoteAddress: '192.0.2.7',
        headers: { 'x-forwarded-for': forwarded },
      });
    // Behind the trusted proxy each client has its own bucket of 3 …
    for (let i = 0; i < 3; i++) expect((await fromProxy(`198.51.100.${i}`)).statusCode).toBe(200);
    // … while an untrusted caller cannot escape its bucket by inventing addresses.
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await spoofed(`203.0.113.${i}`)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('failed authentication', () => {
  it('is limited per IP even though the request limiter keys on users', async () => {
    const app = buildApp(
      loadConfig({ ...env, BROKER_RATE_LIMIT_PER_MINUTE: '3', BROKER_OPS_TOKEN: 'o'.repeat(40) }),
    );
    try {
      const bad = (url: string, remoteAddress: string) =>
        app.inject({
          method: 'POST',
          url,
          remoteAddress,
          headers: { authorization: 'Bearer not.a.jwt' },
          payload: { deviceKey: 'tab-00000001' },
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await bad('/v1/session', '198.51.100.9')).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Ops token guessing shares the same per-IP budget …
      expect((await bad('/v1/ops/users/alice/revoke', '198.51.100.9')).statusCode).toBe(429);
      // … and another client is unaffected.
      expect((await bad('/v1/ops/users/alice/revoke', '198.51.100.10')).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});

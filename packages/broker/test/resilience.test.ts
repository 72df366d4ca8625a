import { randomBytes } from 'node:crypto';
import { TcpProxy } from '@openmeet/testbed';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrokerTestbed,
  brokerFor,
  hostTokenFor,
  matrix,
  startBrokerTestbed,
} from './support/brokerTestbed.js';

const tokenKeys = `k1:${randomBytes(32).toString('base64')}`;

describe('outages and expiry (real Synapse, real Redis)', () => {
  let bed: BrokerTestbed;
  let app: FastifyInstance;
  let redisProxy: TcpProxy;

  beforeAll(async () => {
    bed = await startBrokerTestbed({ tokenLifetime: '3s' });
    const redis = new URL(bed.testbed.redisUrl);
    redisProxy = new TcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    await redisProxy.start();
    app = brokerFor({
      ...bed.env,
      REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      BROKER_REDIS_PREFIX: `om-test-${randomBytes(4).toString('hex')}:`,
      BROKER_TOKEN_KEYS: tokenKeys,
      BROKER_SSE_SECRET: 'sse-cursor-secret-for-tests-0123456789',
      BROKER_TOKEN_MIN_REMAINING_SECONDS: '1',
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await redisProxy?.cut();
    await bed?.stop();
  });

  const session = async (user: string, deviceKey = `tab-${user}-0001`) => {
    const token = await hostTokenFor(app, user);
    return app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { authorization: `Bearer ${token}` },
      payload: { deviceKey },
    });
  };

  it('a token dies with its lifetime: Synapse answers 401 M_UNKNOWN_TOKEN after expiresAt', async () => {
    const response = await session('alice');
    expect(response.statusCode).toBe(200);
    const { accessToken, expiresAt } = response.json<{ accessToken: string; expiresAt: number }>();
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(3000);
    const hs = bed.testbed.homeserverUrl;
    expect((await matrix(hs, '/_matrix/client/v3/account/whoami', { token: accessToken })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 500));
    const after = await matrix<{ errcode: string }>(hs, '/_matrix/client/v3/account/whoami', {
      token: accessToken,
    });
    expect(after.status).toBe(401);
    expect(after.body.errcode).toBe('M_UNKNOWN_TOKEN');
    // The next request mints a new one on the same device.
    const next = (await session('alice')).json<{ accessToken: string; deviceId: string }>();
    expect(next.accessToken).not.toBe(accessToken);
    expect((await matrix(hs, '/_matrix/client/v3/account/whoami', { token: next.accessToken })).status).toBe(
      200,
    );
  });

  it('Redis down: sessions fail closed with 503 in bounded time; Redis back: recovers by itself', async () => {
    expect((await session('bob')).statusCode).toBe(200);
    await redisProxy.cut();
    const started = performance.now();
    const down = await session('bob');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(down.statusCode).toBe(503);
    expect(down.json().error.code).toBe('OM_STORE_UNAVAILABLE');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().error.code).toBe(
      'OM_STORE_UNAVAILABLE',
    );

    await redisProxy.start();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await session('bob')).statusCode;
    }
    expect(status).toBe(200);
  });

  it('Synapse down: 503 with Retry-After; Synapse back: recovers without a restart', async () => {
    await bed.testbed.stopSynapse();
    try {
      const down = await session('carol');
      expect(down.statusCode).toBe(503);
      expect(down.json().error.code).toBe('OM_SYNAPSE_UNAVAILABLE');
      expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await bed.testbed.startSynapse();
    }
    let response = await session('carol');
    // The circuit breaker may still be open for a few seconds after Synapse returns.
    for (let i = 0; i < 100 && response.statusCode !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await session('carol');
    }
    expect(response.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  }, 60_000);
});

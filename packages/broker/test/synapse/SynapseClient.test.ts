import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/errors.js';
import { SynapseClient } from '../../src/synapse/SynapseClient.js';

// A scripted HTTP peer: these tests pin the client's retry and error rules; the real-Synapse
// behaviour is covered by the integration suites.
type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let queue: Handler[] = [];
let hits: Array<{ method: string | undefined; url: string | undefined; authorization: string | undefined }> =
  [];
let server: Server;
let baseUrl: string;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  ((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }) as Handler;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    const next = queue.shift() ?? json(500, { errcode: 'M_UNKNOWN' });
    req.resume().once('end', () => next(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  queue = [];
  hits = [];
  for (const res of stalled.splice(0)) res.destroy();
});

/** Answers late or never: the response is kept (and destroyed after the test). */
const stalled: ServerResponse[] = [];
const silent: Handler = (_req, res) => void stalled.push(res);
const headersThenSilence: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"next_batch":');
  stalled.push(res);
};

function client(overrides: Partial<ConstructorParameters<typeof SynapseClient>[0]> = {}) {
  let admin = 'admin-1';
  const instance = new SynapseClient({
    homeserverUrl: baseUrl,
    credentials: { adminToken: () => admin, asToken: () => 'as-1' },
    retries: 2,
    ...overrides,
  });
  return { instance, setAdmin: (value: string) => (admin = value) };
}

describe('SynapseClient', () => {
  it('waits out a short 429 (retry_after_ms) and succeeds', async () => {
    queue = [json(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 150 }), json(200, { devices: [] })];
    const { instance } = client();
    const started = performance.now();
    expect(await instance.listDevices('@a:localhost')).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(hits).toHaveLength(2);
    await instance.close();
  });

  it('passes a long 429 to the caller with Retry-After instead of blocking', async () => {
    queue = [json(429, { errcode: 'M_LIMIT_EXCEEDED' }, { 'retry-after': '30' })];
    const { instance } = client();
    const error = await instance.listDevices('@a:localhost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect(error).toMatchObject({ code: 'OM_SYNAPSE_RATE_LIMITED', retryAfterSeconds: 30 });
    expect(hits).toHaveLength(1);
    await instance.close();
  });

  it('retries 5xx, then reports the homeserver unavailable', async () => {
    queue = [json(502, {}), json(503, {}), json(500, {})];
    const { instance } = client();
    const error = await instance.listDevices('@a:localhost').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OM_SYNAPSE_UNAVAILABLE', upstream: { status: 500 } });
    expect(hits).toHaveLength(3);
    await instance.close();
  });

  it('does not retry a 4xx and carries errcode and status', async () => {
    queue = [json(403, { errcode: 'M_FORBIDDEN', error: 'You are not a server admin' })];
    const { instance } = client();
    const error = await instance.listDevices('@a:localhost').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'OM_SYNAPSE_ERROR',
      upstream: { status: 403, errcode: 'M_FORBIDDEN' },
    });
    expect((error as Error).message).not.toContain('admin-1');
    expect(hits).toHaveLength(1);
    await instance.close();
  });

  it('opens the circuit after repeated failures and answers at once with Retry-After', async () => {
    const { instance } = client({ retries: 0, breaker: { failureThreshold: 2, openMs: 60_000 } });
    queue = [json(500, {}), json(500, {})];
    await instance.health().catch(() => {});
    await instance.health().catch(() => {});
    const error = await instance.health().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OM_SYNAPSE_UNAVAILABLE' });
    expect((error as BrokerError).retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(hits).toHaveLength(2);
    await instance.close();
  });

  it('reads credentials per call, so a reloaded admin token applies at once', async () => {
    queue = [json(200, { devices: [] }), json(200, { devices: [] })];
    const { instance, setAdmin } = client();
    await instance.listDevices('@a:localhost');
    setAdmin('admin-2');
    await instance.listDevices('@a:localhost');
    expect(hits.map((h) => h.authorization)).toEqual(['Bearer admin-1', 'Bearer admin-2']);
    expect(hits[0]?.url).toBe('/_synapse/admin/v2/users/%40a%3Alocalhost/devices');
    await instance.close();
  });
});

describe('SynapseClient retries of creating calls', () => {
  it('does not repeat a login after a 5xx (it may have been made), but repeats a GET', async () => {
    queue = [json(502, {}), json(200, { user_id: '@a:localhost', access_token: 't', device_id: 'D' })];
    const { instance } = client();
    await expect(instance.appserviceLogin('@a:localhost', 'D', 'x')).rejects.toMatchObject({
      code: 'OM_SYNAPSE_UNAVAILABLE',
    });
    expect(hits).toHaveLength(1);
    queue = [json(502, {}), json(200, { devices: [] })];
    hits = [];
    expect(await instance.listDevices('@a:localhost')).toEqual([]);
    expect(hits).toHaveLength(2);
    await instance.close();
  });
});

describe('SynapseClient deadlines and aborts', () => {
  it('fails a call whose answer never starts after its timeout, as unavailable, and retries it', async () => {
    queue = [silent, silent];
    const { instance } = client({ timeoutMs: 200, retries: 1 });
    const started = performance.now();
    const error = await instance.listDevices('@a:localhost').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OM_SYNAPSE_UNAVAILABLE' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 190);
    // undici's timer wheel fires up to a second late.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(hits).toHaveLength(2);
    await instance.close();
  });

  it('fails a call whose body stalls after the headers, as unavailable', async () => {
    queue = [headersThenSilence];
    const { instance } = client({ timeoutMs: 200, retries: 0 });
    const error = await instance.listDevices('@a:localhost').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OM_SYNAPSE_UNAVAILABLE' });
    await instance.close();
  });

  it('gives a long-poll its poll timeout on top of the call timeout', async () => {
    queue = [(_req, res) => setTimeout(() => json(200, { next_batch: 's2' })(_req, res), 300), silent];
    const { instance } = client({ timeoutMs: 100, retries: 0 });
    const since = { filter: '{}', since: 's1' };
    // 300 ms is past the call timeout (100 ms) but within 250 + 100 ms.
    expect(await instance.sync('@a:localhost', { ...since, timeoutMs: 250 })).toEqual({ next_batch: 's2' });
    const started = performance.now();
    const error = await instance.sync('@a:localhost', { ...since, timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OM_SYNAPSE_UNAVAILABLE' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await instance.close();
  });

  it('ends a long-poll called off by its signal at once, with its reason: no retry, circuit closed', async () => {
    queue = [silent, silent, silent];
    const { instance } = client({ retries: 2, breaker: { failureThreshold: 1, openMs: 60_000 } });
    const loop = new AbortController();
    const polling = instance.sync(
      '@a:localhost',
      { filter: '{}', since: 's1', timeoutMs: 30_000 },
      loop.signal,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const reason = new Error('sync loop stopped: idle');
    loop.abort(reason);
    await expect(polling).rejects.toBe(reason);
    expect(hits).toHaveLength(1);
    expect(instance.circuitState).toBe('closed');
    await expect(instance.sync('@a:localhost', { filter: '{}', timeoutMs: 0 }, loop.signal)).rejects.toBe(
      reason,
    );
    expect(hits).toHaveLength(1);
    await instance.close();
  });

  it("leaves nothing attached to a loop's long-lived signal once each long-poll is over", async () => {
    const { instance } = client();
    const loop = new AbortController();
    for (let i = 0; i < 5; i++) {
      queue = [json(200, { next_batch: `s${i + 1}` })];
      await instance.sync('@a:localhost', { filter: '{}', since: `s${i}`, timeoutMs: 0 }, loop.signal);
      expect(getEventListeners(loop.signal, 'abort').length).toBeLessThanOrEqual(1);
    }
    queue = [json(404, { errcode: 'M_UNKNOWN' })];
    await instance.sync('@a:localhost', { filter: '{}', timeoutMs: 0 }, loop.signal).catch(() => {});
    // undici detaches when the answer's body closes, just after it was read.
    await new Promise((resolve) => setImmediate(resolve));
    expect(getEventListeners(loop.signal, 'abort')).toHaveLength(0);
    await instance.close();
  });

  it('asks for the sync as the user, with the filter, position and timeout, in one query', async () => {
    queue = [json(200, { next_batch: 's2' })];
    const { instance } = client();
    await instance.sync('@a:localhost', { filter: '{"room":{}}', since: 's1', timeoutMs: 30_000 });
    const url = new URL(hits[0]?.url ?? '', baseUrl);
    expect(url.pathname).toBe('/_matrix/client/v3/sync');
    expect([...url.searchParams]).toEqual([
      ['filter', '{"room":{}}'],
      ['timeout', '30000'],
      ['since', 's1'],
      ['user_id', '@a:localhost'],
    ]);
    expect(hits[0]?.authorization).toBe('Bearer as-1');
    await instance.close();
  });
});

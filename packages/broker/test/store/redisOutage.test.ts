import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pingRedis, type RedisHandle, resolveRedis } from '@openmeet/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/errors.js';
import { RedisStore } from '../../src/store/RedisStore.js';

/** Same lookup as the test bed: PATH first, then the usual system folders. */
function findRedisServer(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  throw new Error('redis-server not found on PATH');
}

async function timedFailure(call: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  const error = await call().then(
    () => undefined,
    (err: unknown) => err,
  );
  return { error, ms: performance.now() - started };
}

describe('RedisStore during a Redis outage', () => {
  let dataDir: string;
  let handle: RedisHandle;
  let store: RedisStore;
  // With a command timeout far above 1 s, failing fast can only come from not queuing.
  let patientStore: RedisStore;
  let port: string;
  let restarted: ChildProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'om-broker-outage-'));
    handle = await resolveRedis({ mode: 'spawn', dataDir });
    port = new URL(handle.url).port;
    store = new RedisStore({ url: handle.url, keyPrefix: 'outage:' });
    patientStore = new RedisStore({ url: handle.url, keyPrefix: 'outage:', commandTimeoutMs: 5000 });
  });

  afterAll(async () => {
    await store?.close();
    await patientStore?.close();
    await handle?.process?.stop();
    if (restarted && restarted.exitCode === null && restarted.signalCode === null) {
      const exited = new Promise((resolve) => restarted?.once('exit', resolve));
      restarted.kill('SIGTERM');
      await exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('works while Redis is up', async () => {
    await store.ping();
    await patientStore.ping();
    await store.set('a', 'v');
    expect(await store.get('a')).toBe('v');
  });

  it('fails fast with OM_STORE_UNAVAILABLE once Redis is gone', async () => {
    await handle.process?.stop();
    expect(await pingRedis(handle.url, 300)).toBe(false);

    for (const [label, target] of [
      ['default', store],
      ['patient', patientStore],
    ] as const) {
      const calls: Record<string, () => Promise<unknown>> = {
        get: () => target.get('a'),
        set: () => target.set('a', 'v2'),
        setIfAbsent: () => target.setIfAbsent('lock', 't', 5000),
        ping: () => target.ping(),
      };
      for (const [name, call] of Object.entries(calls)) {
        const { error, ms } = await timedFailure(call);
        expect(error, `${label} ${name}`).toBeInstanceOf(BrokerError);
        expect((error as BrokerError).code, `${label} ${name}`).toBe('OM_STORE_UNAVAILABLE');
        expect(ms, `${label} ${name}`).toBeLessThan(1000);
      }
      expect(target.lastError, label).toBeInstanceOf(Error);
    }
  });

  it('recovers on its own when Redis comes back on the same port', async () => {
    restarted = spawn(
      findRedisServer(),
      ['--port', port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dataDir],
      { stdio: 'ignore' },
    );
    const deadline = performance.now() + 5000;
    let recovered = false;
    while (!recovered && performance.now() < deadline) {
      recovered = await store.ping().then(
        () => true,
        () => false,
      );
      if (!recovered) await sleep(100);
    }
    expect(recovered).toBe(true);
    // The new server starts empty; the store reads and writes again.
    expect(await store.get('a')).toBeUndefined();
    await store.set('a', 'back');
    expect(await store.get('a')).toBe('back');
  });
});

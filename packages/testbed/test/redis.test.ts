import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { pingRedis, TestbedError } from '../src/index.js';
import { resolveRedis } from '../src/redis.js';
import { eventually, isAlive } from './helpers.js';

async function ping(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}

describe('Redis', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'openmeet-redis-test-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('auto mode finds a Redis that answers PING', async () => {
    const redis = await resolveRedis({ dataDir: await tempDir() });
    try {
      expect(await ping(redis.url)).toBe('PONG');
    } finally {
      await redis.process?.stop();
    }
  });

  it('starts its own redis-server on a free port, and stops it', async () => {
    const redis = await resolveRedis({ mode: 'spawn', dataDir: await tempDir(), env: {} });
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(redis.url).not.toBe('redis://127.0.0.1:6379');
    expect(await ping(redis.url)).toBe('PONG');
    const pid = redis.process?.pid ?? -1;
    await redis.process?.stop();
    expect(await eventually(() => !isAlive(pid))).toBe(true);
    expect(await pingRedis(redis.url, 300)).toBe(false);
  });

  it('fails loudly, with a stable code, when the given Redis does not answer', async () => {
    const error = await resolveRedis({ url: 'redis://127.0.0.1:1', dataDir: await tempDir() }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(TestbedError);
    expect(error.code).toBe('TESTBED_REDIS_UNAVAILABLE');
  });
});

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './freePort.js';
import { type ManagedProcess, spawnManaged } from './managedProcess.js';
import { TestbedError } from './TestbedError.js';

/** Sends a RESP `PING` and resolves true on `+PONG` (or an auth error: something Redis answered). */
export function pingRedis(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      port: Number(port || 6379),
    });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString('latin1'))));
  });
}

function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin']) {
    if (existsSync(join(dir, binary))) return join(dir, binary);
  }
  return undefined;
}

export interface RedisHandle {
  url: string;
  /** Present when the test bed started its own `redis-server`. */
  process?: ManagedProcess;
}

export type RedisMode = 'auto' | 'spawn';

export interface ResolveRedisOptions {
  /** An explicit Redis (otherwise `REDIS_URL`). */
  url?: string | undefined;
  /** `auto`: the given URL, else 127.0.0.1:6379 when it answers, else our own server. `spawn`: always our own. */
  mode?: RedisMode;
  dataDir: string;
  lifetime?: 'attached' | 'detached';
  env?: NodeJS.ProcessEnv;
  /** Interpreter for the process guard (the test bed passes its venv's). Default `python3`. */
  python?: string;
}

async function spawnRedis(options: ResolveRedisOptions): Promise<RedisHandle> {
  const binary = findOnPath('redis-server');
  if (!binary) {
    throw new TestbedError(
      'TESTBED_REDIS_UNAVAILABLE',
      'no Redis reachable and no redis-server binary: set REDIS_URL or install the Debian package redis-server',
    );
  }
  const port = await freePort();
  const dir = join(options.dataDir, 'redis');
  await mkdir(dir, { recursive: true });
  const proc = spawnManaged({
    command: binary,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    logFile: join(dir, 'redis.log'),
    lifetime: options.lifetime ?? 'attached',
    ...(options.python ? { python: options.python } : {}),
  });
  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (!(await pingRedis(url, 300))) {
    if (proc.hasExited() || Date.now() > deadline) {
      await proc.stop();
      throw new TestbedError(
        'TESTBED_REDIS_UNAVAILABLE',
        `redis-server did not start (see ${dir}/redis.log)`,
      );
    }
    await sleep(50);
  }
  return { url, process: proc };
}

export async function resolveRedis(options: ResolveRedisOptions): Promise<RedisHandle> {
  const env = options.env ?? process.env;
  if ((options.mode ?? 'auto') === 'spawn') return spawnRedis(options);
  const explicit = options.url ?? env.REDIS_URL;
  if (explicit) {
    if (!(await pingRedis(explicit))) {
      throw new TestbedError(
        'TESTBED_REDIS_UNAVAILABLE',
        `Redis at ${redactUrl(explicit)} does not answer PING`,
      );
    }
    return { url: explicit };
  }
  const local = 'redis://127.0.0.1:6379';
  if (await pingRedis(local, 500)) return { url: local };
  return spawnRedis(options);
}

/** Hides a password in a URL before it reaches a message or log line. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../src/cacheDir.js';
import { withFileLock } from '../src/fileLock.js';

const root = await mkdtemp(join(tmpdir(), 'openmeet-support-test-'));
afterAll(() => rm(root, { recursive: true, force: true }));

describe('defaultCacheDir', () => {
  it('prefers OPENMEET_TESTBED_CACHE', () => {
    expect(defaultCacheDir({ OPENMEET_TESTBED_CACHE: '/var/cache/tb' }, '/anywhere')).toBe('/var/cache/tb');
  });

  it("uses the nearest project root's node_modules/.cache, so a monorepo's packages share one", async () => {
    const project = join(root, 'repo');
    await mkdir(join(project, 'packages', 'a', 'src'), { recursive: true });
    await writeFile(join(project, 'pnpm-lock.yaml'), '');
    expect(defaultCacheDir({}, join(project, 'packages', 'a', 'src'))).toBe(
      join(project, 'node_modules', '.cache', 'openmeet-testbed'),
    );
  });
});

describe('withFileLock', () => {
  it('serialises concurrent critical sections', async () => {
    const lock = join(root, 'serial.lock');
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        withFileLock(lock, async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          await new Promise((resolve) => setTimeout(resolve, 30));
          order.push(n);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order.sort()).toEqual([1, 2, 3, 4]);
  });

  it('takes over a lock whose holder died', async () => {
    const lock = join(root, 'stale.lock');
    await mkdir(lock);
    // A pid far above pid_max cannot be alive.
    await writeFile(join(lock, 'owner'), '99999999');
    expect(await withFileLock(lock, async () => 'acquired', { timeoutMs: 2000 })).toBe('acquired');
  });

  it('gives up with a stable code when a live holder keeps it', async () => {
    const lock = join(root, 'held.lock');
    await mkdir(lock);
    await writeFile(join(lock, 'owner'), String(process.pid));
    await expect(withFileLock(lock, async () => 'never', { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'TESTBED_LOCK_TIMEOUT',
    });
  });
});

describe('spawnManaged', () => {
  it('turns a missing binary into a TestbedError instead of crashing the runner', async () => {
    const { spawnManaged } = await import('../src/managedProcess.js');
    expect(() =>
      spawnManaged({
        command: '/nonexistent/server',
        args: [],
        logFile: join(root, 'spawn.log'),
        lifetime: 'detached',
      }),
    ).toThrow(expect.objectContaining({ code: 'TESTBED_SPAWN_FAILED' }));
    // The deferred 'error' event must not surface as an uncaught exception.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('recognises a pid by its start time', async () => {
    const { processStartTime } = await import('../src/managedProcess.js');
    const mine = processStartTime(process.pid);
    expect(mine).toMatch(/^\d+$/);
    expect(processStartTime(process.pid)).toBe(mine);
    expect(processStartTime(99_999_999)).toBeUndefined();
  });
});

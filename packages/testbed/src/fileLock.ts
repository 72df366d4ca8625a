import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestbedError } from './TestbedError.js';

export interface FileLockOptions {
  /** Give up after this long (installing Synapse can take a few minutes on a cold cache). */
  timeoutMs?: number;
  /** A lock whose holder is dead, or older than this, is taken over. */
  staleMs?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cross-process mutex on a directory (mkdir is atomic), so that parallel test files installing
 * the same virtualenv or template database wait for one another instead of racing.
 */
export async function withFileLock<T>(
  lockDir: string,
  work: () => Promise<T>,
  { timeoutMs = 10 * 60_000, staleMs = 15 * 60_000 }: FileLockOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const ownerFile = `${lockDir}/owner`;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(ownerFile, String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(await readFile(ownerFile, 'utf8').catch(() => ''), 10);
      const age = await stat(lockDir).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if ((owner > 0 && !isAlive(owner)) || age > staleMs) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new TestbedError(
          'TESTBED_LOCK_TIMEOUT',
          `timed out waiting for lock ${lockDir} (held by pid ${owner})`,
        );
      }
      await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

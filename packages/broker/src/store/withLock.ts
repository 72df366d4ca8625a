import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerError } from '../errors.js';
import type { Store } from './Store.js';

export interface WithLockOptions {
  /** How long to keep retrying a held lock before giving up. 0 tries once. */
  waitMs: number;
}

/**
 * Runs `work` while holding the lock `key` across every broker sharing `store`. The lock expires
 * after `ttlMs` even if this process dies, so `work` must finish well within it: there is no
 * fencing, and a lock that expired mid-work can be taken by someone else.
 */
export async function withLock<T>(
  store: Store,
  key: string,
  ttlMs: number,
  work: () => Promise<T>,
  options: WithLockOptions,
): Promise<T> {
  // A token unique to this holder, so release never deletes a lock someone else took after expiry.
  const token = randomUUID();
  const deadline = performance.now() + options.waitMs;
  let delayMs = 5;
  while (!(await store.setIfAbsent(key, token, ttlMs))) {
    const remainingMs = deadline - performance.now();
    if (remainingMs <= 0) {
      throw new BrokerError('OM_LOCK_TIMEOUT', {
        retryAfterSeconds: 1,
        message: `Timed out after ${options.waitMs} ms waiting for a lock`,
      });
    }
    // Jitter keeps waiters from retrying in lockstep; the cap keeps the hand-over quick.
    await sleep(Math.min(remainingMs, delayMs / 2 + Math.random() * delayMs));
    delayMs = Math.min(delayMs * 2, 50);
  }
  try {
    return await work();
  } finally {
    // A failed release is left to the TTL: it must not hide the outcome of `work`.
    await store.deleteIfEquals(key, token).catch(() => undefined);
  }
}

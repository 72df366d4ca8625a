import { isBrokerError } from '../errors.js';

export interface RetryOptions {
  /** Tries after the first one. */
  retries?: number;
  /** Caps one wait, so a bogus Retry-After cannot stall the run for hours. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs one cutover item, trying again on the two conditions that pass by themselves:
 * - Synapse asked for a long pause (SynapseClient already retried the short ones and gave up with
 *   OM_SYNAPSE_RATE_LIMITED): wait the time it asked for;
 * - a lock is still held, typically by a run killed with `kill -9` (locks expire after their TTL,
 *   2 minutes at most): each try already waits 30 s for it, so retry at once.
 */
export async function retryItem<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { retries = 4, maxWaitMs = 300_000 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= retries) throw error;
      if (isBrokerError(error, 'OM_SYNAPSE_RATE_LIMITED')) {
        await sleep(Math.min(maxWaitMs, Math.max(1, error.retryAfterSeconds ?? 5) * 1000));
      } else if (!isLockTimeout(error)) {
        throw error;
      }
    }
  }
}

/** A lock still held, e.g. by a run killed with `kill -9`, until its TTL expires. */
function isLockTimeout(error: unknown): boolean {
  return isBrokerError(error, 'OM_LOCK_TIMEOUT');
}

/**
 * When and how often the outbox retries. Backoff uses "full jitter": a random delay in
 * [0, min(maxDelayMs, baseDelayMs * factor^(attempt - 1))), so that many clients coming back online
 * at once do not retry in lockstep.
 */
export interface OutboxPolicy {
  readonly baseDelayMs: number;
  readonly factor: number;
  readonly maxDelayMs: number;
  /** An entry not sent this long after it was queued (or resent) becomes `unsent`. */
  readonly sendTimeoutMs: number;
  /** Requests in flight at once, over all rooms (one per room at most). */
  readonly concurrency: number;
}

export const defaultOutboxPolicy: OutboxPolicy = Object.freeze({
  baseDelayMs: 1_000,
  factor: 2,
  maxDelayMs: 30_000,
  sendTimeoutMs: 5 * 60_000,
  concurrency: 4,
});

/** The wait before the next request after `attempt` failed attempts (1 for the first failure). */
export function backoffDelay(policy: OutboxPolicy, attempt: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

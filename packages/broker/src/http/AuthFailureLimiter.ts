import { BrokerError } from '../errors.js';
import type { Store } from '../store/index.js';

const WINDOW_MS = 60_000;

/**
 * Counts failed authentications per client IP. The request rate limiter runs after
 * authentication (so it can key on the user), which would leave token guessing and signature
 * checks unlimited; this closes that gap. A store failure lets requests through: limiting is
 * best-effort, revocation is what fails closed.
 */
export class AuthFailureLimiter {
  constructor(
    private readonly store: Store,
    private readonly maxPerMinute: number,
  ) {}

  /** Throws OM_RATE_LIMITED once the IP has failed too often in the current window. */
  async check(ip: string): Promise<void> {
    const count = Number((await this.store.get(key(ip)).catch(() => undefined)) ?? 0);
    if (count >= this.maxPerMinute) throw new BrokerError('OM_RATE_LIMITED', { retryAfterSeconds: 60 });
  }

  /** Runs `attempt`; a failure counts against the IP and is rethrown. */
  async guard<T>(ip: string, attempt: () => Promise<T>): Promise<T> {
    await this.check(ip);
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof BrokerError && err.statusCode === 401) await this.record(ip);
      throw err;
    }
  }

  /** Counts a failure that was not thrown (a token the homeserver refused, say). */
  async record(ip: string): Promise<void> {
    await this.store.increment(key(ip), WINDOW_MS).catch(() => {});
  }
}

function key(ip: string): string {
  return `authfail:${ip}`;
}

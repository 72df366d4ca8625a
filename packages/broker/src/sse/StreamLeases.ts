import { randomBytes } from 'node:crypto';
import type { Store } from '../store/index.js';

export interface StreamLeasesOptions {
  store: Store;
  /** How long a lease holds without renewal: what a crashed instance's streams keep counting. */
  leaseMs?: number;
  now?: () => number;
}

/** A counted stream: released when it ends, renewed while it lasts. */
export interface StreamLease {
  userId: string;
  id: string;
  renewedAt: number;
}

const leasesKey = (userId: string) => `sse:streams:${userId}`;

/**
 * Open SSE streams per user across every instance sharing the store: each stream holds a lease (a
 * field of one hash per user, valued with its expiry). Leases of a crashed instance simply expire,
 * so nothing needs cleaning up after it. Two opens racing for the last slot may both get one: the
 * limit is a guard against runaway clients, not an exact quota.
 */
export class StreamLeases {
  readonly leaseMs: number;
  private readonly store: Store;
  private readonly now: () => number;

  constructor(options: StreamLeasesOptions) {
    this.store = options.store;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A lease, or undefined when the user already holds `max` live ones. Expired ones are dropped. */
  async acquire(userId: string, max: number): Promise<StreamLease | undefined> {
    const key = leasesKey(userId);
    const now = this.now();
    let live = 0;
    for (const [id, until] of Object.entries(await this.store.hashGetAll(key))) {
      if (Number(until) > now) live++;
      else await this.store.hashDelete(key, id);
    }
    if (live >= max) return undefined;
    const lease = { userId, id: randomBytes(12).toString('base64url'), renewedAt: now };
    await this.store.hashSet(key, lease.id, String(now + this.leaseMs));
    return lease;
  }

  /** Extends a lease once a third of its time has passed; cheap to call on every check. */
  async renew(lease: StreamLease): Promise<void> {
    const now = this.now();
    if (now - lease.renewedAt < this.leaseMs / 3) return;
    await this.store.hashSet(leasesKey(lease.userId), lease.id, String(now + this.leaseMs));
    lease.renewedAt = now;
  }

  async release(lease: StreamLease): Promise<void> {
    await this.store.hashDelete(leasesKey(lease.userId), lease.id);
  }
}

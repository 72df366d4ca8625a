import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BrokerError } from '../errors.js';
import type { Store } from '../store/index.js';

/** Who an SSE request acts for, and how it proved it. */
export interface SseGrant {
  userId: string;
  /** The browser device (`deviceKey` of `/v1/session`) the session was made for. */
  deviceKey: string;
  via: 'cookie' | 'ticket';
  /** The user's revocation epoch when the grant was made: a newer epoch ends it. */
  epoch: number;
  /** The device's revocation epoch when the grant was made: revoking the device alone ends it. */
  deviceEpoch: number;
  /** Epoch milliseconds: streams opened with this grant end then (the client opens a new one). */
  expiresAt: number;
  /** Cookie sessions: the store key and the CSRF token state-changing requests must echo. */
  session?: { key: string; csrfToken: string };
}

export interface SseSessionsOptions {
  store: Store;
  sessionTtlMs: number;
  ticketTtlMs?: number;
  now?: () => number;
}

interface Epochs {
  userId: string;
  deviceKey: string;
  epoch: number;
  deviceEpoch: number;
}

interface SessionRecord extends Epochs {
  csrfToken: string;
  expiresAt: number;
}

type TicketRecord = Epochs;

/** What a grant's periodic check finds: `ended` for a deleted cookie session, `revoked` for a newer epoch. */
export type GrantStatus = 'live' | 'expired' | 'ended' | 'revoked';

const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const newSecret = () => randomBytes(32).toString('base64url');
// Only digests reach the store: a leaked dump holds no usable cookie or ticket.
const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const sessionKey = (id: string) => `sse:session:${digest(id)}`;
const ticketKey = (ticket: string) => `sse:ticket:${digest(ticket)}`;
const epochKey = (userId: string) => `sse:epoch:${userId}`;
// Device keys hold no ':' (see deviceIdFor), so this cannot collide for two (device, user) pairs.
const deviceEpochKey = (userId: string, deviceKey: string) => `sse:device-epoch:${deviceKey}:${userId}`;

/**
 * Credentials for the SSE fallback, all in the store so any broker instance accepts them: cookie
 * sessions (opaque id, CSRF token) and one-time tickets. Revoking a user bumps their epoch, which
 * ends every session, ticket and open stream made before, on every instance; revoking one device
 * bumps that device's epoch and ends only what was made for it.
 */
export class SseSessions {
  readonly sessionTtlMs: number;
  readonly ticketTtlMs: number;
  private readonly now: () => number;

  constructor(private readonly options: SseSessionsOptions) {
    this.sessionTtlMs = options.sessionTtlMs;
    this.ticketTtlMs = options.ticketTtlMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  async epochOf(userId: string): Promise<number> {
    return Number((await this.options.store.get(epochKey(userId))) ?? 0);
  }

  async deviceEpochOf(userId: string, deviceKey: string): Promise<number> {
    return Number((await this.options.store.get(deviceEpochKey(userId, deviceKey))) ?? 0);
  }

  /** Ends every SSE session, ticket and stream of the user (streams within a check interval). */
  async revokeUser(userId: string): Promise<void> {
    await this.options.store.increment(epochKey(userId));
  }

  /** Ends the SSE sessions, tickets and streams made for one device; the user's others go on. */
  async revokeDevice(userId: string, deviceKey: string): Promise<void> {
    await this.options.store.increment(deviceEpochKey(userId, deviceKey));
  }

  /** The cookie value (`id`) stays with the browser; the store keeps its digest. */
  async createSession(
    userId: string,
    deviceKey: string,
  ): Promise<{ id: string; csrfToken: string; expiresAt: number }> {
    const id = newSecret();
    const record: SessionRecord = {
      ...(await this.epochs(userId, deviceKey)),
      csrfToken: newSecret(),
      expiresAt: this.now() + this.sessionTtlMs,
    };
    await this.options.store.set(sessionKey(id), JSON.stringify(record), { ttlMs: this.sessionTtlMs });
    return { id, csrfToken: record.csrfToken, expiresAt: record.expiresAt };
  }

  async createTicket(userId: string, deviceKey: string): Promise<{ ticket: string; expiresInMs: number }> {
    const ticket = newSecret();
    const record: TicketRecord = await this.epochs(userId, deviceKey);
    await this.options.store.set(ticketKey(ticket), JSON.stringify(record), { ttlMs: this.ticketTtlMs });
    return { ticket, expiresInMs: this.ticketTtlMs };
  }

  /** The session behind a cookie value; throws OM_SSE_AUTH_INVALID when unknown, expired or revoked. */
  async fromCookie(id: string): Promise<SseGrant> {
    if (!SECRET_SHAPE.test(id)) throw new BrokerError('OM_SSE_AUTH_INVALID');
    const key = sessionKey(id);
    const record = parseSession(await this.options.store.get(key));
    if (!record || record.expiresAt <= this.now() || !(await this.current(record))) {
      throw new BrokerError('OM_SSE_AUTH_INVALID');
    }
    return {
      userId: record.userId,
      deviceKey: record.deviceKey,
      via: 'cookie',
      epoch: record.epoch,
      deviceEpoch: record.deviceEpoch,
      expiresAt: record.expiresAt,
      session: { key, csrfToken: record.csrfToken },
    };
  }

  /** Consumes a ticket: of two concurrent redemptions exactly one succeeds (compare-and-delete). */
  async redeemTicket(ticket: string): Promise<SseGrant> {
    if (!SECRET_SHAPE.test(ticket)) throw new BrokerError('OM_SSE_AUTH_INVALID');
    const key = ticketKey(ticket);
    const json = await this.options.store.get(key);
    const record = parseTicket(json);
    if (!json || !record || !(await this.options.store.deleteIfEquals(key, json))) {
      throw new BrokerError('OM_SSE_AUTH_INVALID');
    }
    if (!(await this.current(record))) throw new BrokerError('OM_SSE_AUTH_INVALID');
    return {
      userId: record.userId,
      deviceKey: record.deviceKey,
      via: 'ticket',
      epoch: record.epoch,
      deviceEpoch: record.deviceEpoch,
      expiresAt: this.now() + this.sessionTtlMs,
    };
  }

  /**
   * Whether a grant still holds: not expired, its device not revoked, and for cookie sessions not
   * ended. The user's epoch is checked once per user by the caller, not per grant; pass the same
   * `deviceEpochs` map to every call of one check to read each device's epoch once.
   */
  async statusOf(grant: SseGrant, deviceEpochs?: Map<string, Promise<number>>): Promise<GrantStatus> {
    if (grant.expiresAt <= this.now()) return 'expired';
    // One read per device per check, however many streams the device has open (`deviceEpochs`).
    const key = deviceEpochKey(grant.userId, grant.deviceKey);
    let epoch = deviceEpochs?.get(key);
    if (!epoch) {
      epoch = this.deviceEpochOf(grant.userId, grant.deviceKey);
      deviceEpochs?.set(key, epoch);
    }
    if ((await epoch) !== grant.deviceEpoch) return 'revoked';
    if (!grant.session) return 'live';
    return (await this.options.store.get(grant.session.key)) === undefined ? 'ended' : 'live';
  }

  async endSession(grant: SseGrant): Promise<void> {
    if (grant.session) await this.options.store.delete(grant.session.key);
  }

  /** Constant-time comparison of a presented CSRF token with the session's. */
  static csrfMatches(grant: SseGrant, presented: string | undefined): boolean {
    if (!grant.session || presented === undefined) return false;
    const a = createHash('sha256').update(presented).digest();
    const b = createHash('sha256').update(grant.session.csrfToken).digest();
    return timingSafeEqual(a, b);
  }

  private async epochs(userId: string, deviceKey: string): Promise<Epochs> {
    const [epoch, deviceEpoch] = await Promise.all([
      this.epochOf(userId),
      this.deviceEpochOf(userId, deviceKey),
    ]);
    return { userId, deviceKey, epoch, deviceEpoch };
  }

  private async current(record: Epochs): Promise<boolean> {
    const now = await this.epochs(record.userId, record.deviceKey);
    return now.epoch === record.epoch && now.deviceEpoch === record.deviceEpoch;
  }
}

function parseSession(json: string | undefined): SessionRecord | undefined {
  const value = parseEpochs(json);
  return value && typeof value.csrfToken === 'string' && typeof value.expiresAt === 'number'
    ? (value as unknown as SessionRecord)
    : undefined;
}

function parseTicket(json: string | undefined): TicketRecord | undefined {
  return parseEpochs(json);
}

function parseEpochs(json: string | undefined): (Epochs & Record<string, unknown>) | undefined {
  const value = parseObject(json);
  if (
    !value ||
    typeof value.userId !== 'string' ||
    typeof value.deviceKey !== 'string' ||
    typeof value.epoch !== 'number'
  ) {
    return undefined;
  }
  // Records from before device epochs existed were made at device epoch 0.
  const deviceEpoch = typeof value.deviceEpoch === 'number' ? value.deviceEpoch : 0;
  return { ...value, deviceEpoch } as Epochs & Record<string, unknown>;
}

function parseObject(json: string | undefined): Record<string, unknown> | undefined {
  if (json === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

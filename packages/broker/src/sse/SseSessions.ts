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

interface SessionRecord {
  userId: string;
  deviceKey: string;
  csrfToken: string;
  expiresAt: number;
  epoch: number;
}

interface TicketRecord {
  userId: string;
  deviceKey: string;
  epoch: number;
}

const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const newSecret = () => randomBytes(32).toString('base64url');
// Only digests reach the store: a leaked dump holds no usable cookie or ticket.
const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const sessionKey = (id: string) => `sse:session:${digest(id)}`;
const ticketKey = (ticket: string) => `sse:ticket:${digest(ticket)}`;
const epochKey = (userId: string) => `sse:epoch:${userId}`;

/**
 * Credentials for the SSE fallback, all in the store so any broker instance accepts them: cookie
 * sessions (opaque id, CSRF token) and one-time tickets. Revoking a user bumps their epoch, which
 * ends every session, ticket and open stream made before, on every instance.
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

  /** Ends every SSE session, ticket and stream of the user (streams within a check interval). */
  async revokeUser(userId: string): Promise<void> {
    await this.options.store.increment(epochKey(userId));
  }

  /** The cookie value (`id`) stays with the browser; the store keeps its digest. */
  async createSession(
    userId: string,
    deviceKey: string,
  ): Promise<{ id: string; csrfToken: string; expiresAt: number }> {
    const id = newSecret();
    const record: SessionRecord = {
      userId,
      deviceKey,
      csrfToken: newSecret(),
      expiresAt: this.now() + this.sessionTtlMs,
      epoch: await this.epochOf(userId),
    };
    await this.options.store.set(sessionKey(id), JSON.stringify(record), { ttlMs: this.sessionTtlMs });
    return { id, csrfToken: record.csrfToken, expiresAt: record.expiresAt };
  }

  async createTicket(userId: string, deviceKey: string): Promise<{ ticket: string; expiresInMs: number }> {
    const ticket = newSecret();
    const record: TicketRecord = { userId, deviceKey, epoch: await this.epochOf(userId) };
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
      expiresAt: this.now() + this.sessionTtlMs,
    };
  }

  /** Whether a grant still holds (not expired; for sessions, not ended). Epochs are checked per user. */
  async isLive(grant: SseGrant): Promise<boolean> {
    if (grant.expiresAt <= this.now()) return false;
    if (!grant.session) return true;
    return (await this.options.store.get(grant.session.key)) !== undefined;
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

  private async current(record: { userId: string; epoch: number }): Promise<boolean> {
    return (await this.epochOf(record.userId)) === record.epoch;
  }
}

function parseSession(json: string | undefined): SessionRecord | undefined {
  const value = parseObject(json);
  return value &&
    typeof value.userId === 'string' &&
    typeof value.deviceKey === 'string' &&
    typeof value.csrfToken === 'string' &&
    typeof value.expiresAt === 'number' &&
    typeof value.epoch === 'number'
    ? (value as unknown as SessionRecord)
    : undefined;
}

function parseTicket(json: string | undefined): TicketRecord | undefined {
  const value = parseObject(json);
  return value &&
    typeof value.userId === 'string' &&
    typeof value.deviceKey === 'string' &&
    typeof value.epoch === 'number'
    ? (value as unknown as TicketRecord)
    : undefined;
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

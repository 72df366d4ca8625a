import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { BrokerError } from '../errors.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { type LongPollAnswer, LongPollClient } from './LongPollClient.js';

export interface SynapseCredentials {
  /** Read on every call, so a reloaded secret takes effect without a restart. */
  adminToken(): string;
  asToken(): string;
}

export interface SynapseClientOptions {
  homeserverUrl: string;
  credentials: SynapseCredentials;
  timeoutMs?: number;
  /** Keep-alive connections to Synapse; further calls queue. */
  maxConnections?: number;
  /** Extra attempts after a network error, a 5xx or a short 429. */
  retries?: number;
  /** A 429 asking for a longer wait is passed to the caller instead of waited out. */
  maxRetryWaitMs?: number;
  breaker?: { failureThreshold: number; openMs: number };
  /** Concurrent `/sync` long-polls (one per active SSE user). */
  maxLongPolls?: number;
  /** Observes every call (metrics): endpoint template, HTTP status or `error`, seconds. */
  onCall?: (endpoint: string, outcome: number | 'error', seconds: number) => void;
}

export interface SynapseUser {
  name: string;
  displayname: string | null;
  avatar_url: string | null;
  admin: boolean;
  deactivated: boolean;
  external_ids?: ExternalId[];
}

export interface ExternalId {
  auth_provider: string;
  external_id: string;
}

export interface SynapseDevice {
  device_id: string;
  display_name: string | null;
  last_seen_ts: number | null;
  last_seen_ip: string | null;
}

/** Appservice calls act as the registration's sender unless `actAs` names a user of its namespace. */
export interface ActingAs {
  actAs?: string;
}

/** The `createRoom` request fields the broker uses (client-server API names). */
export interface CreateRoomRequest {
  preset?: 'private_chat' | 'public_chat' | 'trusted_private_chat';
  visibility?: 'public' | 'private';
  room_version?: string;
  room_alias_name?: string;
  name?: string;
  topic?: string;
  invite?: string[];
  is_direct?: boolean;
  initial_state?: Array<{ type: string; state_key: string; content: Record<string, unknown> }>;
  power_level_content_override?: Record<string, unknown>;
}

/** A room member as the client API reports it (`join`, `invite`, `ban`, `knock` or `leave`). */
export interface RoomMember {
  userId: string;
  membership: string;
}

export interface SynapseDeleteStatus {
  status: 'scheduled' | 'active' | 'complete' | 'failed';
  error?: string;
}

/** `/sync` parameters the broker's SSE loops use (`filter` is inline JSON). */
export interface SyncParams {
  since?: string | undefined;
  filter: string;
  timeoutMs: number;
  fullState?: boolean;
}

export interface SynapseLogin {
  user_id: string;
  access_token: string;
  device_id: string;
  /** Absent when Synapse issues non-expiring tokens. */
  expires_in_ms?: number;
}

interface CallOptions {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Template for metrics and logs, e.g. `/_synapse/admin/v2/users/:id` (never a real id or token). */
  endpoint: string;
  path: string;
  /** `admin`/`as`: the broker's credentials; an object: a user's own access token. */
  token: 'admin' | 'as' | 'none' | { user: string };
  /** With the `as` token: act as this user of the appservice's namespace (`?user_id=`). */
  actAs?: string | undefined;
  body?: unknown;
  raw?: { bytes: Uint8Array; contentType: string };
  /**
   * POSTs that create something (a login, a room, an upload) are not retried once the request
   * may have reached Synapse: a retry would leave a second, untracked token or room. Set for
   * POSTs that are safe to repeat.
   */
  idempotent?: boolean;
  /** Overrides the client's timeout (long-polls outlast it). */
  timeoutMs?: number;
  /** Aborts the call (and its retries) early, e.g. when a long-poll is no longer wanted. */
  signal?: AbortSignal | undefined;
}

const enc = encodeURIComponent;

/** Failures that prove the request never reached Synapse, so even a non-idempotent call may retry. */
const NOT_SENT = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);

function retryable(options: CallOptions, cause?: unknown): boolean {
  if (options.method !== 'POST' || options.idempotent) return true;
  const code = (cause as { code?: string } | undefined)?.code;
  return code !== undefined && NOT_SENT.has(code);
}

function jitter(ms: number): number {
  return ms / 2 + Math.random() * (ms / 2);
}

/**
 * One short method per Synapse endpoint the broker uses, over a keep-alive pool with timeouts,
 * retries with jittered backoff, 429 handling and a circuit breaker. Errors are BrokerErrors
 * carrying Synapse's status and errcode in `upstream`.
 */
export class SynapseClient {
  private readonly pool: Pool;
  /**
   * Long-polls get their own connections, so they never starve the short calls of a pool slot, and
   * their own lean client: every idle SSE user has one in flight, and undici's costs ~5 KB each.
   */
  private readonly longPolls: LongPollClient;
  /** `Bearer <AS token>`, made once per token rather than once per long-poll. */
  private asAuthorization = { token: '', header: '' };
  /** The SSE loops' filter, encoded once rather than once per long-poll. */
  private encodedFilter = { filter: '', encoded: '' };
  private readonly breaker: CircuitBreaker;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxRetryWaitMs: number;

  constructor(private readonly options: SynapseClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.maxRetryWaitMs = options.maxRetryWaitMs ?? 2000;
    this.breaker = new CircuitBreaker(options.breaker ?? { failureThreshold: 5, openMs: 5000 });
    // Each phase of a call (connecting, waiting for the headers, each pause in the body) is bounded
    // by the call's timeout; see `call`.
    this.pool = new Pool(new URL(options.homeserverUrl).origin, {
      connections: options.maxConnections ?? 32,
      keepAliveTimeout: 30_000,
      connectTimeout: this.timeoutMs,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    this.longPolls = new LongPollClient({
      origin: new URL(options.homeserverUrl).origin,
      maxConnections: options.maxLongPolls ?? 4096,
      idleTimeoutMs: 30_000,
    });
  }

  get circuitState(): CircuitBreaker['state'] {
    return this.breaker.state;
  }

  health(): Promise<unknown> {
    return this.call({ method: 'GET', endpoint: '/health', path: '/health', token: 'none' });
  }

  async getUser(userId: string): Promise<SynapseUser | undefined> {
    try {
      return (await this.call({
        method: 'GET',
        endpoint: '/_synapse/admin/v2/users/:id',
        path: `/_synapse/admin/v2/users/${enc(userId)}`,
        token: 'admin',
      })) as SynapseUser;
    } catch (err) {
      if (err instanceof BrokerError && err.upstream?.status === 404) return undefined;
      throw err;
    }
  }

  /** Creates or updates; only the fields given change (no password, so none is ever reset). */
  async putUser(
    userId: string,
    fields: { displayname?: string; avatar_url?: string; deactivated?: boolean; external_ids?: ExternalId[] },
  ): Promise<SynapseUser> {
    return (await this.call({
      method: 'PUT',
      endpoint: '/_synapse/admin/v2/users/:id',
      path: `/_synapse/admin/v2/users/${enc(userId)}`,
      token: 'admin',
      body: fields,
    })) as SynapseUser;
  }

  async deactivateUser(userId: string, erase: boolean): Promise<void> {
    await this.call({
      method: 'POST',
      endpoint: '/_synapse/admin/v1/deactivate/:id',
      idempotent: true,
      path: `/_synapse/admin/v1/deactivate/${enc(userId)}`,
      token: 'admin',
      body: { erase },
    });
  }

  async listDevices(userId: string): Promise<SynapseDevice[]> {
    const body = (await this.call({
      method: 'GET',
      endpoint: '/_synapse/admin/v2/users/:id/devices',
      path: `/_synapse/admin/v2/users/${enc(userId)}/devices`,
      token: 'admin',
    })) as { devices: SynapseDevice[] };
    return body.devices;
  }

  /** Deleting a device kills every access token issued for it, at once. */
  async deleteDevice(userId: string, deviceId: string): Promise<void> {
    try {
      await this.call({
        method: 'DELETE',
        endpoint: '/_synapse/admin/v2/users/:id/devices/:device',
        path: `/_synapse/admin/v2/users/${enc(userId)}/devices/${enc(deviceId)}`,
        token: 'admin',
      });
    } catch (err) {
      if (err instanceof BrokerError && err.upstream?.status === 404) return;
      throw err;
    }
  }

  /**
   * Application-service login: a device-bound token without a password, not subject to per-IP
   * login limits (registration `rate_limited: false`). Logging in again with the same device id
   * reuses the device, so transaction-id dedupe survives rotation.
   */
  async appserviceLogin(userId: string, deviceId: string, deviceName: string): Promise<SynapseLogin> {
    return (await this.call({
      method: 'POST',
      endpoint: '/_matrix/client/v3/login#appservice',
      path: '/_matrix/client/v3/login',
      token: 'as',
      body: {
        type: 'm.login.application_service',
        identifier: { type: 'm.id.user', user: userId },
        device_id: deviceId,
        initial_device_display_name: deviceName,
        // Only to obtain an expiring access token: the refresh token is discarded.
        refresh_token: true,
      },
    })) as SynapseLogin;
  }

  /**
   * Fallback for homeservers where no application service can be registered. Its tokens carry no
   * device, so Synapse's transaction-id dedupe does not survive a token rotation.
   */
  async adminLoginAsUser(userId: string, validUntilMs: number): Promise<{ access_token: string }> {
    return (await this.call({
      method: 'POST',
      endpoint: '/_synapse/admin/v1/users/:id/login',
      path: `/_synapse/admin/v1/users/${enc(userId)}/login`,
      token: 'admin',
      body: { valid_until_ms: validUntilMs },
    })) as { access_token: string };
  }

  /** Invalidates one access token (used with device-less tokens, which no device deletion reaches). */
  async logout(accessToken: string, all = false): Promise<void> {
    try {
      await this.call({
        method: 'POST',
        endpoint: all ? '/_matrix/client/v3/logout/all' : '/_matrix/client/v3/logout',
        idempotent: true,
        path: all ? '/_matrix/client/v3/logout/all' : '/_matrix/client/v3/logout',
        token: { user: accessToken },
        body: {},
      });
    } catch (err) {
      // An already-dead token is what we wanted.
      if (err instanceof BrokerError && err.upstream?.status === 401) return;
      throw err;
    }
  }

  async uploadMedia(bytes: Uint8Array, contentType: string, filename: string): Promise<string> {
    const body = (await this.call({
      method: 'POST',
      endpoint: '/_matrix/media/v3/upload',
      path: `/_matrix/media/v3/upload?filename=${enc(filename)}`,
      token: 'admin',
      raw: { bytes, contentType },
    })) as { content_uri: string };
    return body.content_uri;
  }

  /** A user's display name from their profile (undefined when unset), read as the appservice. */
  async displayName(userId: string): Promise<string | undefined> {
    try {
      const body = (await this.call({
        method: 'GET',
        endpoint: '/_matrix/client/v3/profile/:id/displayname',
        path: `/_matrix/client/v3/profile/${enc(userId)}/displayname`,
        token: 'as',
      })) as { displayname?: unknown };
      return typeof body.displayname === 'string' ? body.displayname : undefined;
    } catch (err) {
      if (err instanceof BrokerError && err.upstream?.status === 404) return undefined;
      throw err;
    }
  }

  /**
   * Sets the display name of a user of the appservice's namespace (its sender included), through the
   * client-server API: the admin API refuses users an appservice holds exclusively.
   */
  async setDisplayName(userId: string, displayname: string): Promise<void> {
    await this.call({
      method: 'PUT',
      endpoint: '/_matrix/client/v3/profile/:id/displayname',
      idempotent: true,
      path: `/_matrix/client/v3/profile/${enc(userId)}/displayname`,
      token: 'as',
      actAs: userId,
      body: { displayname },
    });
  }

  /** The appservice's sender (`sender_localpart`), the broker's service user. */
  async appserviceSender(): Promise<string> {
    const body = (await this.call({
      method: 'GET',
      endpoint: '/_matrix/client/v3/account/whoami',
      path: '/_matrix/client/v3/account/whoami',
      token: 'as',
    })) as { user_id: string };
    return body.user_id;
  }

  async createRoom(request: CreateRoomRequest, options: ActingAs = {}): Promise<string> {
    const body = (await this.call({
      method: 'POST',
      endpoint: '/_matrix/client/v3/createRoom',
      path: '/_matrix/client/v3/createRoom',
      token: 'as',
      actAs: options.actAs,
      body: request,
    })) as { room_id: string };
    return body.room_id;
  }

  async resolveAlias(alias: string): Promise<string | undefined> {
    try {
      const body = (await this.call({
        method: 'GET',
        endpoint: '/_matrix/client/v3/directory/room/:alias',
        path: `/_matrix/client/v3/directory/room/${enc(alias)}`,
        token: 'as',
      })) as { room_id: string };
      return body.room_id;
    } catch (err) {
      if (err instanceof BrokerError && err.upstream?.status === 404) return undefined;
      throw err;
    }
  }

  /** Rejects with errcode `M_ROOM_IN_USE` (or status 409 on a race) when the alias exists. */
  async putAlias(alias: string, roomId: string): Promise<void> {
    await this.call({
      method: 'PUT',
      endpoint: '/_matrix/client/v3/directory/room/:alias',
      path: `/_matrix/client/v3/directory/room/${enc(alias)}`,
      token: 'as',
      body: { room_id: roomId },
    });
  }

  /** Resolves false when the alias did not exist. */
  async deleteAlias(alias: string): Promise<boolean> {
    try {
      await this.call({
        method: 'DELETE',
        endpoint: '/_matrix/client/v3/directory/room/:alias',
        path: `/_matrix/client/v3/directory/room/${enc(alias)}`,
        token: 'as',
      });
      return true;
    } catch (err) {
      if (err instanceof BrokerError && err.upstream?.status === 404) return false;
      throw err;
    }
  }

  /** The room's local aliases; needs the acting user to be in the room. */
  async listAliases(roomId: string, options: ActingAs = {}): Promise<string[]> {
    const body = (await this.call({
      method: 'GET',
      endpoint: '/_matrix/client/v3/rooms/:room/aliases',
      path: `/_matrix/client/v3/rooms/${enc(roomId)}/aliases`,
      token: 'as',
      actAs: options.actAs,
    })) as { aliases: string[] };
    return body.aliases;
  }

  /** A state event's content, or undefined when the room has no such state. */
  async getState<T = Record<string, unknown>>(
    roomId: string,
    type: string,
    stateKey: string,
    options: ActingAs = {},
  ): Promise<T | undefined> {
    try {
      return (await this.call({
        method: 'GET',
        endpoint: '/_matrix/client/v3/rooms/:room/state/:type/:key',
        path: `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
        token: 'as',
        actAs: options.actAs,
      })) as T;
    } catch (err) {
      if (err instanceof BrokerError && err.upstream?.errcode === 'M_NOT_FOUND') return undefined;
      throw err;
    }
  }

  async putState(
    roomId: string,
    type: string,
    stateKey: string,
    content: Record<string, unknown>,
    options: ActingAs = {},
  ): Promise<string> {
    const body = (await this.call({
      method: 'PUT',
      endpoint: '/_matrix/client/v3/rooms/:room/state/:type/:key',
      path: `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`,
      token: 'as',
      actAs: options.actAs,
      body: content,
    })) as { event_id: string };
    return body.event_id;
  }

  /** Synapse answers a repeated `txnId` with the first event (per appservice, for 30 minutes). */
  async sendEvent(
    roomId: string,
    type: string,
    txnId: string,
    content: Record<string, unknown>,
    options: ActingAs = {},
  ): Promise<string> {
    const body = (await this.call({
      method: 'PUT',
      endpoint: '/_matrix/client/v3/rooms/:room/send/:type/:txn',
      path: `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`,
      token: 'as',
      actAs: options.actAs,
      body: content,
    })) as { event_id: string };
    return body.event_id;
  }

  async joinRoom(roomId: string, options: ActingAs = {}): Promise<void> {
    await this.call({
      method: 'POST',
      endpoint: '/_matrix/client/v3/rooms/:room/join',
      idempotent: true,
      path: `/_matrix/client/v3/rooms/${enc(roomId)}/join`,
      token: 'as',
      actAs: options.actAs,
      body: {},
    });
  }

  async inviteUser(roomId: string, userId: string, options: ActingAs = {}): Promise<void> {
    await this.call({
      method: 'POST',
      endpoint: '/_matrix/client/v3/rooms/:room/invite',
      idempotent: true,
      path: `/_matrix/client/v3/rooms/${enc(roomId)}/invite`,
      token: 'as',
      actAs: options.actAs,
      body: { user_id: userId },
    });
  }

  /** Kicking an invited user rescinds the invite. Needs a level above the target's. */
  async kickUser(roomId: string, userId: string, reason?: string, options: ActingAs = {}): Promise<void> {
    await this.membershipChange('kick', roomId, userId, reason, options);
  }

  /** Bans whatever the user's membership (also users who never joined). */
  async banUser(roomId: string, userId: string, reason?: string, options: ActingAs = {}): Promise<void> {
    await this.membershipChange('ban', roomId, userId, reason, options);
  }

  /** Leaves the user with membership `leave`: free to be invited (or to join a public room) again. */
  async unbanUser(roomId: string, userId: string, options: ActingAs = {}): Promise<void> {
    await this.membershipChange('unban', roomId, userId, undefined, options);
  }

  /**
   * The room's membership events other than `leave` (joined, invited, banned, knocking), read
   * through the client API because the admin members API lists joined users only.
   */
  async listMembers(roomId: string, options: ActingAs = {}): Promise<RoomMember[]> {
    const body = (await this.call({
      method: 'GET',
      endpoint: '/_matrix/client/v3/rooms/:room/members',
      path: `/_matrix/client/v3/rooms/${enc(roomId)}/members?not_membership=leave`,
      token: 'as',
      actAs: options.actAs,
    })) as { chunk?: Array<{ state_key?: unknown; content?: { membership?: unknown } }> };
    return (body.chunk ?? []).flatMap((event) =>
      typeof event.state_key === 'string' && typeof event.content?.membership === 'string'
        ? [{ userId: event.state_key, membership: event.content.membership }]
        : [],
    );
  }

  /** A user's account data (read as that user through the appservice), or undefined when unset. */
  async getAccountData<T = Record<string, unknown>>(userId: string, type: string): Promise<T | undefined> {
    try {
      return (await this.call({
        method: 'GET',
        endpoint: '/_matrix/client/v3/user/:id/account_data/:type',
        path: `/_matrix/client/v3/user/${enc(userId)}/account_data/${enc(type)}`,
        token: 'as',
        actAs: userId,
      })) as T;
    } catch (err) {
      if (err instanceof BrokerError && err.upstream?.errcode === 'M_NOT_FOUND') return undefined;
      throw err;
    }
  }

  async putAccountData(userId: string, type: string, content: Record<string, unknown>): Promise<void> {
    await this.call({
      method: 'PUT',
      endpoint: '/_matrix/client/v3/user/:id/account_data/:type',
      path: `/_matrix/client/v3/user/${enc(userId)}/account_data/${enc(type)}`,
      token: 'as',
      actAs: userId,
      body: content,
    });
  }

  /** Starts a background deletion (kick everyone, remove aliases, optionally purge); returns its id. */
  async adminDeleteRoom(roomId: string, options: { purge: boolean; block?: boolean }): Promise<string> {
    const body = (await this.call({
      method: 'DELETE',
      endpoint: '/_synapse/admin/v2/rooms/:room',
      path: `/_synapse/admin/v2/rooms/${enc(roomId)}`,
      token: 'admin',
      body: { purge: options.purge, block: options.block ?? false },
    })) as { delete_id: string };
    return body.delete_id;
  }

  async adminDeleteStatus(deleteId: string): Promise<SynapseDeleteStatus> {
    return (await this.call({
      method: 'GET',
      endpoint: '/_synapse/admin/v2/rooms/delete_status/:id',
      path: `/_synapse/admin/v2/rooms/delete_status/${enc(deleteId)}`,
      token: 'admin',
    })) as SynapseDeleteStatus;
  }

  /**
   * A raw `/sync` as `userId` (appservice masquerading): the SSE fallback's lightweight loop. The
   * answer is returned as Synapse sent it; `signal` ends a long-poll early.
   */
  sync(userId: string, params: SyncParams, signal?: AbortSignal): Promise<Record<string, unknown>> {
    // The whole path, `user_id` (the masquerade) included, as one flat string: the long-poll holds
    // it for its whole life, once per active SSE user (`join` copies; `+` or URLSearchParams would
    // leave a rope of a hundred pieces, 3 KB).
    if (this.encodedFilter.filter !== params.filter) {
      this.encodedFilter = { filter: params.filter, encoded: enc(params.filter) };
    }
    const parts = [
      '/_matrix/client/v3/sync?filter=',
      this.encodedFilter.encoded,
      '&timeout=',
      String(params.timeoutMs),
    ];
    if (params.since !== undefined) parts.push('&since=', enc(params.since));
    if (params.fullState) parts.push('&full_state=true');
    parts.push('&user_id=', enc(userId));
    return this.call({
      method: 'GET',
      endpoint: '/_matrix/client/v3/sync',
      path: parts.join(''),
      token: 'as',
      timeoutMs: params.timeoutMs + this.timeoutMs,
      signal,
    }) as Promise<Record<string, unknown>>;
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.longPolls.close()]);
  }

  /** Kick, ban and unban land on the same membership state, so repeating one is harmless. */
  private async membershipChange(
    action: 'kick' | 'ban' | 'unban',
    roomId: string,
    userId: string,
    reason: string | undefined,
    options: ActingAs,
  ): Promise<void> {
    await this.call({
      method: 'POST',
      endpoint: `/_matrix/client/v3/rooms/:room/${action}`,
      idempotent: true,
      path: `/_matrix/client/v3/rooms/${enc(roomId)}/${action}`,
      token: 'as',
      actAs: options.actAs,
      body: reason === undefined ? { user_id: userId } : { user_id: userId, reason },
    });
  }

  private headers(options: CallOptions): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const authorization = this.authorization(options.token);
    if (authorization !== undefined) headers.authorization = authorization;
    if (options.raw) headers['content-type'] = options.raw.contentType;
    else if (options.body !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  private authorization(token: CallOptions['token']): string | undefined {
    if (token === 'admin') return `Bearer ${this.options.credentials.adminToken()}`;
    if (typeof token === 'object') return `Bearer ${token.user}`;
    if (token !== 'as') return undefined;
    const current = this.options.credentials.asToken();
    if (this.asAuthorization.token !== current) {
      this.asAuthorization = { token: current, header: `Bearer ${current}` };
    }
    return this.asAuthorization.header;
  }

  /**
   * One attempt over the long-poll client (`timeoutMs` given) or the pool. Not async itself: a
   * long-poll waits in `call` alone, without a second suspended frame and promise.
   */
  private send(options: CallOptions, timeoutMs: number): Promise<LongPollAnswer> {
    if (options.timeoutMs !== undefined && options.method === 'GET') {
      return this.longPolls.get(
        withActingUser(options),
        this.authorization(options.token) ?? '',
        timeoutMs,
        options.signal,
      );
    }
    return this.request(options, timeoutMs);
  }

  private async request(options: CallOptions, timeoutMs: number): Promise<LongPollAnswer> {
    // The deadlines are undici's own: no connection, no headers, or a body that stalls, within
    // `timeoutMs` fails the attempt (its shared timer wheel fires up to a second late).
    const response = await this.pool.request({
      method: options.method,
      path: withActingUser(options),
      headers: this.headers(options),
      body: options.raw
        ? options.raw.bytes
        : options.body === undefined
          ? null
          : JSON.stringify(options.body),
      signal: options.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const header = response.headers['retry-after'];
    return {
      status: response.statusCode,
      text: await response.body.text(),
      retryAfter: Array.isArray(header) ? header[0] : header,
    };
  }

  /**
   * One call with its retries. Chained rather than an async loop: every idle SSE user has a
   * long-poll waiting here, and a suspended frame costs more than a callback pair.
   */
  private call(options: CallOptions, attempt = 0): Promise<unknown> {
    const blocked = this.breaker.blockedForMs();
    if (blocked > 0) {
      return Promise.reject(
        new BrokerError('OM_SYNAPSE_UNAVAILABLE', {
          retryAfterSeconds: Math.max(1, Math.ceil(blocked / 1000)),
        }),
      );
    }
    if (options.signal?.aborted) return Promise.reject(options.signal.reason);
    const started = performance.now();
    // No timeout signal and no linked signal per call: every idle SSE user has a long-poll in
    // flight at all times, and those cost a few KB each.
    let sent: Promise<LongPollAnswer>;
    try {
      sent = this.send(options, options.timeoutMs ?? this.timeoutMs);
    } catch (err) {
      // Reading a credential, say: a failure of the call, not of its caller.
      sent = Promise.reject(err);
    }
    return sent.then(
      (answer) => this.answered(options, attempt, started, answer),
      (cause: unknown) => this.unanswered(options, attempt, started, cause),
    );
  }

  /** An attempt that got no answer: the next attempt, or OM_SYNAPSE_UNAVAILABLE. */
  private async unanswered(
    options: CallOptions,
    attempt: number,
    started: number,
    cause: unknown,
  ): Promise<unknown> {
    // Called off by the caller: neither an upstream failure nor worth a retry.
    if (options.signal?.aborted) throw options.signal.reason;
    this.options.onCall?.(options.endpoint, 'error', (performance.now() - started) / 1000);
    this.breaker.recordFailure();
    if (attempt < this.retries && retryable(options, cause)) {
      await sleep(jitter(100 * 2 ** attempt), undefined, sleepOptions(options));
      return this.call(options, attempt + 1);
    }
    throw new BrokerError('OM_SYNAPSE_UNAVAILABLE', { cause, retryAfterSeconds: 5 });
  }

  /** Synapse's answer: its body, the next attempt, or a BrokerError carrying status and errcode. */
  private async answered(
    options: CallOptions,
    attempt: number,
    started: number,
    { status, text, retryAfter }: LongPollAnswer,
  ): Promise<unknown> {
    this.options.onCall?.(options.endpoint, status, (performance.now() - started) / 1000);
    const body = parseJson(text);
    if (status >= 200 && status < 300) {
      this.breaker.recordSuccess();
      return body;
    }
    const errcode = typeof body?.errcode === 'string' ? body.errcode : undefined;
    if (status === 429) {
      this.breaker.recordSuccess();
      const waitMs = retryAfterMs(body, retryAfter);
      if (attempt < this.retries && waitMs <= this.maxRetryWaitMs) {
        await sleep(waitMs, undefined, sleepOptions(options));
        return this.call(options, attempt + 1);
      }
      throw new BrokerError('OM_SYNAPSE_RATE_LIMITED', {
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        upstream: { status, ...(errcode ? { errcode } : {}) },
      });
    }
    if (status >= 500) {
      this.breaker.recordFailure();
      if (attempt < this.retries && retryable(options)) {
        await sleep(jitter(100 * 2 ** attempt), undefined, sleepOptions(options));
        return this.call(options, attempt + 1);
      }
      throw new BrokerError('OM_SYNAPSE_UNAVAILABLE', {
        retryAfterSeconds: 5,
        upstream: { status, ...(errcode ? { errcode } : {}) },
      });
    }
    // A 4xx means Synapse is up and answered: the circuit stays closed.
    this.breaker.recordSuccess();
    throw new BrokerError('OM_SYNAPSE_ERROR', {
      message: `Synapse answered ${status}${errcode ? ` ${errcode}` : ''} on ${options.endpoint}`,
      upstream: { status, ...(errcode ? { errcode } : {}) },
    });
  }
}

function sleepOptions(options: CallOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}

function withActingUser(options: CallOptions): string {
  if (options.actAs === undefined || options.token !== 'as') return options.path;
  return `${options.path}${options.path.includes('?') ? '&' : '?'}user_id=${enc(options.actAs)}`;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function retryAfterMs(body: Record<string, unknown> | undefined, header: string | undefined): number {
  if (typeof body?.retry_after_ms === 'number' && body.retry_after_ms >= 0) return body.retry_after_ms;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return 1000;
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { BrokerError } from '../errors.js';
import { type Store, withLock } from '../store/index.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import { AppserviceMinter } from './AppserviceMinter.js';
import type { TokenCipher } from './TokenCipher.js';
import type { TokenMinter } from './TokenMinter.js';

export interface MatrixSession {
  userId: string;
  deviceId: string;
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  homeserverUrl: string;
}

export interface SessionIssuerOptions {
  synapse: SynapseClient;
  /** Defaults to an appservice login. */
  minter?: TokenMinter;
  store: Store;
  cipher: TokenCipher;
  homeserverUrl: string;
  /** Devices the broker keeps per user; a new one evicts the least recently seen. */
  maxDevicesPerUser: number;
  /** A cached token is handed out again only while it has at least this long to live. */
  minRemainingMs: number;
  now?: () => number;
  onMint?: (path: 'cached' | 'fresh') => void;
  /**
   * Runs first whenever a device is revoked (ops, eviction, sweep), with the browser's device key:
   * what else was issued for that device (SSE sessions, tickets, streams) ends with it.
   */
  onDeviceRevoked?: (userId: string, clientDeviceKey: string) => Promise<void>;
}

interface DeviceRecord {
  createdAt: number;
  lastSeenAt: number;
}

/** Device ids the broker creates all carry this prefix; sweeps and ops revokes touch no other device. */
export const BROKER_DEVICE_PREFIX = 'OMB_';
const CLIENT_DEVICE_KEY = /^[A-Za-z0-9_-]{8,64}$/;

export function deviceIdFor(clientDeviceKey: string): string {
  if (!CLIENT_DEVICE_KEY.test(clientDeviceKey)) {
    throw new BrokerError('OM_BAD_REQUEST', { message: 'deviceKey must match [A-Za-z0-9_-]{8,64}' });
  }
  return `${BROKER_DEVICE_PREFIX}${clientDeviceKey}`;
}

const devicesKey = (userId: string) => `devices:${userId}`;
const LAST_SEEN_GRANULARITY_MS = 60_000;
const OPENED_CACHE_SIZE = 10_000;
/** Longer than the worst case of the Synapse calls made under a lock (retries included). */
const LOCK_TTL_MS = 120_000;

const digest = (value: string) => createHash('sha256').update(value).digest();
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}
/** Users with broker devices, so a sweep needs no key scan. */
const DEVICE_INDEX = 'devices:index';
const tokenKey = (userId: string, deviceId: string) => `token:${userId}:${deviceId}`;

/**
 * Issues short-lived Matrix tokens bound to a stable device per browser tab/profile, through
 * application-service login. Tokens are cached (encrypted) per device and re-issued while fresh
 * enough; every path needs the store, so a store outage fails closed.
 */
export class SessionIssuer {
  private readonly now: () => number;
  private readonly minter: TokenMinter;
  private readonly opened = new Map<string, { accessToken: string; expiresAt: number }>();

  constructor(private readonly options: SessionIssuerOptions) {
    this.now = options.now ?? Date.now;
    this.minter = options.minter ?? new AppserviceMinter(options.synapse);
  }

  /**
   * `staleAccessToken`: the token the client last got and Synapse now refuses (its device was
   * signed out elsewhere, say). It is never handed out again.
   */
  async mint(
    userId: string,
    clientDeviceKey: string,
    options: { staleAccessToken?: string | undefined } = {},
  ): Promise<MatrixSession> {
    const { store } = this.options;
    const deviceId = deviceIdFor(clientDeviceKey);
    const cached = await this.usableCached(userId, deviceId, options.staleAccessToken);
    if (cached) {
      await this.touchDevice(userId, deviceId, true);
      this.options.onMint?.('cached');
      return { userId, deviceId, ...cached, homeserverUrl: this.options.homeserverUrl };
    }
    const known = await store.hashGet(devicesKey(userId), deviceId);
    // Device-bound tokens all die with their device, so concurrent refreshes of one device are
    // harmless; device-less (admin-login) tokens are only revocable if every one made is the
    // cached one or retired, so those mint one at a time per device.
    if (known && this.minter.mode === 'appservice') return this.issue(userId, deviceId);
    // A new device may evict old ones: serialise per user, so concurrent sign-ins cannot overshoot
    // the cap or have a device evicted while its own login is still in flight.
    const lock = known ? `lock:device:${userId}:${deviceId}` : `lock:devices:${userId}`;
    return withLock(
      store,
      lock,
      LOCK_TTL_MS,
      async () => {
        const fresh = await this.usableCached(userId, deviceId, options.staleAccessToken);
        if (fresh) return { userId, deviceId, ...fresh, homeserverUrl: this.options.homeserverUrl };
        return this.issue(userId, deviceId);
      },
      { waitMs: 30_000 },
    );
  }

  /**
   * Decrypts a sealed token, remembering recent results: the store still decides which ciphertext
   * is current (revocation deletes it), this only spares repeated AES-GCM work for the same one.
   */
  private open(slot: string, sealed: string): { accessToken: string; expiresAt: number } | undefined {
    const memoKey = `${slot}\n${sealed}`;
    const hit = this.opened.get(memoKey);
    if (hit) return hit;
    const value = parseCached(this.options.cipher.decrypt(sealed, slot));
    if (!value) return undefined;
    if (this.opened.size >= OPENED_CACHE_SIZE) {
      const oldest = this.opened.keys().next().value;
      if (oldest !== undefined) this.opened.delete(oldest);
    }
    this.opened.set(memoKey, value);
    return value;
  }

  private async usableCached(userId: string, deviceId: string, stale: string | undefined) {
    const { store } = this.options;
    const slot = tokenKey(userId, deviceId);
    const sealed = await store.get(slot);
    const cached = sealed ? this.open(slot, sealed) : undefined;
    if (!cached || cached.expiresAt - this.now() < this.options.minRemainingMs) return undefined;
    if (stale !== undefined && sameSecret(stale, cached.accessToken)) return undefined;
    return cached;
  }

  private async issue(userId: string, deviceId: string): Promise<MatrixSession> {
    const { store, cipher } = this.options;
    await this.touchDevice(userId, deviceId);
    const previous = await store.get(tokenKey(userId, deviceId));
    const minted = await this.minter.mint(userId, deviceId);
    const expiresAt = this.now() + minted.expiresInMs;
    const sealed = cipher.encrypt(
      JSON.stringify({ accessToken: minted.accessToken, expiresAt }),
      tokenKey(userId, deviceId),
    );
    await store.set(tokenKey(userId, deviceId), sealed, { ttlMs: minted.expiresInMs });
    const previousToken = previous
      ? parseCached(cipher.decrypt(previous, tokenKey(userId, deviceId)))?.accessToken
      : undefined;
    if (previousToken && previousToken !== minted.accessToken) await this.minter.retire(previousToken);
    this.options.onMint?.('fresh');
    return {
      userId,
      deviceId,
      accessToken: minted.accessToken,
      expiresAt,
      homeserverUrl: this.options.homeserverUrl,
    };
  }

  async listDevices(userId: string): Promise<Array<{ deviceId: string } & DeviceRecord>> {
    const records = await this.options.store.hashGetAll(devicesKey(userId));
    return Object.entries(records).flatMap(([deviceId, json]) => {
      const record = parseRecord(json);
      return record ? [{ deviceId, ...record }] : [];
    });
  }

  /** Deletes the device on Synapse: every token it holds stops working at once. */
  async revokeDevice(userId: string, deviceId: string): Promise<void> {
    const { store, cipher, onDeviceRevoked } = this.options;
    if (onDeviceRevoked && deviceId.startsWith(BROKER_DEVICE_PREFIX)) {
      await onDeviceRevoked(userId, deviceId.slice(BROKER_DEVICE_PREFIX.length));
    }
    const sealed = await store.get(tokenKey(userId, deviceId));
    await store.delete(tokenKey(userId, deviceId));
    await this.minter.revokeDevice(
      userId,
      deviceId,
      parseCached(sealed && cipher.decrypt(sealed, tokenKey(userId, deviceId)))?.accessToken,
    );
    await store.hashDelete(devicesKey(userId), deviceId);
  }

  /**
   * Device hygiene: deletes broker devices not seen for `maxIdleMs`, so they never pile up on
   * Synapse. Returns how many were deleted.
   */
  async sweep(maxIdleMs: number): Promise<number> {
    const { store } = this.options;
    const cutoff = this.now() - maxIdleMs;
    let deleted = 0;
    for (const userId of Object.keys(await store.hashGetAll(DEVICE_INDEX))) {
      try {
        const devices = await this.listDevices(userId);
        for (const device of devices.filter((d) => d.lastSeenAt < cutoff)) {
          await this.revokeDevice(userId, device.deviceId);
          deleted++;
        }
        if ((await this.listDevices(userId)).length === 0) await store.hashDelete(DEVICE_INDEX, userId);
      } catch {
        // One user's failure (Synapse hiccup, deleted account) must not stall the sweep for all.
      }
    }
    return deleted;
  }

  /** Revokes every broker device of the user, including ones the registry lost track of. */
  async revokeUser(userId: string): Promise<string[]> {
    const known = (await this.listDevices(userId)).map((device) => device.deviceId);
    const onSynapse =
      this.minter.mode === 'appservice'
        ? (await this.options.synapse.listDevices(userId))
            .map((device) => device.device_id)
            .filter((id) => id.startsWith(BROKER_DEVICE_PREFIX))
        : [];
    const all = [...new Set([...known, ...onSynapse])];
    for (const deviceId of all) await this.revokeDevice(userId, deviceId);
    return all;
  }

  private async touchDevice(userId: string, deviceId: string, hot = false): Promise<void> {
    const { store } = this.options;
    const now = this.now();
    const existing = parseRecord(await store.hashGet(devicesKey(userId), deviceId));
    // Last-seen only needs day-scale precision (the sweep): spare the hot path two writes.
    if (hot && existing && now - existing.lastSeenAt < LAST_SEEN_GRANULARITY_MS) return;
    if (!existing) await this.evictOverCap(userId);
    const record: DeviceRecord = { createdAt: existing?.createdAt ?? now, lastSeenAt: now };
    await store.hashSet(devicesKey(userId), deviceId, JSON.stringify(record));
    await store.hashSet(DEVICE_INDEX, userId, String(now));
  }

  private async evictOverCap(userId: string): Promise<void> {
    const devices = await this.listDevices(userId);
    const excess = devices.length - (this.options.maxDevicesPerUser - 1);
    if (excess <= 0) return;
    devices.sort((a, b) => a.lastSeenAt - b.lastSeenAt);
    for (const device of devices.slice(0, excess)) await this.revokeDevice(userId, device.deviceId);
  }
}

function parseCached(json: string | undefined): { accessToken: string; expiresAt: number } | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as { accessToken?: unknown; expiresAt?: unknown };
    return typeof value.accessToken === 'string' && typeof value.expiresAt === 'number'
      ? { accessToken: value.accessToken, expiresAt: value.expiresAt }
      : undefined;
  } catch {
    return undefined;
  }
}

function parseRecord(json: string | undefined): DeviceRecord | undefined {
  if (!json) return undefined;
  try {
    const value = JSON.parse(json) as Partial<DeviceRecord>;
    return typeof value.createdAt === 'number' && typeof value.lastSeenAt === 'number'
      ? { createdAt: value.createdAt, lastSeenAt: value.lastSeenAt }
      : undefined;
  } catch {
    return undefined;
  }
}

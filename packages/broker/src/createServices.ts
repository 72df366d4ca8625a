import type { BrokerConfig, Secret } from './config/loadConfig.js';
import { AuthFailureLimiter } from './http/AuthFailureLimiter.js';
import {
  createDevIdentityIssuer,
  createHostTokenVerifier,
  type DevIdentityIssuer,
  type HostTokenVerifier,
} from './identity/index.js';
import { Memberships, WebhookVerifier } from './membership/index.js';
import type { Metrics } from './metrics.js';
import { Provisioner } from './provisioning/Provisioner.js';
import { MatrixProxy } from './proxy/index.js';
import { AliasPattern, DirectRooms, EntityRooms, EventNotices } from './rooms/index.js';
import { AdminLoginMinter } from './session/AdminLoginMinter.js';
import { AppserviceMinter } from './session/AppserviceMinter.js';
import { SessionIssuer } from './session/SessionIssuer.js';
import { TokenCipher } from './session/TokenCipher.js';
import { SseCursor, SseHub, SseSessions, StreamLeases, SyncBatches } from './sse/index.js';
import { createStore, type Store } from './store/index.js';
import { SynapseClient } from './synapse/SynapseClient.js';

/** A secret's current value, re-read on reload so ops can rotate files in place. */
export class SecretHolder {
  private value: string;
  constructor(private readonly secret: Secret) {
    this.value = secret.read();
  }
  get(): string {
    return this.value;
  }
  /** Reads the new value without applying it (see `reloadSecrets`). */
  read(): string {
    return this.secret.read();
  }
  set(value: string): void {
    this.value = value;
  }
}

/** All or nothing: every file is read (and validated) before any secret changes. */
export function reloadSecrets(holders: readonly SecretHolder[]): void {
  const next = holders.map((holder) => holder.read());
  holders.forEach((holder, i) => {
    holder.set(next[i] as string);
  });
}

export interface Services {
  store: Store;
  synapse: SynapseClient;
  verifier: HostTokenVerifier;
  devIssuer: DevIdentityIssuer | undefined;
  provisioner: Provisioner;
  sessions: SessionIssuer;
  rooms: EntityRooms;
  dms: DirectRooms;
  notices: EventNotices;
  memberships: Memberships;
  /** Present when a webhook secret is configured: the membership routes exist only then. */
  webhook: WebhookVerifier | undefined;
  authFailures: AuthFailureLimiter;
  /** SSE fallback credentials (cookie sessions, tickets, revocation epochs), shared through the store. */
  sseSessions: SseSessions;
  /** This instance's sync loops and open event streams. */
  sse: SseHub;
  /** Relays the SSE fallback's allowlisted client-server requests to Synapse. */
  proxy: MatrixProxy;
  secrets: {
    admin: SecretHolder;
    appservice: SecretHolder;
    ops: SecretHolder | undefined;
    webhook: SecretHolder | undefined;
  };
  close(): Promise<void>;
}

export interface ServiceOverrides {
  store?: Store;
}

/** Builds the broker's long-lived collaborators from validated config; `close()` stops them all. */
export function createServices(
  config: BrokerConfig,
  metrics: Metrics,
  overrides: ServiceOverrides = {},
): Services {
  const secrets = {
    admin: new SecretHolder(config.matrix.adminToken),
    appservice: new SecretHolder(config.matrix.asToken),
    ops: config.opsToken ? new SecretHolder(config.opsToken) : undefined,
    webhook: config.webhook.secret ? new SecretHolder(config.webhook.secret) : undefined,
  };
  const store = overrides.store ?? createStore(config.store);
  const synapse = new SynapseClient({
    homeserverUrl: config.matrix.homeserverUrl,
    credentials: { adminToken: () => secrets.admin.get(), asToken: () => secrets.appservice.get() },
    onCall: (endpoint, outcome, seconds) =>
      metrics.synapseLatency.observe({ endpoint, status: String(outcome) }, seconds),
  });
  const devIssuer = config.devIdentity.enabled
    ? createDevIdentityIssuer({
        issuer: config.devIdentity.issuer,
        audience: config.devIdentity.audience,
        nodeEnv: config.nodeEnv,
      })
    : undefined;
  const identity =
    config.identity ??
    (devIssuer && {
      key: devIssuer.keySource(),
      issuer: config.devIdentity.issuer,
      audience: config.devIdentity.audience,
      clockToleranceSec: 30,
      claims: { userId: 'sub', displayName: 'name', avatarUrl: 'picture' },
    });
  if (!identity) throw new Error('no host identity configured');
  const verifier = createHostTokenVerifier(identity);
  const provisioner = new Provisioner({
    synapse,
    store,
    serverName: config.matrix.serverName,
    localpartPrefix: config.matrix.localpartPrefix,
    onProvision: (outcome) => metrics.provisioning.inc({ outcome }),
    avatars: config.avatars,
    onAvatar: (outcome) => metrics.avatarSyncs.inc({ outcome }),
  });
  // The one place the token minting strategy is chosen.
  const minter =
    config.sessions.tokenMode === 'admin-login'
      ? new AdminLoginMinter(synapse, config.sessions.tokenTtlMs)
      : new AppserviceMinter(synapse);
  const userIdFor = (hostUserId: string) => provisioner.userIdFor(hostUserId);
  const rooms = new EntityRooms({
    synapse,
    store,
    aliases: new AliasPattern({
      serverName: config.matrix.serverName,
      prefix: config.rooms.aliasPrefix,
      pattern: config.rooms.aliasPattern,
    }),
    userIdFor,
    roleLevels: config.rooms.roleLevels,
    serviceDisplayName: config.rooms.serviceDisplayName,
  });
  const dms = new DirectRooms({ synapse, store, userIdFor });
  const notices = new EventNotices({ synapse, store, rooms });
  const memberships = new Memberships({
    synapse,
    rooms,
    provisioner,
    localpartPrefix: config.matrix.localpartPrefix,
  });
  const webhookSecret = secrets.webhook;
  const webhook = webhookSecret
    ? new WebhookVerifier({
        secret: () => webhookSecret.get(),
        store,
        toleranceSeconds: config.webhook.toleranceSeconds,
      })
    : undefined;
  const sseSessions = new SseSessions({ store, sessionTtlMs: config.sse.sessionTtlMs });
  const sessions = new SessionIssuer({
    synapse,
    minter,
    store,
    cipher: new TokenCipher(config.tokenKeys),
    homeserverUrl: config.matrix.publicHomeserverUrl,
    maxDevicesPerUser: config.sessions.maxDevicesPerUser,
    minRemainingMs: config.sessions.minRemainingMs,
    onMint: (path) => metrics.tokenMints.inc({ path }),
    onDeviceRevoked: (userId, deviceKey) => sseSessions.revokeDevice(userId, deviceKey),
  });
  const sse = new SseHub({
    synapse,
    sessions: sseSessions,
    batches: new SyncBatches(store, config.sse.batchTtlMs, config.sse.initialBatchTtlMs),
    cursor: new SseCursor(config.sse.secret),
    idleMs: config.sse.idleMs,
    maxStreamsPerUser: config.sse.maxStreamsPerUser,
    leases: new StreamLeases({ store }),
    maxBufferedBytes: config.sse.maxBufferedBytes,
    metrics: {
      streams: (delta) => metrics.sseStreams.inc(delta),
      loops: (delta) => metrics.sseLoops.inc(delta),
      sent: (events) => metrics.sseEvents.inc(events),
      resumed: () => metrics.sseResumes.inc(),
      dropped: () => metrics.sseDrops.inc(),
      resynced: (reason) => metrics.sseResyncs.inc({ reason }),
    },
  });
  const proxy = new MatrixProxy({ homeserverUrl: config.matrix.homeserverUrl });
  // 0 disables the sweep (several brokers may share one store: one sweeper is enough).
  let sweeping = false;
  const sweeper =
    config.sessions.sweepIntervalMs > 0
      ? setInterval(() => {
          if (sweeping) return;
          sweeping = true;
          sessions
            .sweep(config.sessions.deviceMaxIdleMs)
            // A failed sweep is retried at the next interval; requests are unaffected.
            .catch(() => {})
            .finally(() => {
              sweeping = false;
            });
        }, config.sessions.sweepIntervalMs).unref()
      : undefined;
  return {
    store,
    synapse,
    authFailures: new AuthFailureLimiter(store, config.rateLimitPerMinute),
    verifier,
    devIssuer,
    provisioner,
    sessions,
    rooms,
    dms,
    notices,
    memberships,
    webhook,
    sseSessions,
    sse,
    proxy,
    secrets,
    async close() {
      clearInterval(sweeper);
      sse.close();
      verifier.close();
      await Promise.all([synapse.close(), proxy.close()]);
      if (!overrides.store) await store.close();
    },
  };
}

import { BrokerError } from '../errors.js';
import type { HostIdentity } from '../identity/index.js';
import type { Store } from '../store/index.js';
import { withLock } from '../store/index.js';
import type { ExternalId, SynapseClient, SynapseUser } from '../synapse/SynapseClient.js';
import { type FetchAvatarOptions, fetchAvatar } from './fetchAvatar.js';
import { matrixUserIdFor } from './matrixUserId.js';

export type AvatarOutcome = 'updated' | 'unchanged' | 'rejected';

/** `timeoutMs` (default 5 s) delays sign-in: keep it well under the 30 s provisioning lock. */
export interface AvatarSyncOptions
  extends Pick<FetchAvatarOptions, 'allowPrivateNetworks' | 'maxBytes' | 'timeoutMs'> {
  /** After a failed avatar, how long before a sign-in tries that URL again. Default 5 min. */
  retryMs?: number;
}

export interface ProvisionerOptions {
  synapse: SynapseClient;
  store: Store;
  serverName: string;
  localpartPrefix: string;
  /** How long a provisioned profile is trusted before Synapse is asked again (repairs drift). */
  profileCacheMs?: number;
  /** Counts admin-API provisioning calls (metrics). */
  onProvision?: (outcome: ProvisionOutcome) => void;
  avatars?: AvatarSyncOptions;
  /**
   * Counts avatar syncs (metrics). A rejection carries a BrokerError whose message names the
   * origin only (safe to log); it never fails the sign-in.
   */
  onAvatar?: (outcome: AvatarOutcome, error?: BrokerError) => void;
}

/** What the host last asked for and we settled: the fast path compares it as a string. */
interface ProvisionedProfile {
  displayName: string | null;
  /** The host's avatar URL; null when the host sends none (Synapse's avatar is then left alone). */
  avatarSource: string | null;
}

/** The last avatar uploaded for a user, kept without expiry so a known image is never re-uploaded. */
interface AvatarRecord {
  avatarSource: string;
  avatarSha256: string;
  mxc: string;
}

type AvatarResolution = { mxc: string } | { error: BrokerError };

/**
 * Makes sure the Matrix user for a host identity exists with the host's display name and avatar
 * (downloaded through SSRF guards; a bad avatar never fails the sign-in). Idempotent
 * and single-flight: concurrent first requests (in this process and, through a store lock, across
 * broker instances) create the user once. It never sets a password nor touches devices.
 */
export class Provisioner {
  private readonly inFlight = new Map<string, Promise<ProvisionResult>>();
  private readonly userIds = new Map<string, string>();

  constructor(private readonly options: ProvisionerOptions) {}

  userIdFor(hostUserId: string): string {
    const known = this.userIds.get(hostUserId);
    if (known) return known;
    const userId = this.mapUserId(hostUserId);
    // A pure function on the hot path of every session request: remember recent answers.
    if (this.userIds.size >= 10_000) this.userIds.clear();
    this.userIds.set(hostUserId, userId);
    return userId;
  }

  private mapUserId(hostUserId: string): string {
    try {
      return matrixUserIdFor(hostUserId, {
        prefix: this.options.localpartPrefix,
        serverName: this.options.serverName,
      });
    } catch (cause) {
      // Empty ids and ids that are not valid Unicode cannot name a Matrix user.
      throw new BrokerError('OM_BAD_REQUEST', {
        message: 'The host user id cannot be mapped to a Matrix user',
        cause,
      });
    }
  }

  /** True for Matrix ids in the broker's namespace on this server. */
  isBrokerUser(userId: string): boolean {
    return (
      userId.startsWith(`@${this.options.localpartPrefix}`) && userId.endsWith(`:${this.options.serverName}`)
    );
  }

  /**
   * For deleted host accounts. Under the provisioning lock, so a provisioning run in flight cannot
   * write the profile back after it is forgotten.
   */
  async deactivate(userId: string, erase: boolean): Promise<void> {
    await withLock(
      this.options.store,
      `lock:provision:${userId}`,
      LOCK_TTL_MS,
      async () => {
        await this.options.synapse.deactivateUser(userId, erase);
        await this.forget(userId);
      },
      { waitMs: 30_000 },
    );
  }

  /** Resolves to the Matrix user id, provisioned and in sync. */
  async ensure(identity: HostIdentity): Promise<string> {
    return (await this.ensureWithOutcome(identity)).userId;
  }

  /** `ensure`, also saying what it did (the cutover reports created / updated / unchanged). */
  async ensureWithOutcome(identity: HostIdentity): Promise<ProvisionResult> {
    const userId = this.userIdFor(identity.hostUserId);
    const wanted: ProvisionedProfile = {
      displayName: displayNameFor(identity.displayName),
      avatarSource: identity.avatarUrl ?? null,
    };
    const cached = await this.options.store.get(profileKey(userId));
    if (cached === JSON.stringify(wanted)) return { userId, outcome: 'unchanged' };

    const key = `${userId}\n${JSON.stringify(wanted)}`;
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = withLock(
        this.options.store,
        `lock:provision:${userId}`,
        LOCK_TTL_MS,
        () => this.provision(userId, identity.hostUserId, wanted),
        {
          waitMs: 30_000,
        },
      ).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  /** Forgets the cached profile and avatar so the next request re-provisions (ops "re-provision"). */
  async forget(userId: string): Promise<void> {
    await this.options.store.delete(profileKey(userId));
    await this.options.store.delete(avatarKey(userId));
  }

  private async provision(
    userId: string,
    hostUserId: string,
    wanted: ProvisionedProfile,
  ): Promise<ProvisionResult> {
    const { synapse, store } = this.options;
    // Another instance may have finished while we waited for the lock.
    if ((await store.get(profileKey(userId))) === JSON.stringify(wanted))
      return { userId, outcome: 'unchanged' };
    const existing = await synapse.getUser(userId);
    if (existing?.deactivated) throw new BrokerError('OM_USER_DEACTIVATED');
    // The user namespace is not exclusive, so someone could have registered this id first (open
    // registration, SSO auto-provisioning). The broker's mark, set at creation and only settable
    // through the admin API, tells its own accounts from such squatters.
    if (existing && !isBrokerAccount(existing, hostUserId)) throw new BrokerError('OM_ACCOUNT_CONFLICT');
    const fields: { displayname?: string; avatar_url?: string; external_ids?: ExternalId[] } = {};
    if (!existing) fields.external_ids = [{ auth_provider: BROKER_AUTH_PROVIDER, external_id: hostUserId }];
    if (wanted.displayName !== null && existing?.displayname !== wanted.displayName) {
      fields.displayname = wanted.displayName;
    }
    const avatar =
      wanted.avatarSource === null ? undefined : await this.resolveAvatar(userId, wanted.avatarSource);
    if (avatar && 'mxc' in avatar && existing?.avatar_url !== avatar.mxc) fields.avatar_url = avatar.mxc;
    let outcome: ProvisionOutcome = 'unchanged';
    if (!existing || Object.keys(fields).length > 0) {
      await synapse.putUser(userId, fields);
      outcome = existing ? 'updated' : 'created';
    }
    this.options.onProvision?.(outcome);
    if (avatar && 'error' in avatar) this.options.onAvatar?.('rejected', avatar.error);
    else if (avatar) this.options.onAvatar?.(fields.avatar_url ? 'updated' : 'unchanged');

    const profileCacheMs = this.options.profileCacheMs ?? 3_600_000;
    // A failed avatar is retried once this shorter entry expires; the previous avatar stays meanwhile.
    const ttlMs =
      avatar && 'error' in avatar
        ? Math.min(profileCacheMs, this.options.avatars?.retryMs ?? 300_000)
        : profileCacheMs;
    if (ttlMs > 0) await store.set(profileKey(userId), JSON.stringify(wanted), { ttlMs });
    return { userId, outcome };
  }

  /**
   * The mxc URI for the host's avatar: the recorded one while the URL is unchanged; otherwise the
   * image is downloaded and uploaded only if its bytes differ from the recorded image. Download
   * and upload failures are returned, not thrown: a bad avatar must never fail a sign-in.
   */
  private async resolveAvatar(userId: string, source: string): Promise<AvatarResolution> {
    const { synapse, store, avatars = {} } = this.options;
    const stored = await store.get(avatarKey(userId));
    const recorded = stored === undefined ? undefined : (JSON.parse(stored) as AvatarRecord);
    if (recorded?.avatarSource === source) return { mxc: recorded.mxc };
    let record: AvatarRecord;
    try {
      const image = await fetchAvatar(source, avatars);
      const mxc =
        recorded?.avatarSha256 === image.sha256
          ? recorded.mxc
          : await synapse.uploadMedia(image.bytes, image.contentType, `avatar.${image.contentType.slice(6)}`);
      record = { avatarSource: source, avatarSha256: image.sha256, mxc };
    } catch (err) {
      return {
        error: err instanceof BrokerError ? err : new BrokerError('OM_AVATAR_REJECTED', { cause: err }),
      };
    }
    await store.set(avatarKey(userId), JSON.stringify(record));
    return { mxc: record.mxc };
  }
}

export type ProvisionOutcome = 'created' | 'updated' | 'unchanged';

export interface ProvisionResult {
  userId: string;
  outcome: ProvisionOutcome;
}

/** The `auth_provider` of the external id marking accounts the broker created. */
export const BROKER_AUTH_PROVIDER = 'openmeet-broker';

function isBrokerAccount(user: SynapseUser, hostUserId: string): boolean {
  return (user.external_ids ?? []).some(
    (id) => id.auth_provider === BROKER_AUTH_PROVIDER && id.external_id === hostUserId,
  );
}

/** Longer than the worst case of the Synapse calls and avatar download made under the lock. */
const LOCK_TTL_MS = 120_000;
/** Synapse refuses longer display names (MAX_DISPLAYNAME_LEN) and trims whitespace itself. */
const MAX_DISPLAY_NAME = 256;

function displayNameFor(claim: string | undefined): string | null {
  const trimmed = claim?.trim();
  return trimmed ? Array.from(trimmed).slice(0, MAX_DISPLAY_NAME).join('').trim() : null;
}

function avatarKey(userId: string): string {
  return `avatar:${userId}`;
}

function profileKey(userId: string): string {
  return `profile:${userId}`;
}

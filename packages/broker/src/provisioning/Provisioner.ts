import { BrokerError } from '../errors.js';
import type { HostIdentity } from '../identity/index.js';
import type { Store } from '../store/index.js';
import { withLock } from '../store/index.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import { matrixUserIdFor } from './matrixUserId.js';

export interface ProvisionerOptions {
  synapse: SynapseClient;
  store: Store;
  serverName: string;
  localpartPrefix: string;
  /** How long a provisioned profile is trusted before Synapse is asked again (repairs drift). */
  profileCacheMs?: number;
  /** Counts admin-API provisioning calls (metrics). */
  onProvision?: (outcome: 'created' | 'updated' | 'unchanged') => void;
}

interface ProvisionedProfile {
  displayName: string | null;
}

/**
 * Makes sure the Matrix user for a host identity exists with the host's display name. Idempotent
 * and single-flight: concurrent first requests (in this process and, through a store lock, across
 * broker instances) create the user once. It never sets a password nor touches devices.
 */
export class Provisioner {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly options: ProvisionerOptions) {}

  userIdFor(hostUserId: string): string {
    return matrixUserIdFor(hostUserId, {
      prefix: this.options.localpartPrefix,
      serverName: this.options.serverName,
    });
  }

  /** Resolves to the Matrix user id, provisioned and in sync. */
  async ensure(identity: HostIdentity): Promise<string> {
    const userId = this.userIdFor(identity.hostUserId);
    const wanted: ProvisionedProfile = { displayName: identity.displayName ?? null };
    const cached = await this.options.store.get(profileKey(userId));
    if (cached === JSON.stringify(wanted)) return userId;

    const key = `${userId}\n${JSON.stringify(wanted)}`;
    let flight = this.inFlight.get(key);
    if (!flight) {
      flight = withLock(
        this.options.store,
        `lock:provision:${userId}`,
        30_000,
        () => this.provision(userId, wanted),
        {
          waitMs: 30_000,
        },
      ).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  /** Forgets the cached profile so the next request re-provisions (ops "re-provision"). */
  async forget(userId: string): Promise<void> {
    await this.options.store.delete(profileKey(userId));
  }

  private async provision(userId: string, wanted: ProvisionedProfile): Promise<string> {
    const { synapse, store } = this.options;
    // Another instance may have finished while we waited for the lock.
    if ((await store.get(profileKey(userId))) === JSON.stringify(wanted)) return userId;
    const existing = await synapse.getUser(userId);
    if (existing?.deactivated) throw new BrokerError('OM_USER_DEACTIVATED');
    const fields: { displayname?: string } = {};
    if (wanted.displayName !== null && existing?.displayname !== wanted.displayName) {
      fields.displayname = wanted.displayName;
    }
    if (!existing || Object.keys(fields).length > 0) {
      await synapse.putUser(userId, fields);
      this.options.onProvision?.(existing ? 'updated' : 'created');
    } else {
      this.options.onProvision?.('unchanged');
    }
    await store.set(profileKey(userId), JSON.stringify(wanted), {
      ttlMs: this.options.profileCacheMs ?? 3_600_000,
    });
    return userId;
  }
}

function profileKey(userId: string): string {
  return `profile:${userId}`;
}

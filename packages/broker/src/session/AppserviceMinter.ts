import { BrokerError } from '../errors.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import type { MintedToken, TokenMinter } from './TokenMinter.js';

/** Device-bound tokens through an application-service login; revocation deletes the device. */
export class AppserviceMinter implements TokenMinter {
  readonly mode = 'appservice';

  constructor(
    private readonly synapse: SynapseClient,
    private readonly deviceDisplayName = 'OpenMeet Chat',
  ) {}

  async mint(userId: string, deviceId: string): Promise<MintedToken> {
    const login = await this.synapse
      .appserviceLogin(userId, deviceId, this.deviceDisplayName)
      .catch((err: unknown) => {
        // Deactivated outside the broker (or since its profile cache was filled).
        if (err instanceof BrokerError && err.upstream?.errcode === 'M_USER_DEACTIVATED') {
          throw new BrokerError('OM_USER_DEACTIVATED', { cause: err });
        }
        throw err;
      });
    if (login.device_id !== deviceId) {
      throw new BrokerError('OM_SYNAPSE_ERROR', { message: 'Synapse bound the token to another device' });
    }
    if (login.expires_in_ms === undefined) {
      // A non-expiring token would break the promise that access ends within one token lifetime.
      throw new BrokerError('OM_SYNAPSE_ERROR', {
        message: 'Synapse issued a non-expiring token: set refreshable_access_token_lifetime',
      });
    }
    return { accessToken: login.access_token, expiresInMs: login.expires_in_ms };
  }

  revokeDevice(userId: string, deviceId: string): Promise<void> {
    return this.synapse.deleteDevice(userId, deviceId);
  }

  /** The old token shares the device and expires within one lifetime: nothing to do. */
  async retire(): Promise<void> {}
}

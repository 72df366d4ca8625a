import type { SynapseClient } from '../synapse/SynapseClient.js';
import type { MintedToken, TokenMinter } from './TokenMinter.js';

/**
 * Fallback: the admin "login as user" API with `valid_until_ms`. Its tokens carry no device, so
 * Synapse's transaction-id dedupe is per token (a message retried across a rotation can be
 * duplicated), and no device deletion reaches them. So the broker logs out a device's previous
 * token as soon as it hands out the next one: it always knows every live token it made, and
 * revocation logs those out. (Synapse's `logout/all` does not help: for these "puppet" tokens it
 * only logs out the calling token.)
 */
export class AdminLoginMinter implements TokenMinter {
  readonly mode = 'admin-login';

  constructor(
    private readonly synapse: SynapseClient,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async mint(userId: string): Promise<MintedToken> {
    const { access_token } = await this.synapse.adminLoginAsUser(userId, this.now() + this.ttlMs);
    return { accessToken: access_token, expiresInMs: this.ttlMs };
  }

  async revokeDevice(_userId: string, _deviceId: string, cachedToken: string | undefined): Promise<void> {
    if (cachedToken) await this.synapse.logout(cachedToken);
  }

  retire(previousToken: string): Promise<void> {
    return this.synapse.logout(previousToken);
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { HostIdentity } from '../identity/index.js';
import { Provisioner, type ProvisionerOptions } from '../provisioning/Provisioner.js';
import type { ItemOutcome } from './Checkpoints.js';

/**
 * A Provisioner that says what `ensure` did for each user. Its outcome callback carries no user, so
 * the outcome is routed back to the calling `ensure` through async context (each cutover user is
 * ensured once, so no other caller joins its flight). No callback means the profile cache
 * answered: unchanged.
 */
export class UserProvisioning {
  private readonly slot = new AsyncLocalStorage<{ outcome: ItemOutcome }>();
  readonly provisioner: Provisioner;

  constructor(options: Omit<ProvisionerOptions, 'onProvision'>) {
    this.provisioner = new Provisioner({
      ...options,
      onProvision: (outcome) => {
        const slot = this.slot.getStore();
        if (slot) slot.outcome = outcome;
      },
    });
  }

  ensure(identity: HostIdentity): Promise<ItemOutcome> {
    const slot: { outcome: ItemOutcome } = { outcome: 'unchanged' };
    return this.slot.run(slot, async () => {
      await this.provisioner.ensure(identity);
      return slot.outcome;
    });
  }
}

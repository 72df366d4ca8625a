import { setImmediate as nextTurn } from 'node:timers/promises';
import { BrokerError } from '../errors.js';
import { type Store, withLock } from '../store/index.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import type { PowerLevelsContent } from './entityPowerLevels.js';

/** Changes the content in place; must not throw (validate before calling `update`). */
export type PowerLevelsMutation = (content: PowerLevelsContent) => void;

interface Pending {
  mutate: PowerLevelsMutation;
  resolve: (changed: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Read-merge-write of `m.room.power_levels`, serialised per room across brokers (store lock) and
 * coalesced in-process: every change queued while a write is in flight goes into the next single
 * write, so a burst of role changes costs one state event, not one per change. An update that
 * changes nothing writes nothing.
 */
export class PowerLevelsWriter {
  private readonly queues = new Map<string, Pending[]>();

  constructor(
    private readonly synapse: SynapseClient,
    private readonly store: Store,
    private readonly lockWaitMs = 30_000,
  ) {}

  /** Resolves true when this mutation changed the content (and so a new event was written). */
  update(roomId: string, mutate: PowerLevelsMutation): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(roomId);
      if (queue) {
        queue.push({ mutate, resolve, reject });
        return;
      }
      this.queues.set(roomId, [{ mutate, resolve, reject }]);
      void this.drain(roomId);
    });
  }

  private async drain(roomId: string): Promise<void> {
    const queue = this.queues.get(roomId) ?? [];
    // Let changes requested in the same turn join the first write.
    await nextTurn();
    while (queue.length > 0) {
      const batch = queue.splice(0);
      try {
        const changed = await withLock(
          this.store,
          `lock:power-levels:${roomId}`,
          30_000,
          () => this.write(roomId, batch),
          { waitMs: this.lockWaitMs },
        );
        batch.forEach((pending, i) => {
          pending.resolve(changed[i] ?? false);
        });
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.queues.delete(roomId);
  }

  private async write(roomId: string, batch: Pending[]): Promise<boolean[]> {
    const current = await this.synapse.getState<PowerLevelsContent>(roomId, 'm.room.power_levels', '');
    if (!current) throw new BrokerError('OM_ROOM_NOT_FOUND', { message: 'The room has no power levels' });
    const content = structuredClone(current);
    let before = JSON.stringify(content);
    const changed = batch.map(({ mutate }) => {
      mutate(content);
      const after = JSON.stringify(content);
      const differs = after !== before;
      before = after;
      return differs;
    });
    if (changed.some(Boolean)) await this.synapse.putState(roomId, 'm.room.power_levels', '', content);
    return changed;
  }
}

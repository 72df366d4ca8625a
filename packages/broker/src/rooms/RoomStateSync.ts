import { BrokerError } from '../errors.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import type { AliasPattern } from './AliasPattern.js';
import type { DesiredRoomState } from './desiredRoomState.js';
import { READ_ONLY_LEVEL } from './entityPowerLevels.js';
import type { PowerLevelsWriter } from './PowerLevelsWriter.js';
import type { RoomSnapshot } from './readRoomState.js';
import { isAliasTaken } from './upstreamError.js';

/** Brings an existing entity room in line with its entity, writing only what differs. */
export class RoomStateSync {
  constructor(
    private readonly synapse: SynapseClient,
    private readonly aliases: AliasPattern,
    private readonly powerLevels: PowerLevelsWriter,
  ) {}

  /** True when anything changed. */
  async sync(roomId: string, state: RoomSnapshot, desired: DesiredRoomState): Promise<boolean> {
    let changed = false;
    const put = async (type: string, content: Record<string, unknown>) => {
      await this.synapse.putState(roomId, type, '', content);
      changed = true;
    };
    if (state.name !== desired.name) await put('m.room.name', { name: desired.name });
    if (state.topic !== desired.topic) await put('m.room.topic', { topic: desired.topic });
    if (state.avatarUrl !== desired.avatarUrl) {
      await put('m.room.avatar', desired.avatarUrl ? { url: desired.avatarUrl } : {});
    }
    if (state.joinRule !== desired.joinRule) await put('m.room.join_rules', { join_rule: desired.joinRule });
    if (await this.moveAlias(roomId, state, desired.alias)) changed = true;
    const eventsDefault = desired.archived ? READ_ONLY_LEVEL : 0;
    if (state.eventsDefault !== eventsDefault) {
      const wrote = await this.powerLevels.update(roomId, (content) => {
        content.events_default = eventsDefault;
      });
      if (wrote) changed = true;
    }
    return changed;
  }

  /**
   * A slug rename: the new alias is created and made canonical before the old one is removed, so
   * the room (and its history) stays and is always reachable. Stale aliases of ours left by an
   * interrupted rename are removed too.
   */
  private async moveAlias(roomId: string, state: RoomSnapshot, alias: string): Promise<boolean> {
    let changed = false;
    if (!state.aliases.includes(alias)) {
      try {
        await this.synapse.putAlias(alias, roomId);
      } catch (error) {
        if (!isAliasTaken(error)) throw error;
        if ((await this.synapse.resolveAlias(alias)) !== roomId) {
          throw new BrokerError('OM_ROOM_ALIAS_CONFLICT', {
            message: `The alias ${alias} belongs to another room`,
          });
        }
      }
      changed = true;
    }
    if (state.canonicalAlias !== alias) {
      await this.synapse.putState(roomId, 'm.room.canonical_alias', '', { alias });
      changed = true;
    }
    for (const stale of state.aliases) {
      if (stale !== alias && this.aliases.owns(stale) && (await this.synapse.deleteAlias(stale))) {
        changed = true;
      }
    }
    return changed;
  }
}

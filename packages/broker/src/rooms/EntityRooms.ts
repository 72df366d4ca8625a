import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerError } from '../errors.js';
import { type Store, withLock } from '../store/index.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import { type AliasPattern, aliasLocalpart } from './AliasPattern.js';
import { type DesiredRoomState, desiredRoomState, fingerprint } from './desiredRoomState.js';
import { entityPowerLevels, type PowerLevelsContent, ROOM_VERSION } from './entityPowerLevels.js';
import { PowerLevelsWriter } from './PowerLevelsWriter.js';
import { DEFAULT_ROLE_LEVELS, type RoleLevels, roleLevelMap, SERVICE_LEVEL } from './RoleLevels.js';
import {
  type EntityRef,
  isMarkerOf,
  markerFor,
  ROOM_MARKER_TYPE,
  type RoomEntity,
  type RoomQuery,
} from './RoomEntity.js';
import { RoomStateSync } from './RoomStateSync.js';
import { type RoomSnapshot, readRoomState } from './readRoomState.js';
import { SingleFlight } from './SingleFlight.js';
import { isAliasTaken, isRoomInvisible } from './upstreamError.js';

export interface EntityRoomsOptions {
  synapse: SynapseClient;
  store: Store;
  aliases: AliasPattern;
  /** Host user id → Matrix user id (the Provisioner's `userIdFor`). */
  userIdFor: (hostUserId: string) => string;
  /** Default owner 100, admin 75, moderator 50, member 0. */
  roleLevels?: RoleLevels;
  /** How long a request waits for another broker working on the same room. Default 30 s. */
  lockWaitMs?: number;
  /** Set as the service user's display name before it first acts (unset: left as Synapse has it). */
  serviceDisplayName?: string;
}

export type EnsureOutcome = 'created' | 'updated' | 'unchanged';

export interface EnsuredRoom {
  roomId: string;
  alias: string;
  outcome: EnsureOutcome;
}

export interface RoleChange {
  hostUserId: string;
  /** A role of the configured map; the lowest-level role (`member`) drops the user from the content. */
  role: string;
}

/** The only state kept per entity: the room, the slug its alias follows and what was last applied. */
interface RoomRecord {
  roomId: string;
  slug: string;
  /** Fingerprint of the entity fields last applied: an unchanged entity costs no Synapse call. */
  applied: string;
}

const LOCK_TTL_MS = 60_000;
const recordKey = (ref: EntityRef) => `room:${ref.kind}:${ref.id}`;

/**
 * Rooms for host groups and events. The store maps an entity to its room; Synapse stays the
 * source of truth (a lost mapping is found again through the alias, and the marker state proves the
 * room belongs to the entity). Every change to an entity's room is serialised by a store lock
 * across brokers and single-flight in-process, so concurrent `ensure` calls create one room.
 */
export class EntityRooms {
  private readonly roles: ReadonlyMap<string, number>;
  private readonly powerLevels: PowerLevelsWriter;
  private readonly syncer: RoomStateSync;
  private readonly flights = new SingleFlight<EnsuredRoom>();
  private readonly lockWaitMs: number;
  private serviceUser: Promise<string> | undefined;

  constructor(private readonly options: EntityRoomsOptions) {
    this.roles = roleLevelMap(options.roleLevels ?? DEFAULT_ROLE_LEVELS);
    this.lockWaitMs = options.lockWaitMs ?? 30_000;
    this.powerLevels = new PowerLevelsWriter(options.synapse, options.store, this.lockWaitMs);
    this.syncer = new RoomStateSync(options.synapse, options.aliases, this.powerLevels);
  }

  /**
   * Creates the entity's room or brings it in line with the entity (name, topic, avatar, join rule,
   * alias, read-only when archived). `verify` compares with Synapse even when the store says this
   * entity was already applied (reconciliation).
   */
  async ensure(entity: RoomEntity, options: { verify?: boolean } = {}): Promise<EnsuredRoom> {
    checkRef(entity);
    const desired = desiredRoomState(entity, this.options.aliases);
    const applied = fingerprint(desired);
    const verify = options.verify ?? false;
    if (!verify) {
      const record = await this.readRecord(entity);
      if (record?.applied === applied)
        return { roomId: record.roomId, alias: desired.alias, outcome: 'unchanged' };
    }
    return this.flights.run(`${recordKey(entity)}\n${applied}\n${verify}`, () =>
      withLock(
        this.options.store,
        `lock:${recordKey(entity)}`,
        LOCK_TTL_MS,
        () => this.converge(entity, desired, applied, verify),
        { waitMs: this.lockWaitMs },
      ),
    );
  }

  /** The entity's room id; OM_ROOM_NOT_FOUND until `ensure` has run. */
  async roomIdFor(ref: EntityRef): Promise<string> {
    checkRef(ref);
    const record = await this.readRecord(ref);
    if (!record) throw new BrokerError('OM_ROOM_NOT_FOUND');
    return record.roomId;
  }

  /**
   * The room for the SDK. A private entity's room is revealed only to its members (joined or
   * invited); everyone else gets OM_ROOM_NOT_FOUND, exactly as if it did not exist.
   */
  async lookup(query: RoomQuery, forUserId: string): Promise<{ roomId: string; alias: string }> {
    const found = await this.find(query);
    if (!found) throw new BrokerError('OM_ROOM_NOT_FOUND');
    const { synapse } = this.options;
    try {
      const [joinRules, member] = await Promise.all([
        synapse.getState(found.roomId, 'm.room.join_rules', ''),
        synapse.getState(found.roomId, 'm.room.member', forUserId),
      ]);
      if (joinRules?.join_rule === 'public') return found;
      if (member?.membership === 'join' || member?.membership === 'invite') return found;
    } catch (error) {
      if (!isRoomInvisible(error)) throw error;
    }
    throw new BrokerError('OM_ROOM_NOT_FOUND');
  }

  /** Applies a batch of role changes as one power-levels update (none when nothing changes). */
  async setRoles(
    ref: EntityRef,
    changes: readonly RoleChange[],
  ): Promise<{ roomId: string; outcome: 'updated' | 'unchanged' }> {
    const roomId = await this.roomIdFor(ref);
    const serviceUser = await this.serviceUserId();
    const levels = new Map<string, number>();
    for (const change of changes) {
      const level = this.roles.get(change.role);
      if (level === undefined) {
        throw new BrokerError('OM_BAD_REQUEST', { message: `Unknown role ${JSON.stringify(change.role)}` });
      }
      const userId = this.options.userIdFor(change.hostUserId);
      if (userId === serviceUser) {
        throw new BrokerError('OM_BAD_REQUEST', { message: "The broker's service user has no role" });
      }
      // The last change for a user wins, as if the batch were applied in order.
      levels.set(userId, level);
    }
    return { roomId, outcome: (await this.writeLevels(roomId, levels)) ? 'updated' : 'unchanged' };
  }

  /**
   * Sets Matrix users' levels in one power-levels update (reconciliation, which also resets users
   * it knows only by their Matrix id). Levels are 0 to the service user's; the service user is refused.
   */
  async setLevels(
    ref: EntityRef,
    levels: ReadonlyMap<string, number>,
  ): Promise<{ roomId: string; outcome: 'updated' | 'unchanged' }> {
    const roomId = await this.roomIdFor(ref);
    const serviceUser = await this.serviceUserId();
    for (const [userId, level] of levels) {
      if (userId === serviceUser) {
        throw new BrokerError('OM_BAD_REQUEST', { message: "The broker's service user has no role" });
      }
      if (!Number.isInteger(level) || level < 0 || level > SERVICE_LEVEL) {
        throw new BrokerError('OM_BAD_REQUEST', { message: `Power level ${level} is out of range` });
      }
    }
    return { roomId, outcome: (await this.writeLevels(roomId, levels)) ? 'updated' : 'unchanged' };
  }

  /**
   * Lowers a user who holds the service user's level to the room default, written as that user:
   * the auth rules forbid changing the level of a peer at one's own level, but everyone may lower
   * their own. Needed before such a user (an owner, by default) can be demoted, kicked or banned.
   * Only works while the user is joined. Resolves false when there was nothing to lower.
   */
  async stepDown(ref: EntityRef, userId: string): Promise<boolean> {
    const roomId = await this.roomIdFor(ref);
    const { synapse, store } = this.options;
    // The PowerLevelsWriter's lock: this read-modify-write must not interleave with its writes.
    return withLock(
      store,
      `lock:power-levels:${roomId}`,
      30_000,
      async () => {
        const current = await synapse.getState<PowerLevelsContent>(roomId, 'm.room.power_levels', '');
        const level = current?.users?.[userId];
        if (!current || level === undefined || level < SERVICE_LEVEL) return false;
        const users = { ...current.users };
        delete users[userId];
        await synapse.putState(roomId, 'm.room.power_levels', '', { ...current, users }, { actAs: userId });
        return true;
      },
      { waitMs: this.lockWaitMs },
    );
  }

  /** The level a role maps to, or undefined for a role the map does not know. */
  roleLevel(role: string): number | undefined {
    return this.roles.get(role);
  }

  /**
   * Like `roomIdFor`, but a mapping the store lost (or never had, e.g. a CLI run on the memory
   * store) is found again through the slug's alias, proven by the room's marker, and recorded.
   */
  async findRoomId(ref: EntityRef, slug?: string): Promise<string> {
    checkRef(ref);
    const record = await this.readRecord(ref);
    if (record) return record.roomId;
    if (slug === undefined) throw new BrokerError('OM_ROOM_NOT_FOUND');
    const { synapse, store, aliases } = this.options;
    const roomId = await synapse.resolveAlias(aliases.aliasFor(ref.kind, slug));
    if (roomId === undefined) throw new BrokerError('OM_ROOM_NOT_FOUND');
    const marker = await synapse.getState(roomId, ROOM_MARKER_TYPE, '').catch((error: unknown) => {
      if (isRoomInvisible(error)) return undefined;
      throw error;
    });
    if (!isMarkerOf(marker, ref)) throw new BrokerError('OM_ROOM_NOT_FOUND');
    // Nothing recorded as applied: the next `ensure` compares the room with the entity again.
    const next: RoomRecord = { roomId, slug, applied: '' };
    await store.set(recordKey(ref), JSON.stringify(next));
    return roomId;
  }

  /**
   * For ops: deletes the room on Synapse (members kicked, aliases removed, history purged) and
   * forgets the mapping; a later `ensure` creates a fresh room. Poll `deletionStatus` for the end.
   */
  async delete(
    query: RoomQuery,
    options: { purge?: boolean } = {},
  ): Promise<{ roomId: string; deleteId: string }> {
    const found = await this.find(query);
    if (!found) throw new BrokerError('OM_ROOM_NOT_FOUND');
    // Read before deleting: afterwards the service user no longer sees the room.
    const id = 'id' in query ? query.id : await this.entityIdOf(found.roomId);
    const deleteId = await this.options.synapse.adminDeleteRoom(found.roomId, {
      purge: options.purge ?? true,
    });
    if (id !== undefined) await this.options.store.delete(recordKey({ kind: query.kind, id }));
    return { roomId: found.roomId, deleteId };
  }

  deletionStatus(deleteId: string) {
    return this.options.synapse.adminDeleteStatus(deleteId);
  }

  private async converge(
    entity: RoomEntity,
    desired: DesiredRoomState,
    applied: string,
    verify: boolean,
  ): Promise<EnsuredRoom> {
    const { store } = this.options;
    // Another broker may have applied the same entity while we waited for the lock.
    const record = await this.readRecord(entity);
    if (!verify && record?.applied === applied) {
      return { roomId: record.roomId, alias: desired.alias, outcome: 'unchanged' };
    }
    const found = await this.locate(entity, record, desired.alias);
    let roomId: string;
    let outcome: EnsureOutcome;
    if (found) {
      roomId = found.roomId;
      outcome = (await this.syncer.sync(found.roomId, found.state, desired)) ? 'updated' : 'unchanged';
    } else {
      try {
        roomId = await this.create(entity, desired);
        outcome = 'created';
      } catch (error) {
        // Created meanwhile by a broker that does not share our store: adopt its room.
        if (!isAliasTaken(error)) throw error;
        const adopted = await this.locate(entity, undefined, desired.alias);
        if (!adopted) throw error;
        roomId = adopted.roomId;
        outcome = (await this.syncer.sync(adopted.roomId, adopted.state, desired)) ? 'updated' : 'unchanged';
      }
    }
    const next: RoomRecord = { roomId, slug: entity.slug, applied };
    await store.set(recordKey(entity), JSON.stringify(next));
    return { roomId, alias: desired.alias, outcome };
  }

  /** The entity's existing room: the recorded one if the service user still sees it, else by alias. */
  private async locate(
    ref: EntityRef,
    record: RoomRecord | undefined,
    alias: string,
  ): Promise<{ roomId: string; state: RoomSnapshot } | undefined> {
    const { synapse } = this.options;
    if (record) {
      const state = await readRoomState(synapse, record.roomId);
      if (state && isMarkerOf(state.marker, ref)) return { roomId: record.roomId, state };
    }
    const roomId = await synapse.resolveAlias(alias);
    if (roomId === undefined) return undefined;
    let state = await readRoomState(synapse, roomId);
    // Synapse points the alias at a new room before the room's first events exist: a creation
    // still in flight (by a broker sharing no store with us) needs a moment before it is readable.
    for (let waitMs = 25; state?.marker === undefined && waitMs <= 800; waitMs *= 2) {
      await sleep(waitMs);
      state = await readRoomState(synapse, roomId);
    }
    if (!state || !isMarkerOf(state.marker, ref)) {
      // The alias is ours, but the room is another entity's (its rename has not reached us yet).
      throw new BrokerError('OM_ROOM_ALIAS_CONFLICT', {
        message: `The alias ${alias} belongs to another room`,
      });
    }
    return { roomId, state };
  }

  private async create(entity: RoomEntity, desired: DesiredRoomState): Promise<string> {
    const serviceUser = await this.serviceUserId();
    const state = (type: string, content: Record<string, unknown>) => ({ type, state_key: '', content });
    return this.options.synapse.createRoom({
      preset: desired.joinRule === 'public' ? 'public_chat' : 'private_chat',
      // Not published in the server's room directory: the host app is the directory.
      visibility: 'private',
      room_version: ROOM_VERSION,
      room_alias_name: aliasLocalpart(desired.alias),
      name: desired.name,
      ...(desired.topic ? { topic: desired.topic } : {}),
      power_level_content_override: entityPowerLevels(serviceUser, {
        moderatorLevel: this.moderatorLevel(),
        archived: desired.archived,
      }),
      initial_state: [
        state(ROOM_MARKER_TYPE, markerFor(entity)),
        state('m.room.join_rules', { join_rule: desired.joinRule }),
        // `shared`: members read the whole history, including what was said before they joined
        // (event logistics, group discussions); people who leave keep only what they could see.
        // Never `world_readable`: private entities' history is for members only.
        state('m.room.history_visibility', { history_visibility: 'shared' }),
        state('m.room.guest_access', { guest_access: 'forbidden' }),
        ...(desired.avatarUrl ? [state('m.room.avatar', { url: desired.avatarUrl })] : []),
      ],
    });
  }

  private async find(query: RoomQuery): Promise<{ roomId: string; alias: string } | undefined> {
    if ('slug' in query) {
      const alias = this.options.aliases.aliasFor(query.kind, query.slug);
      const roomId = await this.options.synapse.resolveAlias(alias);
      return roomId === undefined ? undefined : { roomId, alias };
    }
    checkRef(query);
    const record = await this.readRecord(query);
    return record && { roomId: record.roomId, alias: this.options.aliases.aliasFor(query.kind, record.slug) };
  }

  private async entityIdOf(roomId: string): Promise<string | undefined> {
    const marker = await this.options.synapse.getState(roomId, ROOM_MARKER_TYPE, '').catch(() => undefined);
    const id = (marker?.entity as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? id : undefined;
  }

  private async readRecord(ref: EntityRef): Promise<RoomRecord | undefined> {
    const json = await this.options.store.get(recordKey(ref));
    return json === undefined ? undefined : (JSON.parse(json) as RoomRecord);
  }

  /** One power-levels update; users at the room default are left out of the content. */
  private writeLevels(roomId: string, levels: ReadonlyMap<string, number>): Promise<boolean> {
    if (levels.size === 0) return Promise.resolve(false);
    return this.powerLevels.update(roomId, (content) => {
      const users = { ...content.users };
      for (const [userId, level] of levels) {
        // Users at the default level are left out, keeping the content small in large rooms.
        if (level === (content.users_default ?? 0)) delete users[userId];
        else users[userId] = level;
      }
      content.users = users;
    });
  }

  private moderatorLevel(): number {
    return this.roles.get('moderator') ?? 50;
  }

  /**
   * The appservice sender, asked once (the registration, not the broker's config, defines it), and
   * named before it first acts, so rooms and notices show a name rather than a bare user id.
   */
  serviceUserId(): Promise<string> {
    this.serviceUser ??= this.options.synapse
      .appserviceSender()
      .then(async (userId) => {
        await this.nameServiceUser(userId);
        return userId;
      })
      .catch((error: unknown) => {
        this.serviceUser = undefined;
        throw error;
      });
    return this.serviceUser;
  }

  private async nameServiceUser(userId: string): Promise<void> {
    const name = this.options.serviceDisplayName;
    if (!name) return;
    const { synapse } = this.options;
    // Only when it differs: a rename rewrites the user's membership in every room it is in.
    if ((await synapse.displayName(userId)) !== name) await synapse.setDisplayName(userId, name);
  }
}

/** Ids are checked before they become store keys. */
function checkRef(ref: EntityRef): void {
  if (ref.id.length === 0 || ref.id.length > 255) {
    throw new BrokerError('OM_BAD_REQUEST', { message: 'The entity id must have 1 to 255 characters' });
  }
}

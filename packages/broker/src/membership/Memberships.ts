import { BrokerError } from '../errors.js';
import type { HostIdentity } from '../identity/index.js';
import type { Provisioner } from '../provisioning/Provisioner.js';
import type { EntityRooms } from '../rooms/EntityRooms.js';
import type { PowerLevelsContent } from '../rooms/entityPowerLevels.js';
import { SERVICE_LEVEL } from '../rooms/RoleLevels.js';
import type { EntityRef } from '../rooms/RoomEntity.js';
import { isUpstream } from '../rooms/upstreamError.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import { decodeLocalpart } from './decodeLocalpart.js';
import { mapConcurrent } from './mapConcurrent.js';
import { describeFailure, type PlannedLevel, planReconciliation } from './planReconciliation.js';

/** A host entity whose room membership is synced; `slug` finds the room when the store lost it. */
export interface MembershipEntity extends EntityRef {
  slug?: string | undefined;
}

export interface MemberInput {
  hostUserId: string;
  /** The name the user is provisioned with when the broker creates them. */
  displayName?: string | undefined;
  /** Applied when given; otherwise the user's level is left as it is. */
  role?: string | undefined;
}

export type MembershipOutcome = 'changed' | 'unchanged';

export interface MembershipResult {
  roomId: string;
  userId: string;
  outcome: MembershipOutcome;
}

export interface AddResult extends MembershipResult {
  /** The user's membership before (`undefined`: never joined, or left). */
  previous: string | undefined;
}

/**
 * What a caller that reads a room in bulk already knows (the cutover reads each room once), so
 * `add` skips its own per-member reads. Writes still read fresh state; only the decision whether
 * a write is needed uses the snapshot.
 */
export interface RoomSnapshot {
  /** Memberships other than `leave`, as `listMembers` returns them. */
  members: ReadonlyMap<string, string>;
  powerLevels: PowerLevelsContent;
}

/** One change the host app reports (the body of `POST /v1/membership/events`). */
export interface MembershipChange {
  type: 'member.added' | 'member.removed' | 'member.role_changed' | 'member.banned';
  entity: MembershipEntity;
  hostUserId: string;
  displayName?: string | undefined;
  /** Optional for `member.added`, required for `member.role_changed`. */
  role?: string | undefined;
  reason?: string | undefined;
}

export interface DesiredMember {
  hostUserId: string;
  role: string;
  displayName?: string | undefined;
}

export interface DesiredMembership {
  entity: MembershipEntity;
  members: readonly DesiredMember[];
}

export interface MemberRef {
  hostUserId: string;
  userId: string;
}

/** `hostUserId` is absent for the rare Matrix ids that are a hash of a very long host id. */
export interface RemovedMember {
  userId: string;
  hostUserId?: string;
}

export interface LevelChange extends RemovedMember {
  from: number;
  to: number;
}

export interface MemberFailure {
  hostUserId?: string;
  userId?: string;
  code: string;
  message: string;
}

export interface ReconcileReport {
  entity: EntityRef;
  roomId?: string;
  /** Desired members who were not joined (absent, left, kicked, banned or only invited). */
  added: MemberRef[];
  /** Broker users in the room (joined or invited) whom the host does not list. */
  removed: RemovedMember[];
  /** Levels fixed in one power-levels update: desired roles, and leftover levels of non-members. */
  rolesChanged: LevelChange[];
  /** Desired members already joined at the right level. */
  unchanged: number;
  failed: MemberFailure[];
  /** Set when the entity could not be reconciled at all (e.g. its room does not exist). */
  error?: { code: string; message: string };
}

export interface MembershipsOptions {
  synapse: SynapseClient;
  rooms: EntityRooms;
  provisioner: Pick<Provisioner, 'ensure' | 'userIdFor' | 'isBrokerUser'>;
  /** The localpart prefix of broker users, to name removed members by their host id. */
  localpartPrefix: string;
  /** Members joined or removed at once during a reconciliation. Default 8. */
  concurrency?: number;
}

/**
 * Keeps entity rooms' membership in line with the host app: members are provisioned, invited by
 * the service user and joined (as themselves, through the appservice); removals kick; roles become
 * power levels; bans ban. Every operation is idempotent and reports whether it changed anything, so
 * retries, replays of the host's history and the cutover can call it freely.
 *
 * A user at the service user's own level (an owner, by default) cannot be demoted, kicked or banned
 * by it: the auth rules protect peers. Such a user is first made to lower their own level.
 */
export class Memberships {
  private readonly concurrency: number;

  constructor(private readonly options: MembershipsOptions) {
    this.concurrency = options.concurrency ?? 8;
  }

  /** Provisions the user if needed, then makes them a joined member (unbanning a banned one). */
  async add(entity: MembershipEntity, member: MemberInput, snapshot?: RoomSnapshot): Promise<AddResult> {
    const level = member.role === undefined ? undefined : this.levelOf(member.role);
    const roomId = await this.roomIdOf(entity);
    const identity: HostIdentity = { hostUserId: member.hostUserId, expiresAt: Date.now() };
    if (member.displayName !== undefined) identity.displayName = member.displayName;
    const userId = await this.options.provisioner.ensure(identity);
    // Invites and bans are rare and change what `join` must do: those are read fresh.
    const known = snapshot?.members.get(userId);
    const previous =
      snapshot && (known === undefined || known === 'join') ? known : await this.membershipOf(roomId, userId);
    const joined = await this.join(roomId, userId, previous);
    const leveled =
      level !== undefined && (await this.setLevel(entity, roomId, userId, level, snapshot?.powerLevels));
    return { roomId, userId, previous, outcome: joined || leveled ? 'changed' : 'unchanged' };
  }

  /** Kicks a joined or invited member; their level goes back to the room default. */
  async remove(entity: MembershipEntity, hostUserId: string, reason?: string): Promise<MembershipResult> {
    const { roomId, userId } = await this.target(entity, hostUserId);
    const membership = await this.membershipOf(roomId, userId);
    const leveled = await this.resetLevel(entity, roomId, userId, membership);
    let kicked = false;
    if (membership === 'join' || membership === 'invite') {
      await this.tolerate(roomId, userId, ['leave', undefined], () =>
        this.options.synapse.kickUser(roomId, userId, reason),
      );
      kicked = true;
    }
    return { roomId, userId, outcome: kicked || leveled ? 'changed' : 'unchanged' };
  }

  /** Sets the member's power level from the role map (works before they join, too). */
  async setRole(entity: MembershipEntity, hostUserId: string, role: string): Promise<MembershipResult> {
    const level = this.levelOf(role);
    const { roomId, userId } = await this.target(entity, hostUserId);
    const changed = await this.setLevel(entity, roomId, userId, level);
    return { roomId, userId, outcome: changed ? 'changed' : 'unchanged' };
  }

  /** Bans the user (members and non-members alike); their level goes back to the room default. */
  async ban(entity: MembershipEntity, hostUserId: string, reason?: string): Promise<MembershipResult> {
    const { roomId, userId } = await this.target(entity, hostUserId);
    const membership = await this.membershipOf(roomId, userId);
    const leveled = await this.resetLevel(entity, roomId, userId, membership);
    if (membership !== 'ban') await this.options.synapse.banUser(roomId, userId, reason);
    return { roomId, userId, outcome: membership !== 'ban' || leveled ? 'changed' : 'unchanged' };
  }

  /** Applies one change reported by the host app. */
  apply(change: MembershipChange): Promise<MembershipResult> {
    switch (change.type) {
      case 'member.added':
        return this.add(change.entity, change);
      case 'member.removed':
        return this.remove(change.entity, change.hostUserId, change.reason);
      case 'member.banned':
        return this.ban(change.entity, change.hostUserId, change.reason);
      case 'member.role_changed':
        if (change.role === undefined) {
          return Promise.reject(
            new BrokerError('OM_BAD_REQUEST', { message: 'member.role_changed needs a role' }),
          );
        }
        return this.setRole(change.entity, change.hostUserId, change.role);
    }
  }

  /**
   * Makes the room's membership match the host's list: missing members are added, broker users
   * the host does not list are removed, and every wrong level is fixed in one power-levels update.
   * Never rejects: failures are in the report, per member or (`error`) for the whole entity.
   */
  async reconcile(entity: MembershipEntity, desired: readonly DesiredMember[]): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      entity: { kind: entity.kind, id: entity.id },
      added: [],
      removed: [],
      rolesChanged: [],
      unchanged: 0,
      failed: [],
    };
    const { synapse, rooms, provisioner } = this.options;
    let roomId: string;
    let plan: ReturnType<typeof planReconciliation>;
    try {
      roomId = await this.roomIdOf(entity);
      const [members, powerLevels, serviceUser] = await Promise.all([
        synapse.listMembers(roomId),
        this.powerLevels(roomId),
        rooms.serviceUserId(),
      ]);
      plan = planReconciliation({
        desired,
        members,
        powerLevels,
        serviceUser,
        userIdFor: (hostUserId) => provisioner.userIdFor(hostUserId),
        isBrokerUser: (userId) => provisioner.isBrokerUser(userId),
        roleLevel: (role) => rooms.roleLevel(role),
        hostUserIdOf: (userId) => this.hostUserIdOf(userId),
      });
    } catch (error) {
      return { ...report, error: describeFailure(error) };
    }
    report.roomId = roomId;
    report.unchanged = plan.unchanged;
    report.failed.push(...plan.invalid);
    const failed = new Set<string>();
    const fail = ({ hostUserId, userId }: RemovedMember, error: unknown) => {
      failed.add(userId);
      report.failed.push({
        ...(hostUserId === undefined ? {} : { hostUserId }),
        userId,
        ...describeFailure(error),
      });
    };

    const joins = await mapConcurrent(plan.join, this.concurrency, async (member) => {
      try {
        await this.add(entity, { hostUserId: member.hostUserId, displayName: member.displayName });
        return { hostUserId: member.hostUserId, userId: member.userId };
      } catch (error) {
        fail(member, error);
        return undefined;
      }
    });
    report.added = joins.filter((joined) => joined !== undefined);

    report.rolesChanged = await this.fixLevels(
      entity,
      plan.levels.filter((change) => !failed.has(change.userId)),
      fail,
    );

    const kicks = await mapConcurrent(
      plan.kick.filter((extra) => !failed.has(extra.userId)),
      this.concurrency,
      async (extra) => {
        try {
          await this.tolerate(roomId, extra.userId, ['leave', undefined], () =>
            synapse.kickUser(roomId, extra.userId),
          );
          return extra;
        } catch (error) {
          fail(extra, error);
          return undefined;
        }
      },
    );
    report.removed = kicks.filter((kicked) => kicked !== undefined);
    return report;
  }

  /** Several entities, a few at a time; reports in the order given. */
  reconcileMany(
    items: readonly DesiredMembership[],
    options: { concurrency?: number } = {},
  ): Promise<ReconcileReport[]> {
    return mapConcurrent(items, options.concurrency ?? 2, (item) =>
      this.reconcile(item.entity, item.members),
    );
  }

  /** Peers step down one by one (as themselves), then everything else is one power-levels update. */
  private async fixLevels(
    entity: MembershipEntity,
    changes: readonly PlannedLevel[],
    fail: (who: RemovedMember, error: unknown) => void,
  ): Promise<LevelChange[]> {
    const ready: PlannedLevel[] = [];
    for (const change of changes) {
      try {
        if (change.from >= SERVICE_LEVEL && change.to < SERVICE_LEVEL) {
          await this.options.rooms.stepDown(entity, change.userId);
        }
        ready.push(change);
      } catch (error) {
        fail(change, error);
      }
    }
    try {
      await this.options.rooms.setLevels(entity, new Map(ready.map((change) => [change.userId, change.to])));
    } catch (error) {
      for (const change of ready) fail(change, error);
      return [];
    }
    // A removed member's reset is part of the removal, reported there.
    return ready
      .filter((change) => change.reason !== 'removal')
      .map(({ reason: _reason, ...change }) => change);
  }

  /** Invites (as the service user) unless invited, then joins as the user. False when already joined. */
  private async join(roomId: string, userId: string, membership: string | undefined): Promise<boolean> {
    const { synapse } = this.options;
    if (membership === 'join') return false;
    if (membership === 'ban') {
      await this.tolerate(roomId, userId, ['leave', 'invite', 'join'], () =>
        synapse.unbanUser(roomId, userId),
      );
    }
    if (membership !== 'invite') {
      await this.tolerate(roomId, userId, ['invite', 'join'], () => synapse.inviteUser(roomId, userId));
    }
    await synapse.joinRoom(roomId, { actAs: userId });
    return true;
  }

  /** Sets one user's level unless it already is `level`; a peer first steps down. */
  private async setLevel(
    entity: EntityRef,
    roomId: string,
    userId: string,
    level: number,
    known?: PowerLevelsContent,
  ): Promise<boolean> {
    const content = known ?? (await this.powerLevels(roomId));
    const current = content.users?.[userId] ?? content.users_default ?? 0;
    if (current === level) return false;
    if (current >= SERVICE_LEVEL && level < SERVICE_LEVEL) await this.options.rooms.stepDown(entity, userId);
    await this.options.rooms.setLevels(entity, new Map([[userId, level]]));
    return true;
  }

  /**
   * Drops a leaving user's level. A peer can only step down while joined; one who already left
   * keeps their entry (they cannot use it without being let in again).
   */
  private async resetLevel(
    entity: EntityRef,
    roomId: string,
    userId: string,
    membership: string | undefined,
  ): Promise<boolean> {
    const content = await this.powerLevels(roomId);
    const current = content.users?.[userId];
    const fallback = content.users_default ?? 0;
    if (current === undefined || current === fallback) return false;
    if (current >= SERVICE_LEVEL) {
      if (membership !== 'join') return false;
      await this.options.rooms.stepDown(entity, userId);
    }
    await this.options.rooms.setLevels(entity, new Map([[userId, fallback]]));
    return true;
  }

  /**
   * Runs a membership action; when Synapse refuses it (403) because another broker got there
   * first, the membership it finds then is accepted if it is one of `done`.
   */
  private async tolerate(
    roomId: string,
    userId: string,
    done: ReadonlyArray<string | undefined>,
    action: () => Promise<void>,
  ): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (!isUpstream(error, 403) || !done.includes(await this.membershipOf(roomId, userId))) throw error;
    }
  }

  private async target(entity: MembershipEntity, hostUserId: string) {
    const roomId = await this.roomIdOf(entity);
    const userId = this.options.provisioner.userIdFor(hostUserId);
    if (userId === (await this.options.rooms.serviceUserId())) {
      throw new BrokerError('OM_BAD_REQUEST', { message: "The broker's service user is not a member" });
    }
    return { roomId, userId };
  }

  private roomIdOf(entity: MembershipEntity): Promise<string> {
    return this.options.rooms.findRoomId({ kind: entity.kind, id: entity.id }, entity.slug);
  }

  private levelOf(role: string): number {
    const level = this.options.rooms.roleLevel(role);
    if (level === undefined) {
      throw new BrokerError('OM_BAD_REQUEST', { message: `Unknown role ${JSON.stringify(role)}` });
    }
    return level;
  }

  private async membershipOf(roomId: string, userId: string): Promise<string | undefined> {
    const member = await this.options.synapse.getState(roomId, 'm.room.member', userId);
    return typeof member?.membership === 'string' ? member.membership : undefined;
  }

  private async powerLevels(roomId: string): Promise<PowerLevelsContent> {
    const content = await this.options.synapse.getState<PowerLevelsContent>(
      roomId,
      'm.room.power_levels',
      '',
    );
    if (!content) throw new BrokerError('OM_ROOM_NOT_FOUND', { message: 'The room has no power levels' });
    return content;
  }

  /** The host id behind a broker user, proven by mapping it back. */
  private hostUserIdOf(userId: string): string | undefined {
    const localpart = userId.slice(1, userId.indexOf(':'));
    if (!userId.startsWith('@') || !localpart.startsWith(this.options.localpartPrefix)) return undefined;
    const candidate = decodeLocalpart(localpart.slice(this.options.localpartPrefix.length));
    if (candidate === undefined) return undefined;
    try {
      return this.options.provisioner.userIdFor(candidate) === userId ? candidate : undefined;
    } catch {
      return undefined;
    }
  }
}

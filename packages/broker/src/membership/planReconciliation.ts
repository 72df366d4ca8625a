import { BrokerError } from '../errors.js';
import type { PowerLevelsContent } from '../rooms/entityPowerLevels.js';
import type { RoomMember } from '../synapse/SynapseClient.js';
import type { DesiredMember, MemberFailure } from './Memberships.js';

export interface ReconciliationInput {
  desired: readonly DesiredMember[];
  /** The room's members other than `leave`, as Synapse lists them. */
  members: readonly RoomMember[];
  powerLevels: PowerLevelsContent;
  serviceUser: string;
  userIdFor(hostUserId: string): string;
  isBrokerUser(userId: string): boolean;
  roleLevel(role: string): number | undefined;
  hostUserIdOf(userId: string): string | undefined;
}

export interface PlannedJoin {
  hostUserId: string;
  userId: string;
  displayName?: string | undefined;
}

export interface PlannedKick {
  userId: string;
  hostUserId?: string;
}

export interface PlannedLevel {
  userId: string;
  hostUserId?: string;
  from: number;
  to: number;
  /** `role`: a desired member's level; `removal`: part of removing an extra; `stale`: a leftover level. */
  reason: 'role' | 'removal' | 'stale';
}

export interface ReconciliationPlan {
  invalid: MemberFailure[];
  /** Desired members not joined (absent, left, invited only or banned). */
  join: PlannedJoin[];
  /** Broker users joined or invited whom the host does not list. */
  kick: PlannedKick[];
  levels: PlannedLevel[];
  /** Desired members already joined at the right level. */
  unchanged: number;
}

const PRESENT = new Set(['join', 'invite']);

/**
 * Compares the host's membership of an entity with the room's, without side effects. Only broker
 * users are ever removed or reset: the service user and accounts outside the broker's namespace
 * (server admins, bridges) are not the host's to manage. Bans are left alone unless the host lists
 * the banned user as a member. A user listed twice counts with the last entry.
 */
export function planReconciliation(input: ReconciliationInput): ReconciliationPlan {
  const { powerLevels, serviceUser } = input;
  const users = powerLevels.users ?? {};
  const defaultLevel = powerLevels.users_default ?? 0;
  const levelOf = (userId: string) => users[userId] ?? defaultLevel;
  const membership = new Map(input.members.map((member) => [member.userId, member.membership]));

  const plan: ReconciliationPlan = { invalid: [], join: [], kick: [], levels: [], unchanged: 0 };
  const wanted = new Map<string, { member: DesiredMember; level: number }>();
  // Listed by the host, even with an entry we cannot apply: never removed for a typo in a role.
  const listed = new Set<string>();
  for (const member of input.desired) {
    let userId: string | undefined;
    try {
      userId = input.userIdFor(member.hostUserId);
      listed.add(userId);
      if (userId === serviceUser) {
        throw new BrokerError('OM_BAD_REQUEST', { message: "The broker's service user has no role" });
      }
      const level = input.roleLevel(member.role);
      if (level === undefined) {
        throw new BrokerError('OM_BAD_REQUEST', { message: `Unknown role ${JSON.stringify(member.role)}` });
      }
      wanted.set(userId, { member, level });
    } catch (error) {
      if (userId !== undefined) wanted.delete(userId);
      plan.invalid.push({ hostUserId: member.hostUserId, ...describeFailure(error) });
    }
  }

  for (const [userId, { member, level }] of wanted) {
    const joined = membership.get(userId) === 'join';
    if (!joined) {
      plan.join.push({ hostUserId: member.hostUserId, userId, displayName: member.displayName });
    }
    const from = levelOf(userId);
    if (from !== level)
      plan.levels.push({ userId, hostUserId: member.hostUserId, from, to: level, reason: 'role' });
    else if (joined) plan.unchanged++;
  }

  const managed = (userId: string) =>
    userId !== serviceUser && input.isBrokerUser(userId) && !listed.has(userId);
  const named = (userId: string) => {
    const hostUserId = input.hostUserIdOf(userId);
    return hostUserId === undefined ? { userId } : { userId, hostUserId };
  };
  for (const [userId, state] of membership) {
    if (!PRESENT.has(state) || !managed(userId)) continue;
    plan.kick.push(named(userId));
    const from = levelOf(userId);
    if (from !== defaultLevel)
      plan.levels.push({ ...named(userId), from, to: defaultLevel, reason: 'removal' });
  }
  for (const [userId, from] of Object.entries(users)) {
    if (!managed(userId) || PRESENT.has(membership.get(userId) ?? 'leave') || from === defaultLevel) continue;
    plan.levels.push({ ...named(userId), from, to: defaultLevel, reason: 'stale' });
  }
  return plan;
}

/** A failure as reported to the host: the stable code and the safe message, never internals. */
export function describeFailure(error: unknown): { code: string; message: string } {
  if (error instanceof BrokerError) return { code: error.code, message: error.message };
  return { code: 'OM_INTERNAL', message: 'Internal error' };
}

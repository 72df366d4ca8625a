import { createHash } from 'node:crypto';
import { BrokerError, isBrokerError } from '../errors.js';
import type { Memberships, RoomSnapshot } from '../membership/Memberships.js';
import { mapConcurrent } from '../membership/mapConcurrent.js';
import type { Provisioner } from '../provisioning/Provisioner.js';
import type { EntityRooms } from '../rooms/EntityRooms.js';
import type { PowerLevelsContent } from '../rooms/entityPowerLevels.js';
import type { EntityKind, RoomEntity } from '../rooms/RoomEntity.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import type { Checkpoints, ItemOutcome } from './Checkpoints.js';
import type { EntityRow, MembershipRow, UserRow } from './exportSchemas.js';
import { Progress } from './Progress.js';
import type { ExportRow, MalformedRow } from './readExport.js';
import { retryItem } from './retryItem.js';

export const PHASES = ['users', 'rooms', 'memberships'] as const;
export type Phase = (typeof PHASES)[number];

export interface CutoverInput {
  users: ExportRow<UserRow>[];
  groups: ExportRow<EntityRow>[];
  events: ExportRow<EntityRow>[];
  memberships: ExportRow<MembershipRow>[];
  /** Rows the readers rejected; reported and counted as failures of the run. */
  malformed: MalformedRow[];
}

export interface CutoverOptions {
  synapse: SynapseClient;
  rooms: EntityRooms;
  memberships: Memberships;
  users: Provisioner;
  checkpoints: Checkpoints;
  /** Names the run's checkpoints; a new key re-verifies every item against Synapse. */
  runKey: string;
  concurrency: number;
  dryRun: boolean;
  progress: { write(chunk: string): unknown; isTTY?: boolean };
  /** Stops starting new items (tests simulate an interruption with it). */
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
}

export interface PhaseCounts {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Items skipped because a checkpoint says a previous run finished them (counted as unchanged). */
  fromCheckpoint: number;
}

export interface CutoverFailure {
  phase: Phase;
  item: string;
  code: string;
  message: string;
}

export interface CutoverReport {
  dryRun: boolean;
  runKey: string;
  /** False when every item was already in place: a repeated run changes nothing. */
  changed: boolean;
  summary: string;
  phases: Record<Phase, PhaseCounts>;
  malformed: MalformedRow[];
  failures: CutoverFailure[];
  /** Dry run only: what a real run would create or update. */
  planned?: { phase: Phase; item: string; outcome: ItemOutcome }[];
}

interface Item {
  /** Names the item in the report. */
  label: string;
  /** Its checkpoint identity: the row's content, so a changed row is applied again. */
  content: unknown;
  apply(): Promise<ItemOutcome>;
  /** Read-only prediction of `apply` for dry runs. */
  plan(): Promise<ItemOutcome>;
}

/**
 * The cutover: users, then rooms, then memberships (each phase needs the previous one), each at
 * bounded concurrency. Every operation is idempotent; checkpoints only spare a resumed run the
 * Synapse calls for items already done.
 */
export async function runCutover(input: CutoverInput, options: CutoverOptions): Promise<CutoverReport> {
  const report: CutoverReport = {
    dryRun: options.dryRun,
    runKey: options.runKey,
    changed: false,
    summary: '',
    phases: {
      users: emptyCounts(),
      rooms: emptyCounts(),
      memberships: emptyCounts(),
    },
    malformed: input.malformed,
    failures: [],
    ...(options.dryRun ? { planned: [] } : {}),
  };
  const plannedRooms = new Set<string>();
  const items: Record<Phase, Item[]> = {
    users: input.users.map(({ row }) => userItem(row, options)),
    rooms: [
      ...input.groups.map(({ row }) => roomItem('group', row, options, plannedRooms)),
      ...input.events.map(({ row }) => roomItem('event', row, options, plannedRooms)),
    ],
    memberships: [],
  };
  const slugs = new Map<string, string>();
  for (const { row } of input.groups) slugs.set(`group:${row.id}`, row.slug);
  for (const { row } of input.events) slugs.set(`event:${row.id}`, row.slug);
  const names = new Map(input.users.map(({ row }) => [row.hostUserId, row.displayName]));
  const snapshots = roomSnapshots(options.synapse);
  items.memberships = input.memberships.map(({ row }) =>
    membershipItem(
      row,
      slugs.get(`${row.kind}:${row.entityId}`),
      names.get(row.hostUserId),
      options,
      plannedRooms,
      snapshots,
    ),
  );

  for (const phase of PHASES) {
    const counts = report.phases[phase];
    counts.total = items[phase].length;
    const progress = new Progress(phase, counts.total, options.progress);
    await mapConcurrent(items[phase], options.concurrency, async (item) => {
      if (options.signal?.aborted) return;
      const key = `cutover:${options.runKey}:${phase}:${digest(item.content)}`;
      try {
        const checkpoint = await options.checkpoints.get(key);
        if (checkpoint !== undefined) {
          counts.unchanged++;
          counts.fromCheckpoint++;
        } else if (options.dryRun) {
          const outcome = await item.plan();
          counts[outcome]++;
          if (outcome !== 'unchanged') report.planned?.push({ phase, item: item.label, outcome });
        } else {
          const outcome = await retryItem(() => item.apply(), {
            ...(options.sleep ? { sleep: options.sleep } : {}),
          });
          counts[outcome]++;
          await options.checkpoints.put(key, outcome);
        }
      } catch (error) {
        counts.failed++;
        report.failures.push({ phase, item: item.label, ...describe(error) });
      }
      progress.tick();
    });
    progress.finish();
  }

  const changes = PHASES.reduce((n, p) => n + report.phases[p].created + report.phases[p].updated, 0);
  const failed = report.failures.length + report.malformed.length;
  report.changed = changes > 0;
  report.summary = [
    options.dryRun
      ? changes > 0
        ? `dry run: ${changes} change(s) planned`
        : 'dry run: no changes planned, everything is in place'
      : changes > 0
        ? `${changes} change(s) made`
        : 'no changes: everything was already in place',
    failed > 0 ? `${report.failures.length} item(s) failed, ${report.malformed.length} malformed row(s)` : '',
    options.signal?.aborted ? 'interrupted before the end' : '',
  ]
    .filter(Boolean)
    .join('; ');
  return report;
}

function userItem(row: UserRow, options: CutoverOptions): Item {
  const identity = {
    hostUserId: row.hostUserId,
    expiresAt: Date.now(),
    ...(row.displayName === undefined ? {} : { displayName: row.displayName }),
    ...(row.avatarUrl === undefined ? {} : { avatarUrl: row.avatarUrl }),
  };
  return {
    label: `user ${row.hostUserId}`,
    content: ['user', row],
    apply: async () => (await options.users.ensureWithOutcome(identity)).outcome,
    // Avatars are not compared: that would mean downloading them.
    async plan() {
      const userId = options.users.userIdFor(row.hostUserId);
      const existing = await options.synapse.getUser(userId);
      if (!existing) return 'created';
      if (existing.deactivated) throw new BrokerError('OM_USER_DEACTIVATED');
      const name = row.displayName?.trim();
      return name && existing.displayname !== name ? 'updated' : 'unchanged';
    },
  };
}

function roomItem(kind: EntityKind, row: EntityRow, options: CutoverOptions, planned: Set<string>): Item {
  const entity: RoomEntity = {
    kind,
    id: row.id,
    slug: row.slug,
    name: row.name,
    visibility: row.visibility,
    ...(row.topic === undefined ? {} : { topic: row.topic }),
    ...(row.archived === undefined ? {} : { archived: row.archived }),
  };
  return {
    label: `${kind} ${row.id}`,
    content: ['room', kind, row],
    apply: async () => (await options.rooms.ensure(entity)).outcome,
    // Compares name, topic and join rule; power levels and avatars are left to the real run.
    async plan() {
      let roomId: string;
      try {
        roomId = await options.rooms.findRoomId(entity, entity.slug);
      } catch (error) {
        if (!isBrokerError(error, 'OM_ROOM_NOT_FOUND')) throw error;
        planned.add(`${kind}:${row.id}`);
        return 'created';
      }
      const { synapse } = options;
      const name = await synapse.getState<{ name?: string }>(roomId, 'm.room.name', '');
      const topic = await synapse.getState<{ topic?: string }>(roomId, 'm.room.topic', '');
      const rules = await synapse.getState<{ join_rule?: string }>(roomId, 'm.room.join_rules', '');
      const same =
        name?.name === entity.name &&
        (topic?.topic ?? '') === (entity.topic ?? '') &&
        rules?.join_rule === (entity.visibility === 'public' ? 'public' : 'invite');
      return same ? 'unchanged' : 'updated';
    },
  };
}

function membershipItem(
  row: MembershipRow,
  slug: string | undefined,
  displayName: string | undefined,
  options: CutoverOptions,
  planned: Set<string>,
  snapshots: (roomId: string) => Promise<RoomSnapshot>,
): Item {
  const entity = { kind: row.kind, id: row.entityId, slug };
  return {
    label: `${row.kind} ${row.entityId} member ${row.hostUserId}`,
    content: ['membership', row],
    async apply() {
      const roomId = await options.rooms.findRoomId(entity, slug);
      const result = await options.memberships.add(
        entity,
        { hostUserId: row.hostUserId, role: row.role, displayName },
        await snapshots(roomId),
      );
      if (result.outcome === 'unchanged') return 'unchanged';
      return result.previous === 'join' ? 'updated' : 'created';
    },
    async plan() {
      const level = options.rooms.roleLevel(row.role);
      if (level === undefined) {
        throw new BrokerError('OM_BAD_REQUEST', { message: `Unknown role ${JSON.stringify(row.role)}` });
      }
      if (planned.has(`${row.kind}:${row.entityId}`)) return 'created';
      const { members, powerLevels } = await snapshots(await options.rooms.findRoomId(entity, slug));
      const userId = options.users.userIdFor(row.hostUserId);
      if (members.get(userId) !== 'join') return 'created';
      return (powerLevels.users?.[userId] ?? powerLevels.users_default ?? 0) === level
        ? 'unchanged'
        : 'updated';
    },
  };
}

/**
 * Each room's members and power levels, read once per run: the memberships of a room then cost
 * only the writes they need. A failed read is forgotten, so a retried item reads again.
 */
function roomSnapshots(synapse: SynapseClient): (roomId: string) => Promise<RoomSnapshot> {
  const cache = new Map<string, Promise<RoomSnapshot>>();
  return (roomId) => {
    let snapshot = cache.get(roomId);
    if (!snapshot) {
      snapshot = (async () => {
        const [members, powerLevels] = await Promise.all([
          synapse.listMembers(roomId),
          synapse.getState<PowerLevelsContent>(roomId, 'm.room.power_levels', ''),
        ]);
        return {
          members: new Map(members.map((member) => [member.userId, member.membership])),
          powerLevels: powerLevels ?? {},
        };
      })();
      snapshot.catch(() => cache.delete(roomId));
      cache.set(roomId, snapshot);
    }
    return snapshot;
  };
}

function emptyCounts(): PhaseCounts {
  return { total: 0, created: 0, updated: 0, unchanged: 0, failed: 0, fromCheckpoint: 0 };
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 32);
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof BrokerError) return { code: error.code, message: error.message };
  return { code: 'OM_INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

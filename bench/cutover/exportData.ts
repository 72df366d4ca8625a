import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface BenchEntity {
  kind: 'group' | 'event';
  id: string;
  slug: string;
  name: string;
  topic: string;
  visibility: 'public' | 'private';
}

export interface BenchExport {
  files: { users: string; groups: string; events: string; memberships: string };
  users: { hostUserId: string; displayName: string }[];
  entities: BenchEntity[];
  memberships: { entity: BenchEntity; hostUserId: string; role: string }[];
}

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * A host export in the cutover's row formats (as packages/broker/test/cutover/cutoverExport.ts
 * writes them): users and groups as NDJSON, events and memberships as CSV. Rooms alternate groups
 * and events, public and private; each room gets `membersPerRoom` distinct members, all `member`
 * (other roles make the broker write power levels, which the raw baseline does not do).
 */
export async function writeBenchExport(
  dir: string,
  counts: { users: number; rooms: number; membersPerRoom: number },
): Promise<BenchExport> {
  const files = {
    users: join(dir, 'users.ndjson'),
    groups: join(dir, 'groups.ndjson'),
    events: join(dir, 'events.csv'),
    memberships: join(dir, 'memberships.csv'),
  };
  const users = Array.from({ length: counts.users }, (_, i) => ({
    hostUserId: `u${i}`,
    displayName: `Bench User ${i}`,
  }));
  await writeFile(files.users, `${users.map((user) => JSON.stringify(user)).join('\n')}\n`);

  const entities: BenchEntity[] = Array.from({ length: counts.rooms }, (_, i) => {
    const kind = i % 2 === 0 ? 'group' : 'event';
    const n = Math.floor(i / 2);
    return {
      kind,
      id: `${kind[0]}${n}`,
      slug: `bench-${kind}-${n}`,
      name: `Bench ${kind} ${n}`,
      topic: `About ${kind} ${n}`,
      visibility: i % 4 < 2 ? 'public' : 'private',
    };
  });
  const groups = entities.filter((entity) => entity.kind === 'group');
  const events = entities.filter((entity) => entity.kind === 'event');
  await writeFile(
    files.groups,
    `${groups.map(({ id, slug, name, topic, visibility }) => JSON.stringify({ id, slug, name, topic, visibility })).join('\n')}\n`,
  );
  const eventLines = [
    'id,slug,name,topic,visibility',
    ...events.map((e) => [e.id, e.slug, e.name, e.topic, e.visibility].map(csvCell).join(',')),
  ];
  await writeFile(files.events, `${eventLines.join('\n')}\n`);

  const memberships: BenchExport['memberships'] = [];
  const perRoom = Math.min(counts.membersPerRoom, counts.users);
  // Spread the members: consecutive rooms share few users, and every user lands in some room.
  const stride = Math.max(1, Math.floor(counts.users / perRoom));
  entities.forEach((entity, r) => {
    for (let k = 0; k < perRoom; k++) {
      const user = users[(r + k * stride) % counts.users];
      if (user) memberships.push({ entity, hostUserId: user.hostUserId, role: 'member' });
    }
  });
  const memberLines = [
    'kind,entityId,hostUserId,role',
    ...memberships.map((m) => [m.entity.kind, m.entity.id, m.hostUserId, m.role].join(',')),
  ];
  await writeFile(files.memberships, `${memberLines.join('\n')}\n`);
  return { files, users, entities, memberships };
}

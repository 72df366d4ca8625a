import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface GeneratedExport {
  users: string;
  groups: string;
  events: string;
  memberships: string;
  /** Valid rows per phase. */
  counts: { users: number; rooms: number; memberships: number };
  entities: { kind: 'group' | 'event'; id: string; name: string; visibility: 'public' | 'private' }[];
  /** Valid memberships with a known role, as `kind:entityId` → hostUserId → role. */
  members: Map<string, Map<string, string>>;
  /** `file:line` of every malformed row written. */
  malformed: string[];
  /** The label of the one valid-looking membership whose role is unknown (undefined when clean). */
  unknownRole?: string;
}

const csvCell = (value: string) => (/[",\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

export interface ExportSize {
  users?: number;
  groups?: number;
  events?: number;
  /** Rows attempted; a pair drawn twice is skipped, so `counts.memberships` may be a little lower. */
  memberships?: number;
}

/**
 * A host export (small by default): users and groups as NDJSON, events and memberships as CSV, so
 * both readers are exercised. Every third group is private, as is every third event (offset by
 * one); every third event is archived. With `malformed`, broken rows are mixed in at known lines.
 */
export async function writeExport(
  dir: string,
  tag: string,
  options: ExportSize & { malformed?: boolean } = {},
): Promise<GeneratedExport> {
  const userCount = options.users ?? 60;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const malformed: string[] = [];
  const files = {
    users: join(dir, `${tag}-users.ndjson`),
    groups: join(dir, `${tag}-groups.jsonl`),
    events: join(dir, `${tag}-events.csv`),
    memberships: join(dir, `${tag}-memberships.csv`),
  };

  const userLines = Array.from({ length: userCount }, (_, i) =>
    JSON.stringify({ hostUserId: `${tag}-u${i}`, displayName: `User ${tag} ${i}` }),
  );
  if (options.malformed) {
    userLines.splice(10, 0, '{"hostUserId": "broken');
    malformed.push(`${files.users}:11`);
    userLines.splice(20, 0, JSON.stringify({ displayName: 'no id' }));
    malformed.push(`${files.users}:21`);
  }
  await writeFile(files.users, `${userLines.join('\n')}\n`);

  const entities: GeneratedExport['entities'] = [];
  const groupLines = range(options.groups ?? 3).map((i) => {
    const entity = {
      id: `${tag}-g${i}`,
      slug: `${tag}-group-${i}`,
      name: `Group ${tag} ${i}`,
      topic: `About group ${i}`,
      visibility: i % 3 === 2 ? ('private' as const) : ('public' as const),
    };
    entities.push({ kind: 'group', ...entity });
    return JSON.stringify(entity);
  });
  await writeFile(files.groups, `${groupLines.join('\n')}\n`);

  const eventLines = ['id,slug,name,topic,visibility,archived'];
  for (const i of range(options.events ?? 3)) {
    const entity = {
      id: `${tag}-e${i}`,
      name: `Event ${tag} ${i}`,
      visibility: i % 3 === 1 ? ('private' as const) : ('public' as const),
    };
    entities.push({ kind: 'event', ...entity });
    // A quoted topic with a comma and an empty archived cell.
    eventLines.push(
      [
        entity.id,
        `${tag}-event-${i}`,
        entity.name,
        `Meet, "talk" ${i}`,
        entity.visibility,
        i % 3 === 2 ? 'true' : '',
      ]
        .map(csvCell)
        .join(','),
    );
  }
  if (options.malformed) {
    eventLines.push(`${tag}-ebad,${tag}-event-bad,Event bad,,secret,`);
    malformed.push(`${files.events}:${eventLines.length}`);
  }
  await writeFile(files.events, `${eventLines.join('\r\n')}\r\n`);

  const members = new Map<string, Map<string, string>>();
  const memberLines = ['kind,entityId,hostUserId,role'];
  let membershipCount = 0;
  const roles = ['member', 'member', 'member', 'moderator', 'admin'];
  for (let i = 0; i < (options.memberships ?? 100); i++) {
    const entity = entities[i % entities.length] as GeneratedExport['entities'][number];
    const hostUserId = `${tag}-u${(i * 7 + Math.floor(i / 60)) % userCount}`;
    const role = roles[i % roles.length] as string;
    const key = `${entity.kind}:${entity.id}`;
    if (members.get(key)?.has(hostUserId)) continue;
    if (!members.has(key)) members.set(key, new Map());
    members.get(key)?.set(hostUserId, role);
    memberLines.push([entity.kind, entity.id, hostUserId, role].join(','));
    membershipCount++;
  }
  let unknownRole: string | undefined;
  if (options.malformed) {
    memberLines.push(`group,${tag}-g0,${tag}-u1`);
    malformed.push(`${files.memberships}:${memberLines.length}`);
    memberLines.push(`team,${tag}-g0,${tag}-u1,member`);
    malformed.push(`${files.memberships}:${memberLines.length}`);
    // Well-formed, but the role is unknown: a failure of the run, not a malformed row.
    memberLines.push(`group,${tag}-g1,${tag}-u2,overlord`);
    unknownRole = `group ${tag}-g1 member ${tag}-u2`;
  }
  await writeFile(files.memberships, `${memberLines.join('\n')}\n`);

  return {
    ...files,
    counts: { users: userCount, rooms: entities.length, memberships: membershipCount },
    entities,
    members,
    malformed,
    ...(unknownRole ? { unknownRole } : {}),
  };
}

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RedisHandle, resolveRedis } from '@openmeet/testbed';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import type { CutoverReport } from '../../src/cutover/index.js';
import { type BrokerTestbed, matrix, startBrokerTestbed } from '../support/brokerTestbed.js';
import { type GeneratedExport, writeExport } from './cutoverExport.js';

let bed: BrokerTestbed;
let dir: string;
let redis: RedisHandle;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-cutover-'));
  [bed, redis] = await Promise.all([
    startBrokerTestbed(),
    resolveRedis({ mode: 'auto', dataDir: dir }),
    // The kill -9 test runs the real bin, which loads dist/.
    promisify(execFile)(process.execPath, [
      createRequire(import.meta.url).resolve('typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
    ]),
  ]);
}, 180_000);

afterAll(async () => {
  await bed?.stop();
  await redis?.process?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  report: CutoverReport;
  stderr: string;
}

async function provision(args: string[], env: Record<string, string> = bed.env): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(
    ['provision', ...args],
    { write: (chunk: string) => (stdout += chunk) },
    { write: (chunk: string) => (stderr += chunk) },
    env,
  );
  return { code, report: stdout ? (JSON.parse(stdout) as CutoverReport) : ({} as CutoverReport), stderr };
}

const files = (data: GeneratedExport) => [
  '--users',
  data.users,
  '--groups',
  data.groups,
  '--events',
  data.events,
  '--memberships',
  data.memberships,
];

const admin = <T = Record<string, unknown>>(path: string) =>
  matrix<T>(bed.testbed.homeserverUrl, path, { token: bed.testbed.adminToken });

const userIdOf = (hostUserId: string) => `@om_${hostUserId}:localhost`;

/** Asserts the end state of a complete cutover of `data`: each room once, members joined at their levels. */
async function expectProvisioned(data: GeneratedExport): Promise<void> {
  for (const entity of data.entities) {
    const found = await admin<{ rooms: { room_id: string; name: string }[] }>(
      `/_synapse/admin/v1/rooms?search_term=${encodeURIComponent(entity.name)}`,
    );
    const rooms = found.body.rooms.filter((room) => room.name === entity.name);
    expect(rooms, entity.name).toHaveLength(1);
    const roomId = (rooms[0] as { room_id: string }).room_id;
    const members = await admin<{ members: string[] }>(
      `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/members`,
    );
    const state = await admin<{
      state: { type: string; state_key: string; content: Record<string, unknown> }[];
    }>(`/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/state`);
    const levels = state.body.state.find((event) => event.type === 'm.room.power_levels')?.content as {
      users: Record<string, number>;
    };
    const wanted = data.members.get(`${entity.kind}:${entity.id}`) ?? new Map<string, string>();
    const expectedLevel: Record<string, number> = { member: 0, moderator: 50, admin: 75 };
    for (const [hostUserId, role] of wanted) {
      expect(members.body.members, `${entity.name} ${hostUserId}`).toContain(userIdOf(hostUserId));
      expect(levels.users[userIdOf(hostUserId)] ?? 0).toBe(expectedLevel[role]);
    }
    // Only the service user besides the listed members: nobody joined twice or by mistake.
    expect(members.body.members.filter((m) => m.startsWith('@om_'))).toHaveLength(wanted.size);
  }
  const sample = await admin<{ displayname: string }>(
    `/_synapse/admin/v2/users/${encodeURIComponent(userIdOf(`${data.entities[0]?.id.split('-')[0]}-u5`))}`,
  );
  expect(sample.status).toBe(200);
}

describe('openmeet-broker provision (memory store)', () => {
  let data: GeneratedExport;
  const checkpointFile = () => join(dir, 'memory-checkpoints.ndjson');

  beforeAll(async () => {
    data = await writeExport(dir, `m${randomBytes(3).toString('hex')}`, { malformed: true });
  });

  it('--dry-run plans everything and writes nothing', async () => {
    const run = await provision([...files(data), '--dry-run', '--checkpoint-file', checkpointFile()]);
    expect(run.report.dryRun).toBe(true);
    expect(run.report.phases.users).toMatchObject({ created: data.counts.users, failed: 0 });
    expect(run.report.phases.rooms).toMatchObject({ created: data.counts.rooms, failed: 0 });
    expect(run.report.phases.memberships).toMatchObject({ created: data.counts.memberships, failed: 1 });
    expect(run.report.planned).toHaveLength(data.counts.users + data.counts.rooms + data.counts.memberships);
    expect(run.report.summary).toContain('dry run');
    // Nothing in Synapse, and no checkpoint written.
    const user = await admin(
      `/_synapse/admin/v2/users/${encodeURIComponent(userIdOf(`${data.entities[0]?.id.split('-')[0]}-u0`))}`,
    );
    expect(user.status).toBe(404);
    const rooms = await admin<{ total_rooms: number }>(
      `/_synapse/admin/v1/rooms?search_term=${encodeURIComponent(data.entities[0]?.name ?? '')}`,
    );
    expect(rooms.body.total_rooms).toBe(0);
    await expect(readFile(checkpointFile(), 'utf8')).rejects.toThrow();
  }, 120_000);

  it('creates everything, reports malformed rows with their lines and fails the bad item only', async () => {
    const run = await provision([
      ...files(data),
      '--concurrency',
      '8',
      '--checkpoint-file',
      checkpointFile(),
    ]);
    expect(run.code).toBe(1);
    expect(run.report.phases.users).toMatchObject({
      total: data.counts.users,
      created: data.counts.users,
      failed: 0,
    });
    expect(run.report.phases.rooms).toMatchObject({
      total: data.counts.rooms,
      created: data.counts.rooms,
      failed: 0,
    });
    expect(run.report.phases.memberships).toMatchObject({
      total: data.counts.memberships + 1,
      created: data.counts.memberships,
      failed: 1,
    });
    expect(run.report.malformed.map((row) => `${row.file}:${row.line}`).sort()).toEqual(
      [...data.malformed].sort(),
    );
    expect(run.report.failures).toEqual([
      expect.objectContaining({ phase: 'memberships', item: data.unknownRole, code: 'OM_BAD_REQUEST' }),
    ]);
    expect(run.report.changed).toBe(true);
    // Progress lines (stderr is not a TTY here) end with each phase's total.
    expect(run.stderr).toMatch(
      new RegExp(`users\\s+${data.counts.users}/${data.counts.users} [\\d.]+/s in \\d+s`),
    );
    await expectProvisioned(data);
  }, 180_000);

  it('a second run changes nothing and says so (from checkpoints, then against Synapse)', async () => {
    const resumed = await provision([...files(data), '--checkpoint-file', checkpointFile()]);
    expect(resumed.report.changed).toBe(false);
    expect(resumed.report.summary).toContain('no changes');
    expect(resumed.report.phases.users).toMatchObject({
      unchanged: data.counts.users,
      fromCheckpoint: data.counts.users,
    });
    expect(resumed.report.phases.memberships).toMatchObject({
      unchanged: data.counts.memberships,
      failed: 1,
    });

    // A new run key and no checkpoint file: every item is checked against Synapse again.
    const fresh = await provision([...files(data), '--run-key', 'verify']);
    expect(fresh.report.changed).toBe(false);
    for (const phase of ['users', 'rooms', 'memberships'] as const) {
      expect(fresh.report.phases[phase].fromCheckpoint).toBe(0);
      expect(fresh.report.phases[phase].created + fresh.report.phases[phase].updated).toBe(0);
    }
    expect(fresh.report.phases.memberships.unchanged).toBe(data.counts.memberships);
    await expectProvisioned(data);

    // After a real run, a dry run plans nothing.
    const dry = await provision([...files(data), '--dry-run', '--run-key', 'verify-dry']);
    expect(dry.report.planned).toEqual([]);
  }, 180_000);

  it('answers bad arguments and files with exit code 2', async () => {
    expect((await provision([])).code).toBe(2);
    expect((await provision(['--users', join(dir, 'missing.ndjson')])).code).toBe(2);
    expect((await provision(['--users', join(dir, 'users.xml')])).code).toBe(2);
    expect((await provision(['--users', data.users, '--concurrency', '0'])).code).toBe(2);
    expect((await provision(['--users', data.users], { NODE_ENV: 'test' })).code).toBe(78);
  });
});

describe('openmeet-broker provision (Redis store)', () => {
  const prefix = `om-test:${randomUUID()}:`;
  let env: Record<string, string>;

  beforeAll(() => {
    env = {
      ...bed.env,
      REDIS_URL: redis.url,
      BROKER_REDIS_PREFIX: prefix,
      BROKER_TOKEN_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      BROKER_SSE_SECRET: randomBytes(32).toString('hex'),
    };
  });

  afterAll(async () => {
    const client = new Redis(redis.url);
    for await (const keys of client.scanStream({ match: `${prefix}*`, count: 500 })) {
      if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
    }
    client.disconnect();
  });

  // The issue's scale: 1,000 users, 50 groups, 50 events, about 1,000 memberships, malformed rows.
  it('resumes after kill -9 and ends as a clean run would; a third run changes nothing', async () => {
    const data = await writeExport(dir, `r${randomBytes(3).toString('hex')}`, {
      users: 1000,
      groups: 50,
      events: 50,
      memberships: 1000,
      malformed: true,
    });
    const items = data.counts.users + data.counts.rooms + data.counts.memberships;
    const client = new Redis(redis.url);
    let child: ChildProcess | undefined;
    try {
      child = spawn(
        process.execPath,
        ['bin/openmeet-broker.js', 'provision', ...files(data), '--concurrency', '8'],
        { env: { ...process.env, ...env }, stdio: 'ignore' },
      );
      const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
      // Kill it once users and rooms are done and the memberships are under way.
      const deadline = Date.now() + 240_000;
      let done = 0;
      while (Date.now() < deadline) {
        done = 0;
        for await (const keys of client.scanStream({ match: `${prefix}cutover:*`, count: 1000 })) {
          done += (keys as string[]).length;
        }
        if (done >= data.counts.users + data.counts.rooms + 100 || child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(child.exitCode, 'the run must still be going when killed').toBeNull();
      child.kill('SIGKILL');
      await exited;
      // The killed run's locks would expire within 2 minutes (the rerun waits for them); with no
      // broker running, the runbook lets ops delete them instead, which keeps this test fast.
      for await (const keys of client.scanStream({ match: `${prefix}lock:*`, count: 500 })) {
        if ((keys as string[]).length > 0) await client.del(...(keys as string[]));
      }
      expect(done).toBeLessThan(items);

      const rerun = await provision([...files(data), '--concurrency', '8'], env);
      // Only the row with an unknown role fails; malformed rows are named by file and line.
      expect(rerun.report.failures).toEqual([
        expect.objectContaining({ phase: 'memberships', item: data.unknownRole, code: 'OM_BAD_REQUEST' }),
      ]);
      expect(rerun.report.malformed.map((row) => `${row.file}:${row.line}`).sort()).toEqual(
        [...data.malformed].sort(),
      );
      expect(rerun.code).toBe(1);
      expect(rerun.report.phases.users.fromCheckpoint).toBe(data.counts.users);
      expect(rerun.report.phases.memberships.fromCheckpoint).toBeGreaterThanOrEqual(100);
      expect(rerun.report.phases.memberships.fromCheckpoint).toBeLessThan(data.counts.memberships);
      const { rooms, memberships } = rerun.report.phases;
      expect(rooms.created + rooms.updated + rooms.unchanged).toBe(data.counts.rooms);
      expect(memberships.created + memberships.updated + memberships.unchanged).toBe(data.counts.memberships);
      // Exactly the state a clean run produces: each room once, every listed member joined at
      // their role's level, no other broker user in any room.
      await expectProvisioned(data);

      const third = await provision(files(data), env);
      expect(third.report.changed).toBe(false);
      expect(third.report.summary).toContain('no changes');
      expect(third.report.failures).toHaveLength(1);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      client.disconnect();
    }
  }, 600_000);
});

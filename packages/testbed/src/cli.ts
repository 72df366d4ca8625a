import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultCacheDir } from './cacheDir.js';
import type { DatabaseConfig } from './homeserverConfig.js';
import { installSynapse } from './installSynapse.js';
import { isRunning, processStartTime, stopGroup } from './managedProcess.js';
import { prepareTestbed } from './prepareTestbed.js';
import type { RateLimitProfile } from './rateLimits.js';
import type { RedisMode } from './redis.js';
import { startTestbed } from './startTestbed.js';
import { dropPostgresDatabase } from './synapseTemplate.js';
import { TestbedError } from './TestbedError.js';

const USAGE = `Usage: testbed <command> [options]

Commands:
  prepare   install Synapse and migrate the template database (done on demand otherwise)
  up        start a Synapse (and Redis if none is reachable) that outlives this command
  status    print the running test bed's settings; exit 1 if it is not healthy
  down      stop it and remove its data

Options:
  --name NAME           several test beds side by side (default: default)
  --postgres DSN        PostgreSQL instead of SQLite (up)
  --rate-limits PROFILE relaxed (default) or default (up)
  --server-name NAME    default: localhost (up)
  --admin-password PW   fixed admin password instead of a random one (up)
  --redis MODE          auto (default: REDIS_URL, else 127.0.0.1:6379, else our own) or spawn (up)

up and status print env lines: MATRIX_HOMESERVER_URL, MATRIX_SERVER_NAME, MATRIX_ADMIN_USER,
MATRIX_ADMIN_PASSWORD, MATRIX_ADMIN_TOKEN, REDIS_URL, TESTBED_DATA_DIR, TESTBED_SYNAPSE_PID and,
when the test bed runs its own redis-server, TESTBED_REDIS_PID.
`;

interface InstanceState {
  homeserverUrl: string;
  serverName: string;
  adminUserId: string;
  adminPassword: string;
  adminToken: string;
  redisUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  synapsePid: number;
  redisPid?: number;
  /** Process start times, so `down` never signals a process that merely reused a pid. */
  synapseStartTime?: string;
  redisStartTime?: string;
}

function stateFile(cacheDir: string, name: string): string {
  if (!/^[\w-]+$/.test(name)) throw new TestbedError('TESTBED_INVALID_OPTIONS', `invalid --name ${name}`);
  return join(cacheDir, 'instances', `${name}.json`);
}

async function readState(file: string): Promise<InstanceState | undefined> {
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as InstanceState;
}

function envLines(state: InstanceState): string {
  return [
    `MATRIX_HOMESERVER_URL=${state.homeserverUrl}`,
    `MATRIX_SERVER_NAME=${state.serverName}`,
    `MATRIX_ADMIN_USER=${state.adminUserId}`,
    `MATRIX_ADMIN_PASSWORD=${state.adminPassword}`,
    `MATRIX_ADMIN_TOKEN=${state.adminToken}`,
    `REDIS_URL=${state.redisUrl}`,
    `TESTBED_DATA_DIR=${state.dataDir}`,
    `TESTBED_SYNAPSE_PID=${state.synapsePid}`,
    ...(state.redisPid ? [`TESTBED_REDIS_PID=${state.redisPid}`] : []),
    '',
  ].join('\n');
}

async function healthy(state: InstanceState): Promise<boolean> {
  if (!isRunning(state.synapsePid) || processStartTime(state.synapsePid) !== state.synapseStartTime)
    return false;
  try {
    return (await fetch(new URL('/health', state.homeserverUrl), { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

async function down(file: string, cacheDir: string): Promise<string> {
  const state = await readState(file);
  if (!state) return 'no test bed running';
  await stopGroup(state.synapsePid, 10_000, state.synapseStartTime ?? '');
  if (state.redisPid) await stopGroup(state.redisPid, 10_000, state.redisStartTime ?? '');
  if (state.database.kind === 'postgres') {
    const install = await installSynapse({ cacheDir });
    await dropPostgresDatabase(install, state.database.dsn, state.database.database);
  }
  await rm(state.dataDir, { recursive: true, force: true });
  await rm(file, { force: true });
  return `stopped test bed at ${state.homeserverUrl}`;
}

export async function main(
  argv: readonly string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { command, values } = parsed;
  const cacheDir = defaultCacheDir();
  const log = (line: string) => err.write(`[testbed] ${line}\n`);
  try {
    const file = stateFile(cacheDir, values.name);
    switch (command) {
      case 'prepare': {
        const prepared = await prepareTestbed({ cacheDir, log });
        log(`Synapse ${prepared.synapseVersion} ready; template ${prepared.template}`);
        return 0;
      }
      case 'up': {
        const existing = await readState(file);
        if (existing && (await healthy(existing))) {
          out.write(envLines(existing));
          return 0;
        }
        if (existing) await down(file, cacheDir);
        const testbed = await startTestbed({
          cacheDir,
          lifetime: 'detached',
          log,
          ...(values.postgres ? { postgres: { dsn: values.postgres } } : {}),
          ...(values['rate-limits'] ? { rateLimits: values['rate-limits'] as RateLimitProfile } : {}),
          ...(values['server-name'] ? { serverName: values['server-name'] } : {}),
          ...(values['admin-password'] ? { admin: { password: values['admin-password'] } } : {}),
          ...(values.redis ? { redis: { mode: values.redis as RedisMode } } : {}),
        });
        const state: InstanceState = {
          homeserverUrl: testbed.homeserverUrl,
          serverName: testbed.serverName,
          adminUserId: testbed.adminUserId,
          adminPassword: testbed.adminPassword,
          adminToken: testbed.adminToken,
          redisUrl: testbed.redisUrl,
          dataDir: testbed.dataDir,
          database: testbed.database,
          synapsePid: testbed.synapsePid,
          ...(testbed.redisPid ? { redisPid: testbed.redisPid } : {}),
        };
        const synapseStartTime = processStartTime(testbed.synapsePid);
        if (synapseStartTime) state.synapseStartTime = synapseStartTime;
        const redisStartTime = testbed.redisPid ? processStartTime(testbed.redisPid) : undefined;
        if (redisStartTime) state.redisStartTime = redisStartTime;
        await mkdir(join(cacheDir, 'instances'), { recursive: true });
        await writeFile(file, JSON.stringify(state, null, 2), { mode: 0o600 });
        out.write(envLines(state));
        return 0;
      }
      case 'status': {
        const state = await readState(file);
        if (!state) {
          err.write('no test bed running\n');
          return 1;
        }
        out.write(envLines(state));
        const ok = await healthy(state);
        err.write(ok ? 'healthy\n' : 'NOT healthy: run `testbed down` then `testbed up`\n');
        return ok ? 0 : 1;
      }
      case 'down':
        err.write(`${await down(file, cacheDir)}\n`);
        return 0;
      default:
        err.write(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    const code = e instanceof TestbedError ? `${e.code}: ` : '';
    err.write(`testbed ${command}: ${code}${(e as Error).message}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      name: { type: 'string', default: 'default' },
      postgres: { type: 'string' },
      'rate-limits': { type: 'string' },
      'server-name': { type: 'string' },
      'admin-password': { type: 'string' },
      redis: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1)
    throw new Error(values.help ? '' : 'expected exactly one command');
  return { command: positionals[0] as string, values: { ...values, name: values.name ?? 'default' } };
}

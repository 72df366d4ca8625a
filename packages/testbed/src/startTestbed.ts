import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultCacheDir } from './cacheDir.js';
import { freePort } from './freePort.js';
import { type DatabaseConfig, homeserverConfig, logConfig, toYaml } from './homeserverConfig.js';
import { installSynapse, type SynapseInstall } from './installSynapse.js';
import { type ManagedProcess, spawnManaged } from './managedProcess.js';
import type { RateLimitProfile } from './rateLimits.js';
import { type RedisHandle, type RedisMode, resolveRedis } from './redis.js';
import { type RegisteredUser, registerWithSharedSecret } from './registerAdmin.js';
import { tail } from './run.js';
import { generateSigningKey } from './signingKey.js';
import {
  copySqliteTemplate,
  createPostgresDatabase,
  dropPostgresDatabase,
  sqliteTemplate,
} from './synapseTemplate.js';
import { TestbedError } from './TestbedError.js';

/** An application-service registration (as Synapse reads it), or its YAML text. */
export type AppServiceRegistration =
  | string
  | {
      id: string;
      url: string | null;
      as_token: string;
      hs_token: string;
      sender_localpart: string;
      namespaces: Partial<
        Record<'users' | 'aliases' | 'rooms', Array<{ exclusive: boolean; regex: string }>>
      >;
      rate_limited?: boolean;
      [key: string]: unknown;
    };

export interface TestbedOptions {
  /** Default `localhost`. */
  serverName?: string;
  /** `relaxed` (default) for functional tests; `default` keeps Synapse's limits to prove 429 handling. */
  rateLimits?: RateLimitProfile;
  /** Use PostgreSQL instead of SQLite: a DSN such as `postgresql://postgres@127.0.0.1:5432/postgres`. */
  postgres?: { dsn: string };
  appServices?: readonly AppServiceRegistration[];
  /** Synapse options deep-merged over the generated `homeserver.yaml`. */
  synapseConfig?: Record<string, unknown>;
  /** Redis: `url` (else `REDIS_URL`, else 127.0.0.1:6379, else a `redis-server` of our own). */
  redis?: { url?: string; mode?: RedisMode };
  admin?: { username?: string; password?: string };
  /** Virtualenv and template databases; see `defaultCacheDir()`. */
  cacheDir?: string;
  /** Synapse's files; a fresh temporary directory by default, removed by `stop()`. */
  dataDir?: string;
  keepData?: boolean;
  /** `attached` (default): dies with this process. `detached`: outlives it (for the CLI). */
  lifetime?: 'attached' | 'detached';
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface Testbed {
  homeserverUrl: string;
  serverName: string;
  /** Access token of an admin user registered through the shared secret. */
  adminToken: string;
  adminUserId: string;
  adminPassword: string;
  /** Lets tests register more users (see `createUser`). Never ship it to a browser. */
  registrationSharedSecret: string;
  redisUrl: string;
  dataDir: string;
  database: DatabaseConfig;
  synapsePid: number;
  /** Present when the test bed runs its own redis-server. */
  redisPid: number | undefined;
  synapseVersion: string;
  /** Registers a user with a password (random unless given) and returns its session. */
  createUser(
    username: string,
    options?: { password?: string; admin?: boolean },
  ): Promise<RegisteredUser & { password: string }>;
  /** Stops only Synapse, keeping its data and port, to test how clients ride out an outage. */
  stopSynapse(): Promise<void>;
  /** Starts it again after `stopSynapse()`, on the same port with the same data. */
  startSynapse(): Promise<void>;
  /** Stops Synapse (and our Redis), drops its database and removes its files. Idempotent. */
  stop(): Promise<void>;
}

const PORT_ATTEMPTS = 3;

function validate(options: TestbedOptions): void {
  const serverName = options.serverName ?? 'localhost';
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(serverName)) {
    throw new TestbedError('TESTBED_INVALID_OPTIONS', `invalid serverName ${JSON.stringify(serverName)}`);
  }
  if (options.rateLimits && !['relaxed', 'default'].includes(options.rateLimits)) {
    throw new TestbedError('TESTBED_INVALID_OPTIONS', `rateLimits must be 'relaxed' or 'default'`);
  }
  if (options.postgres && !/^postgres(ql)?:\/\//.test(options.postgres.dsn)) {
    throw new TestbedError('TESTBED_INVALID_OPTIONS', 'postgres.dsn must be a postgresql:// URL');
  }
}

async function readLogs(dataDir: string): Promise<string> {
  const parts = await Promise.all(
    ['synapse.out.log', 'homeserver.log'].map((file) =>
      readFile(join(dataDir, file), 'utf8').catch(() => ''),
    ),
  );
  return tail(parts.join('\n'), 40);
}

async function waitForHealth(url: string, proc: ManagedProcess, timeoutMs: number): Promise<'up' | 'exited'> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.hasExited()) return 'exited';
    try {
      const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(1000) });
      if (response.ok) return 'up';
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new TestbedError(
    'TESTBED_SYNAPSE_START_TIMEOUT',
    `Synapse did not answer /health within ${timeoutMs} ms`,
  );
}

async function writeAppServices(dataDir: string, registrations: readonly AppServiceRegistration[]) {
  return Promise.all(
    registrations.map(async (registration, index) => {
      const file = join(dataDir, `appservice-${index}.yaml`);
      await writeFile(file, typeof registration === 'string' ? registration : toYaml(registration), {
        mode: 0o600,
      });
      return file;
    }),
  );
}

async function prepareDatabase(
  options: TestbedOptions,
  cacheDir: string,
  install: SynapseInstall,
  dataDir: string,
): Promise<DatabaseConfig> {
  if (options.postgres) {
    const database = `openmeet_tb_${randomBytes(6).toString('hex')}`;
    await createPostgresDatabase(cacheDir, install, options.postgres.dsn, database);
    return { kind: 'postgres', dsn: options.postgres.dsn, database };
  }
  const path = join(dataDir, 'homeserver.db');
  await copySqliteTemplate(await sqliteTemplate(cacheDir, install), path);
  return { kind: 'sqlite', path };
}

/** Starts Synapse once the config is written; retries on another port if ours was taken meanwhile. */
async function startSynapse(
  install: SynapseInstall,
  dataDir: string,
  writeConfig: (port: number) => Promise<string>,
  options: TestbedOptions,
  fixedPort?: number,
): Promise<{ proc: ManagedProcess; homeserverUrl: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const configPath = await writeConfig(port);
    const proc = spawnManaged({
      command: install.python,
      python: install.python,
      args: ['-m', 'synapse.app.homeserver', '--config-path', configPath],
      logFile: join(dataDir, 'synapse.out.log'),
      cwd: dataDir,
      lifetime: options.lifetime ?? 'attached',
    });
    const homeserverUrl = `http://127.0.0.1:${port}`;
    const outcome = await waitForHealth(homeserverUrl, proc, options.startTimeoutMs ?? 60_000).catch(
      async (err: unknown) => {
        await proc.stop(2000);
        throw err;
      },
    );
    if (outcome === 'up') return { proc, homeserverUrl };
    const logs = await readLogs(dataDir);
    if (!fixedPort && attempt < PORT_ATTEMPTS && /Address already in use|CannotListenError/.test(logs))
      continue;
    throw new TestbedError('TESTBED_SYNAPSE_START_FAILED', `Synapse exited during start-up:\n${logs}`);
  }
}

/**
 * Boots a real, loopback-only Synapse from a pre-migrated template (a few seconds), registers an
 * admin user, and finds or starts a Redis. Several test beds can run at once.
 */
export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  validate(options);
  const log = options.log ?? (() => {});
  const serverName = options.serverName ?? 'localhost';
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const install = await installSynapse({ cacheDir, log });
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'openmeet-testbed-')));
  await mkdir(join(dataDir, 'media'), { recursive: true });

  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
    if (!options.keepData && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
  };

  // Found or started while Synapse boots; stopped with everything else, even if Synapse fails.
  const redisPromise: Promise<RedisHandle> = resolveRedis({
    url: options.redis?.url,
    mode: options.redis?.mode ?? 'auto',
    dataDir,
    lifetime: options.lifetime ?? 'attached',
    python: install.python,
  });
  redisPromise.catch(() => {});
  cleanups.push(async () => {
    const redis = await redisPromise.catch(() => undefined);
    await redis?.process?.stop();
  });

  try {
    const database = await prepareDatabase(options, cacheDir, install, dataDir);
    if (database.kind === 'postgres') {
      cleanups.push(() => dropPostgresDatabase(install, database.dsn, database.database));
    }
    const sharedSecret = randomBytes(24).toString('hex');
    await writeFile(join(dataDir, 'signing.key'), generateSigningKey(), { mode: 0o600 });
    await writeFile(join(dataDir, 'log.config.yaml'), toYaml(logConfig(dataDir)));
    const appServiceFiles = await writeAppServices(dataDir, options.appServices ?? []);
    const writeConfig = async (port: number) => {
      const path = join(dataDir, 'homeserver.yaml');
      const config = homeserverConfig({
        serverName,
        port,
        dataDir,
        database,
        registrationSharedSecret: sharedSecret,
        rateLimits: options.rateLimits ?? 'relaxed',
        appServiceConfigFiles: appServiceFiles,
        ...(options.synapseConfig ? { extra: options.synapseConfig } : {}),
      });
      await writeFile(path, toYaml(config), { mode: 0o600 });
      return path;
    };

    const first = await startSynapse(install, dataDir, writeConfig, options);
    const { homeserverUrl } = first;
    let proc: ManagedProcess | undefined = first.proc;
    cleanups.push(() => proc?.stop() ?? Promise.resolve());
    const port = Number(new URL(homeserverUrl).port);
    const redis = await redisPromise;

    const createUser: Testbed['createUser'] = async (username, userOptions = {}) => {
      const password = userOptions.password ?? randomBytes(12).toString('hex');
      const user = await registerWithSharedSecret({
        homeserverUrl,
        sharedSecret,
        username,
        password,
        admin: userOptions.admin ?? false,
      });
      return { ...user, password };
    };
    const admin = await createUser(options.admin?.username ?? 'admin', {
      admin: true,
      ...(options.admin?.password ? { password: options.admin.password } : {}),
    });

    let stopped: Promise<void> | undefined;
    return {
      homeserverUrl,
      serverName,
      adminToken: admin.accessToken,
      adminUserId: admin.userId,
      adminPassword: admin.password,
      registrationSharedSecret: sharedSecret,
      redisUrl: redis.url,
      dataDir,
      database,
      get synapsePid() {
        return proc?.pid ?? first.proc.pid;
      },
      async stopSynapse() {
        await proc?.stop();
        proc = undefined;
      },
      async startSynapse() {
        if (proc && !proc.hasExited()) return;
        proc = (await startSynapse(install, dataDir, writeConfig, options, port)).proc;
      },
      redisPid: redis.process?.pid,
      synapseVersion: install.synapseVersion,
      createUser,
      stop: () => {
        stopped ??= cleanup();
        return stopped;
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from './fileLock.js';
import { homeserverConfig, logConfig, toYaml } from './homeserverConfig.js';
import type { SynapseInstall } from './installSynapse.js';
import { postgresScript } from './paths.js';
import { run, tail } from './run.js';
import { generateSigningKey } from './signingKey.js';
import { TestbedError } from './TestbedError.js';

/** Runs `update_synapse_database` (schema migrations and background updates) on an empty database. */
async function migrate(
  install: SynapseInstall,
  database: Parameters<typeof homeserverConfig>[0]['database'],
) {
  const work = await mkdtemp(join(tmpdir(), 'openmeet-testbed-migrate-'));
  try {
    await writeFile(join(work, 'signing.key'), generateSigningKey());
    await writeFile(join(work, 'log.config.yaml'), toYaml(logConfig(work)));
    const configPath = join(work, 'homeserver.yaml');
    await writeFile(
      configPath,
      toYaml(
        homeserverConfig({
          // The schema does not depend on the server name, so one template serves every test bed.
          serverName: 'template.invalid',
          port: 1,
          dataDir: work,
          database,
          registrationSharedSecret: 'template',
          rateLimits: 'default',
          appServiceConfigFiles: [],
        }),
      ),
    );
    const result = await run(install.python, [
      '-m',
      'synapse._scripts.update_synapse_database',
      '--database-config',
      configPath,
      '--run-background-updates',
    ]);
    if (result.code !== 0) {
      throw new TestbedError(
        'TESTBED_SYNAPSE_MIGRATION_FAILED',
        `migrating the template database failed:\n${tail(result.stderr || result.stdout)}`,
      );
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * The first start of Synapse on an empty database spends most of its time migrating the schema;
 * migrate once per Synapse version into a template and copy that for every test bed.
 */
export async function sqliteTemplate(cacheDir: string, install: SynapseInstall): Promise<string> {
  const dir = join(cacheDir, 'templates');
  const template = join(dir, `synapse-${install.synapseVersion}.sqlite`);
  if (existsSync(template)) return template;
  await mkdir(dir, { recursive: true });
  return withFileLock(`${template}.lock`, async () => {
    if (existsSync(template)) return template;
    const partial = `${template}.partial`;
    await rm(partial, { force: true });
    await migrate(install, { kind: 'sqlite', path: partial });
    await rename(partial, template);
    return template;
  });
}

export async function copySqliteTemplate(template: string, target: string): Promise<void> {
  await copyFile(template, target);
}

async function postgres(install: SynapseInstall, args: readonly string[]): Promise<number | null> {
  const result = await run(install.python, [postgresScript, ...args]);
  if (result.code !== 0 && result.code !== 3) {
    throw new TestbedError(
      'TESTBED_POSTGRES_FAILED',
      `PostgreSQL ${args[0]} failed:\n${tail(result.stderr)}`,
    );
  }
  return result.code;
}

/** PostgreSQL copies databases natively: migrate a template database once and clone it per test bed. */
export async function createPostgresDatabase(
  cacheDir: string,
  install: SynapseInstall,
  dsn: string,
  name: string,
): Promise<void> {
  const template = `openmeet_testbed_tmpl_${install.synapseVersion.replace(/\W/g, '_')}`;
  if ((await postgres(install, ['exists', dsn, template])) !== 0) {
    await mkdir(cacheDir, { recursive: true });
    await withFileLock(join(cacheDir, `${template}.lock`), async () => {
      if ((await postgres(install, ['exists', dsn, template])) === 0) return;
      const partial = `${template}_partial`;
      await postgres(install, ['drop', dsn, partial]);
      await postgres(install, ['create', dsn, partial]);
      await migrate(install, { kind: 'postgres', dsn, database: partial });
      await postgres(install, ['create', dsn, template, partial]);
      await postgres(install, ['drop', dsn, partial]);
    });
  }
  await postgres(install, ['create', dsn, name, template]);
}

export async function dropPostgresDatabase(
  install: SynapseInstall,
  dsn: string,
  name: string,
): Promise<void> {
  await postgres(install, ['drop', dsn, name]);
}

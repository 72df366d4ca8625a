import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir } from '../src/cacheDir.js';
import { installSynapse, startTestbed, type Testbed } from '../src/index.js';
import { postgresScript } from '../src/paths.js';
import { run } from '../src/run.js';
import { matrix } from './helpers.js';

const dsn = process.env.OPENMEET_TEST_POSTGRES_DSN ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 5432) });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// PostgreSQL is optional for integrators (SQLite is the default). When no server answers, say so
// in the test name rather than skipping silently; set OPENMEET_TEST_POSTGRES_DSN to point elsewhere.
const available = await reachable(dsn);
if (!available) console.warn(`[testbed] PostgreSQL tests skipped: nothing listens at ${new URL(dsn).host}`);

describe.skipIf(!available)(`PostgreSQL (${new URL(dsn).host})`, () => {
  let testbed: Testbed;
  beforeAll(async () => {
    testbed = await startTestbed({ postgres: { dsn } });
  });
  afterAll(() => testbed?.stop());

  it('runs Synapse on a database cloned from the migrated template', async () => {
    expect(testbed.database).toMatchObject({
      kind: 'postgres',
      database: expect.stringMatching(/^openmeet_tb_/),
    });
    const bob = await testbed.createUser('bob');
    const sync = await matrix(testbed.homeserverUrl, '/_matrix/client/v3/sync?timeout=0', {
      token: bob.accessToken,
    });
    expect(sync.status).toBe(200);
  });

  it('drops its database on stop', async () => {
    const install = await installSynapse({ cacheDir: defaultCacheDir() });
    if (testbed.database.kind !== 'postgres') throw new Error('expected PostgreSQL');
    const name = testbed.database.database;
    const exists = () => run(install.python, [postgresScript, 'exists', dsn, name]).then((r) => r.code);
    expect(await exists()).toBe(0);
    await testbed.stop();
    expect(await exists()).toBe(3);
  });
});

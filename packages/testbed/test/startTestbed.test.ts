import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestbed, type Testbed, TestbedError } from '../src/index.js';
import { eventually, isAlive, matrix } from './helpers.js';

describe('startTestbed (SQLite, relaxed limits)', () => {
  let testbed: Testbed;
  beforeAll(async () => {
    testbed = await startTestbed();
  });
  afterAll(() => testbed?.stop());

  it('serves a healthy client API on loopback', async () => {
    expect(testbed.homeserverUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${testbed.homeserverUrl}/health`)).status).toBe(200);
    const versions = await matrix<{ versions: string[] }>(testbed.homeserverUrl, '/_matrix/client/versions');
    expect(versions.body.versions).toContain('v1.11');
    const config = JSON.parse(await readFile(`${testbed.dataDir}/homeserver.yaml`, 'utf8'));
    expect(config.listeners).toEqual([expect.objectContaining({ bind_addresses: ['127.0.0.1'] })]);
    expect(config.report_stats).toBe(false);
  });

  it('bootstraps an admin whose token works on the admin API', async () => {
    expect(testbed.adminUserId).toBe('@admin:localhost');
    const me = await matrix<{ admin: boolean }>(
      testbed.homeserverUrl,
      `/_synapse/admin/v2/users/${encodeURIComponent(testbed.adminUserId)}`,
      { token: testbed.adminToken },
    );
    expect(me.status).toBe(200);
    expect(me.body.admin).toBe(true);
  });

  it('creates a user through the admin API who can log in and sync', async () => {
    const userId = '@smoke-user:localhost';
    const created = await matrix(
      testbed.homeserverUrl,
      `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`,
      {
        method: 'PUT',
        token: testbed.adminToken,
        body: { password: 'correct horse battery', displayname: 'Smoke User' },
      },
    );
    expect(created.status).toBe(201);

    const login = await matrix<{ access_token: string; user_id: string; device_id: string }>(
      testbed.homeserverUrl,
      '/_matrix/client/v3/login',
      {
        body: {
          type: 'm.login.password',
          identifier: { type: 'm.id.user', user: 'smoke-user' },
          password: 'correct horse battery',
        },
      },
    );
    expect(login.status).toBe(200);
    expect(login.body.user_id).toBe(userId);

    const sync = await matrix<{ next_batch: string }>(
      testbed.homeserverUrl,
      '/_matrix/client/v3/sync?timeout=0',
      {
        token: login.body.access_token,
      },
    );
    expect(sync.status).toBe(200);
    expect(sync.body.next_batch).toEqual(expect.any(String));
  });

  it('keeps public registration closed', async () => {
    const register = await matrix<{ errcode: string }>(testbed.homeserverUrl, '/_matrix/client/v3/register', {
      body: { username: 'intruder', password: 'x'.repeat(16), auth: { type: 'm.login.dummy' } },
    });
    expect(register.status).toBe(403);
    expect(register.body.errcode).toBe('M_FORBIDDEN');
  });

  it('registers more users with createUser', async () => {
    const alice = await testbed.createUser('alice');
    const whoami = await matrix<{ user_id: string }>(
      testbed.homeserverUrl,
      '/_matrix/client/v3/account/whoami',
      {
        token: alice.accessToken,
      },
    );
    expect(whoami.body.user_id).toBe('@alice:localhost');
  });
  it('stops and restarts Synapse on the same port, keeping its data', async () => {
    const pid = testbed.synapsePid;
    await testbed.stopSynapse();
    expect(isAlive(pid)).toBe(false);
    await expect(fetch(`${testbed.homeserverUrl}/health`)).rejects.toThrow();
    await testbed.startSynapse();
    expect(testbed.synapsePid).not.toBe(pid);
    const me = await matrix<{ user_id: string }>(testbed.homeserverUrl, '/_matrix/client/v3/account/whoami', {
      token: testbed.adminToken,
    });
    expect(me.body.user_id).toBe('@admin:localhost');
  });
});

describe('several test beds at once', () => {
  it('run side by side on distinct ports and data dirs, and stop cleanly', async () => {
    const [a, b] = await Promise.all([startTestbed(), startTestbed({ serverName: 'other.localhost' })]);
    try {
      expect(a.homeserverUrl).not.toBe(b.homeserverUrl);
      expect(a.dataDir).not.toBe(b.dataDir);
      const user = await b.createUser('bob');
      expect(user.userId).toBe('@bob:other.localhost');
      // Tokens are per homeserver: a's token means nothing to b.
      const foreign = await matrix(b.homeserverUrl, '/_matrix/client/v3/account/whoami', {
        token: a.adminToken,
      });
      expect(foreign.status).toBe(401);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    for (const testbed of [a, b]) {
      expect(isAlive(testbed.synapsePid)).toBe(false);
      expect(existsSync(testbed.dataDir)).toBe(false);
      await expect(fetch(`${testbed.homeserverUrl}/health`)).rejects.toThrow();
    }
    // stop() is idempotent.
    await a.stop();
    expect(await eventually(() => !isAlive(a.synapsePid), 100)).toBe(true);
  });

  it('rejects invalid options with a stable code before starting anything', async () => {
    await expect(startTestbed({ serverName: 'bad name' })).rejects.toMatchObject({
      code: 'TESTBED_INVALID_OPTIONS',
    });
    await expect(startTestbed({ postgres: { dsn: 'mysql://x' } })).rejects.toBeInstanceOf(TestbedError);
  });
});

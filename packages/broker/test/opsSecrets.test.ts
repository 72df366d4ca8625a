import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerTestbed, brokerFor, hostTokenFor, startBrokerTestbed } from './support/brokerTestbed.js';

const OPS = { authorization: 'Bearer ops-token-for-tests-0123456789abcdef' };

describe('ops: secret reload and signing-key rotation (real Synapse)', () => {
  let bed: BrokerTestbed;
  let app: FastifyInstance;
  let dir: string;
  let adminFile: string;

  beforeAll(async () => {
    bed = await startBrokerTestbed();
    dir = await mkdtemp(join(tmpdir(), 'om-secrets-'));
    adminFile = join(dir, 'admin-token');
    await writeFile(adminFile, 'syt_stale_admin_token\n');
    const { SYNAPSE_ADMIN_TOKEN: _inline, ...env } = bed.env;
    app = brokerFor({ ...env, SYNAPSE_ADMIN_TOKEN_FILE: adminFile });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await bed?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const signIn = async (user: string, hostToken?: string) =>
    app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { authorization: `Bearer ${hostToken ?? (await hostTokenFor(app, user))}` },
      payload: { deviceKey: `tab-${user}-0001` },
    });

  it('picks up a rotated admin token file on reload, without a restart', async () => {
    const stale = await signIn('alice');
    expect(stale.statusCode).toBe(502);
    expect(stale.json().error.code).toBe('OM_SYNAPSE_ERROR');

    await writeFile(adminFile, `${bed.testbed.adminToken}\n`);
    const reload = await app.inject({ method: 'POST', url: '/v1/ops/secrets/reload', headers: OPS });
    expect(reload.statusCode).toBe(200);
    expect((await signIn('alice')).statusCode).toBe(200);
  });

  it('rotates the dev signing key with overlap: old tokens keep verifying, the JWKS lists both keys', async () => {
    const before = await hostTokenFor(app, 'bob');
    const rotate = await app.inject({ method: 'POST', url: '/v1/ops/signing-key/rotate', headers: OPS });
    expect(rotate.statusCode).toBe(200);
    const jwks = (await app.inject({ method: 'GET', url: '/v1/dev/jwks.json' })).json<{
      keys: Array<{ kid: string; d?: string }>;
    }>();
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
    expect((await signIn('bob', before)).statusCode).toBe(200);
    expect((await signIn('carol')).statusCode).toBe(200);
  });
});

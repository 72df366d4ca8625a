import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrokerTestbed,
  brokerFor,
  hostTokenFor,
  matrix,
  sessionFor,
  startBrokerTestbed,
} from '../support/brokerTestbed.js';

const OPS = { authorization: 'Bearer ops-token-for-tests-0123456789abcdef' };

describe('admin-login token mode (fallback without an application service)', () => {
  let bed: BrokerTestbed;
  let app: FastifyInstance;
  beforeAll(async () => {
    bed = await startBrokerTestbed();
    const { MATRIX_AS_TOKEN: _unused, ...env } = bed.env;
    app = brokerFor({
      ...env,
      BROKER_TOKEN_MODE: 'admin-login',
      BROKER_TOKEN_TTL_SECONDS: '60',
      BROKER_TOKEN_MIN_REMAINING_SECONDS: '10',
    });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await bed?.stop();
  });

  const whoami = (token: string) =>
    matrix<{ user_id: string; device_id?: string }>(
      bed.testbed.homeserverUrl,
      '/_matrix/client/v3/account/whoami',
      {
        token,
      },
    );

  it('mints expiring tokens with the configured lifetime, without an appservice token', async () => {
    const session = (await sessionFor(app, 'alice', 'tab-alice-0001')).response.json();
    expect(session.expiresAt - Date.now()).toBeGreaterThan(55_000);
    expect(session.expiresAt - Date.now()).toBeLessThanOrEqual(60_000);
    const me = await whoami(session.accessToken);
    expect(me.body.user_id).toBe('@om_alice:localhost');
    // The caveat: Synapse binds these tokens to no device.
    expect(me.body.device_id).toBeUndefined();
  });

  it('revoking a device logs out the token the broker holds for it', async () => {
    const session = (await sessionFor(app, 'bob', 'tab-bob-00001')).response.json();
    const revoke = await app.inject({
      method: 'DELETE',
      url: '/v1/ops/users/bob/devices/OMB_tab-bob-00001',
      headers: OPS,
    });
    expect(revoke.statusCode).toBe(200);
    expect((await whoami(session.accessToken)).status).toBe(401);
  });

  it('revoking a user logs out all of their tokens', async () => {
    const a = (await sessionFor(app, 'carol', 'tab-carol-001')).response.json();
    const b = (await sessionFor(app, 'carol', 'tab-carol-002')).response.json();
    const revoke = await app.inject({ method: 'POST', url: '/v1/ops/users/carol/revoke', headers: OPS });
    expect(revoke.statusCode).toBe(200);
    expect((await whoami(a.accessToken)).status).toBe(401);
    expect((await whoami(b.accessToken)).status).toBe(401);
  });

  it("logs out a device's previous token when it hands out the next, so revocation reaches every token", async () => {
    const first = (await sessionFor(app, 'dave', 'tab-dave-0001')).response.json();
    // The client reports its token as refused: the broker mints a new one and retires the old.
    const hostToken = await hostTokenFor(app, 'dave');
    const second = (
      await app.inject({
        method: 'POST',
        url: '/v1/session',
        headers: { authorization: `Bearer ${hostToken}` },
        payload: { deviceKey: 'tab-dave-0001', staleAccessToken: first.accessToken },
      })
    ).json();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect((await whoami(first.accessToken)).status).toBe(401);
    expect((await whoami(second.accessToken)).status).toBe(200);
  });
});

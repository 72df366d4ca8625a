import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrokerTestbed,
  brokerFor,
  hostTokenFor,
  matrix,
  sessionFor,
  startBrokerTestbed,
} from './support/brokerTestbed.js';

interface Session {
  userId: string;
  deviceId: string;
  accessToken: string;
  expiresAt: number;
  homeserverUrl: string;
}

const OPS = { authorization: 'Bearer ops-token-for-tests-0123456789abcdef' };

describe('POST /v1/session against a real Synapse', () => {
  let bed: BrokerTestbed;
  let app: FastifyInstance;
  const logs: string[] = [];
  const secretsSeen: string[] = [];

  beforeAll(async () => {
    bed = await startBrokerTestbed();
    app = brokerFor(
      { ...bed.env, BROKER_LOG_LEVEL: 'trace', BROKER_DEV_USERS: 'alice,bob,carol,dave,erin,frank,mallory' },
      { write: (line) => logs.push(line) },
    );
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await bed?.stop();
  });

  it('mints a device-bound token that works for whoami and sync', async () => {
    const { response, hostToken } = await sessionFor(app, 'alice', 'tab-alice-0001', 'Alice');
    expect(response.statusCode).toBe(200);
    const session = response.json<Session>();
    secretsSeen.push(session.accessToken, hostToken);
    expect(session).toMatchObject({
      userId: '@om_alice:localhost',
      deviceId: 'OMB_tab-alice-0001',
      homeserverUrl: bed.testbed.homeserverUrl,
    });
    expect(session.expiresAt).toBeGreaterThan(Date.now() + 60_000);
    expect(session.expiresAt).toBeLessThanOrEqual(Date.now() + 5 * 60_000 + 1000);

    const whoami = await matrix<{ user_id: string; device_id: string }>(
      bed.testbed.homeserverUrl,
      '/_matrix/client/v3/account/whoami',
      { token: session.accessToken },
    );
    expect(whoami.body).toMatchObject({ user_id: '@om_alice:localhost', device_id: 'OMB_tab-alice-0001' });
    const sync = await matrix(bed.testbed.homeserverUrl, '/_matrix/client/v3/sync?timeout=0', {
      token: session.accessToken,
    });
    expect(sync.status).toBe(200);

    const profile = await matrix<{ displayname: string }>(
      bed.testbed.homeserverUrl,
      '/_matrix/client/v3/profile/%40om_alice%3Alocalhost',
      { token: session.accessToken },
    );
    expect(profile.body.displayname).toBe('Alice');
  });

  it('hands the same fresh token back to the same device (cached path), a new one to another device', async () => {
    const first = (await sessionFor(app, 'alice', 'tab-alice-0001', 'Alice')).response.json<Session>();
    const again = (await sessionFor(app, 'alice', 'tab-alice-0001', 'Alice')).response.json<Session>();
    expect(again.accessToken).toBe(first.accessToken);
    const other = (await sessionFor(app, 'alice', 'tab-alice-0002', 'Alice')).response.json<Session>();
    secretsSeen.push(other.accessToken);
    expect(other.deviceId).toBe('OMB_tab-alice-0002');
    expect(other.accessToken).not.toBe(first.accessToken);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/openmeet_broker_token_mints_total\{path="cached"\} [1-9]/);
  });

  it('keeps transaction-id dedupe across token rotation: same txnId, old then new token → one event', async () => {
    // A broker that never reuses cached tokens, so every session call rotates the token.
    const rotating = brokerFor({ ...bed.env, BROKER_TOKEN_MIN_REMAINING_SECONDS: '100000' });
    try {
      const a = (await sessionFor(rotating, 'bob', 'tab-bob-00001')).response.json<Session>();
      const b = (await sessionFor(rotating, 'bob', 'tab-bob-00001')).response.json<Session>();
      secretsSeen.push(a.accessToken, b.accessToken);
      expect(b.accessToken).not.toBe(a.accessToken);
      expect(b.deviceId).toBe(a.deviceId);

      const hs = bed.testbed.homeserverUrl;
      const room = await matrix<{ room_id: string }>(hs, '/_matrix/client/v3/createRoom', {
        token: a.accessToken,
        body: { preset: 'private_chat' },
      });
      const path = `/_matrix/client/v3/rooms/${encodeURIComponent(room.body.room_id)}/send/m.room.message/txn-1`;
      const content = { msgtype: 'm.text', body: 'exactly once' };
      const sent1 = await matrix<{ event_id: string }>(hs, path, {
        method: 'PUT',
        token: a.accessToken,
        body: content,
      });
      const sent2 = await matrix<{ event_id: string }>(hs, path, {
        method: 'PUT',
        token: b.accessToken,
        body: content,
      });
      expect(sent1.status).toBe(200);
      expect(sent2.body.event_id).toBe(sent1.body.event_id);

      const messages = await matrix<{ chunk: Array<{ type: string; content: { body?: string } }> }>(
        hs,
        `/_matrix/client/v3/rooms/${encodeURIComponent(room.body.room_id)}/messages?dir=b&limit=50`,
        { token: b.accessToken },
      );
      expect(messages.body.chunk.filter((e) => e.content.body === 'exactly once')).toHaveLength(1);
    } finally {
      await rotating.close();
    }
  });

  it('provisions one Matrix user for 50 parallel first requests, all of which succeed', async () => {
    const created = async () => {
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      return Number(
        /openmeet_broker_provisioning_calls_total\{outcome="created"\} (\d+)/.exec(text)?.[1] ?? 0,
      );
    };
    const createdBefore = await created();
    const hostToken = await hostTokenFor(app, 'carol', 'Carol');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/v1/session',
          headers: { authorization: `Bearer ${hostToken}` },
          payload: { deviceKey: `carol-tab-${String(i).padStart(4, '0')}` },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(200));
    const users = new Set(responses.map((r) => r.json<Session>().userId));
    expect([...users]).toEqual(['@om_carol:localhost']);
    expect(await created()).toBe(createdBefore + 1);
    // The device cap (10 by default) evicted the oldest devices instead of piling them up.
    const devices = await app.inject({ method: 'GET', url: '/v1/ops/users/carol/devices', headers: OPS });
    expect(devices.json<{ devices: unknown[] }>().devices.length).toBeLessThanOrEqual(10);
  });

  it('refuses to adopt an account someone registered first in the broker namespace', async () => {
    const squatter = await bed.testbed.createUser('om_mallory');
    const { response } = await sessionFor(app, 'mallory', 'tab-mallory-01');
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('OM_ACCOUNT_CONFLICT');
    // The squatter's account got no device of ours.
    const devices = await matrix<{ devices: Array<{ device_id: string }> }>(
      bed.testbed.homeserverUrl,
      '/_matrix/client/v3/devices',
      { token: squatter.accessToken },
    );
    expect(devices.body.devices.map((d) => d.device_id)).not.toContain('OMB_tab-mallory-01');
  });

  it('propagates a display-name change', async () => {
    const { response } = await sessionFor(app, 'dave', 'tab-dave-0001', 'Dave');
    const session = response.json<Session>();
    await sessionFor(app, 'dave', 'tab-dave-0001', 'David');
    const profile = await matrix<{ displayname: string }>(
      bed.testbed.homeserverUrl,
      '/_matrix/client/v3/profile/%40om_dave%3Alocalhost',
      { token: session.accessToken },
    );
    expect(profile.body.displayname).toBe('David');
  });

  it('ops revoke kills every token of the user at once', async () => {
    const session = (await sessionFor(app, 'erin', 'tab-erin-0001')).response.json<Session>();
    const hs = bed.testbed.homeserverUrl;
    expect(
      (await matrix(hs, '/_matrix/client/v3/account/whoami', { token: session.accessToken })).status,
    ).toBe(200);

    const revoke = await app.inject({ method: 'POST', url: '/v1/ops/users/erin/revoke', headers: OPS });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json()).toEqual({ userId: '@om_erin:localhost', revokedDevices: ['OMB_tab-erin-0001'] });

    const after = await matrix<{ errcode: string }>(hs, '/_matrix/client/v3/account/whoami', {
      token: session.accessToken,
    });
    expect(after.status).toBe(401);
    expect(after.body.errcode).toBe('M_UNKNOWN_TOKEN');
    // A new sign-in is still possible (revoke ends sessions, it does not ban).
    const fresh = (await sessionFor(app, 'erin', 'tab-erin-0001')).response.json<Session>();
    expect(fresh.accessToken).not.toBe(session.accessToken);
  });

  it('ops revoke of one device leaves the others working', async () => {
    const a = (await sessionFor(app, 'frank', 'tab-frank-001')).response.json<Session>();
    const b = (await sessionFor(app, 'frank', 'tab-frank-002')).response.json<Session>();
    const hs = bed.testbed.homeserverUrl;
    const revoke = await app.inject({
      method: 'DELETE',
      url: '/v1/ops/users/frank/devices/OMB_tab-frank-001',
      headers: OPS,
    });
    expect(revoke.statusCode).toBe(200);
    expect((await matrix(hs, '/_matrix/client/v3/account/whoami', { token: a.accessToken })).status).toBe(
      401,
    );
    expect((await matrix(hs, '/_matrix/client/v3/account/whoami', { token: b.accessToken })).status).toBe(
      200,
    );
  });

  it('deactivation blocks further sessions with a stable code', async () => {
    const deactivate = await app.inject({
      method: 'POST',
      url: '/v1/ops/users/frank/deactivate',
      headers: OPS,
      payload: {},
    });
    expect(deactivate.statusCode).toBe(200);
    const { response } = await sessionFor(app, 'frank', 'tab-frank-003');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: { code: 'OM_USER_DEACTIVATED', message: expect.any(String) } });
  });

  it('ops refuse accounts and devices the broker does not manage', async () => {
    const admin = await app.inject({
      method: 'POST',
      url: '/v1/ops/users/%40admin%3Alocalhost/deactivate',
      headers: OPS,
      payload: {},
    });
    expect(admin.statusCode).toBe(400);
    const device = await app.inject({
      method: 'DELETE',
      url: '/v1/ops/users/alice/devices/ADMINDEVICE',
      headers: OPS,
    });
    expect(device.statusCode).toBe(400);
    const me = await matrix(bed.testbed.homeserverUrl, '/_matrix/client/v3/account/whoami', {
      token: bed.testbed.adminToken,
    });
    expect(me.status).toBe(200);
  });

  it('never hands out a token the client reports as refused', async () => {
    const first = (await sessionFor(app, 'alice', 'tab-alice-0007')).response.json<Session>();
    const hostToken = await hostTokenFor(app, 'alice');
    const retry = await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: { authorization: `Bearer ${hostToken}` },
      payload: { deviceKey: 'tab-alice-0007', staleAccessToken: first.accessToken },
    });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['cache-control']).toBe('no-store');
    expect(retry.json<Session>().accessToken).not.toBe(first.accessToken);
    expect(retry.json<Session>().deviceId).toBe(first.deviceId);
  });

  it('refuses ops calls without the ops credential', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/ops/users/alice/revoke' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('OM_OPS_UNAUTHORIZED');
    const wrong = await app.inject({
      method: 'POST',
      url: '/v1/ops/users/alice/revoke',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.json().error.code).toBe('OM_OPS_UNAUTHORIZED');
  });

  it('writes an audit line per ops call and never logs or returns a secret', async () => {
    const audit = logs.map((line) => JSON.parse(line)).filter((entry) => entry.audit);
    expect(audit.length).toBeGreaterThanOrEqual(4);
    expect(audit[0].audit).toEqual(
      expect.objectContaining({ actor: 'ops-token', action: expect.any(String), result: expect.any(Number) }),
    );
    const everything = logs.join('\n');
    for (const secret of [
      ...secretsSeen,
      bed.asToken,
      bed.testbed.adminToken,
      'ops-token-for-tests-0123456789abcdef',
    ]) {
      expect(everything).not.toContain(secret);
    }
    expect(logs.length).toBeGreaterThan(20);
  });

  it('never puts the admin or appservice token in any response', async () => {
    const hostToken = await hostTokenFor(app, 'alice');
    const responses = await Promise.all([
      app.inject({ method: 'GET', url: '/docs/json' }),
      app.inject({ method: 'GET', url: '/metrics' }),
      app.inject({ method: 'GET', url: '/readyz' }),
      app.inject({ method: 'GET', url: '/v1/dev/jwks.json' }),
      app.inject({ method: 'GET', url: '/v1/ops/users/alice/devices', headers: OPS }),
      app.inject({ method: 'POST', url: '/v1/ops/secrets/reload', headers: OPS }),
      app.inject({ method: 'GET', url: '/v1/ops/users/%40nobody%3Alocalhost/devices', headers: OPS }),
      app.inject({
        method: 'POST',
        url: '/v1/session',
        headers: { authorization: `Bearer ${hostToken}` },
        payload: { deviceKey: 'tab-alice-0009' },
      }),
    ]);
    expect(responses.map((r) => r.statusCode)).toContain(200);
    for (const response of responses) {
      const everything = `${JSON.stringify(response.headers)}\n${response.body}`;
      expect(everything).not.toContain(bed.asToken);
      expect(everything).not.toContain(bed.testbed.adminToken);
    }
  });
});

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/loadConfig.js';
import { type BrokerTestbed, brokerFor, hostTokenFor, startBrokerTestbed } from '../support/brokerTestbed.js';

const OPS = { authorization: 'Bearer ops-token-for-tests-0123456789abcdef' };

describe('room routes', () => {
  let bed: BrokerTestbed;
  let app: FastifyInstance;
  const bearer = async (user: string) => ({ authorization: `Bearer ${await hostTokenFor(app, user)}` });

  beforeAll(async () => {
    bed = await startBrokerTestbed();
    app = brokerFor({ ...bed.env, BROKER_DEV_USERS: 'alice,bob,carol' });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await bed?.stop();
  });

  it('looks up a private group room for members only, and says nothing to others', async () => {
    const { roomId } = await app.services.rooms.ensure({
      kind: 'group',
      id: 'g-7',
      slug: 'inner',
      name: 'Inner',
      visibility: 'private',
    });
    // Sign alice in (provisioned), then make her a member as the membership sync would.
    await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: await bearer('alice'),
      payload: { deviceKey: 'tab-alice-01' },
    });
    const alice = app.services.provisioner.userIdFor('alice');
    await app.services.synapse.inviteUser(roomId, alice);
    await app.services.synapse.joinRoom(roomId, { actAs: alice });

    const asAlice = await app.inject({
      url: '/v1/rooms/lookup?kind=group&slug=inner',
      headers: await bearer('alice'),
    });
    expect(asAlice.statusCode).toBe(200);
    expect(asAlice.json()).toEqual({ roomId, alias: '#om-group-inner:localhost' });
    const asBob = await app.inject({
      url: '/v1/rooms/lookup?kind=group&id=g-7',
      headers: await bearer('bob'),
    });
    expect(asBob.statusCode).toBe(404);
    expect(asBob.json()).toEqual({ error: { code: 'OM_ROOM_NOT_FOUND', message: 'No such room' } });
    const both = await app.inject({
      url: '/v1/rooms/lookup?kind=group&id=g-7&slug=inner',
      headers: await bearer('alice'),
    });
    expect(both.statusCode).toBe(400);
    expect((await app.inject({ url: '/v1/rooms/lookup?kind=group&id=g-7' })).statusCode).toBe(401);
  });

  it('gets or creates a DM with another signed-in user', async () => {
    await app.inject({
      method: 'POST',
      url: '/v1/session',
      headers: await bearer('bob'),
      payload: { deviceKey: 'tab-bob-0001' },
    });
    const first = await app.inject({
      method: 'POST',
      url: '/v1/rooms/dm',
      headers: await bearer('alice'),
      payload: { userId: 'bob' },
    });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ created: true });
    const back = await app.inject({
      method: 'POST',
      url: '/v1/rooms/dm',
      headers: await bearer('bob'),
      payload: { userId: 'alice' },
    });
    expect(back.json()).toEqual({ roomId: first.json().roomId, created: false });
    const unknown = await app.inject({
      method: 'POST',
      url: '/v1/rooms/dm',
      headers: await bearer('alice'),
      payload: { userId: 'carol' },
    });
    expect(unknown.json().error.code).toBe('OM_USER_NOT_FOUND');
  });

  it('lets ops delete an entity room and follow the deletion', async () => {
    const { roomId } = await app.services.rooms.ensure({
      kind: 'event',
      id: 'e-9',
      slug: 'gone',
      name: 'Gone',
      visibility: 'public',
    });
    const deleted = await app.inject({ method: 'DELETE', url: '/v1/ops/rooms/event/e-9', headers: OPS });
    expect(deleted.statusCode).toBe(202);
    expect(deleted.json().roomId).toBe(roomId);
    let status = '';
    for (let i = 0; i < 100 && status !== 'complete'; i++) {
      const res = await app.inject({
        url: `/v1/ops/rooms/deletions/${deleted.json().deleteId}`,
        headers: OPS,
      });
      status = res.json().status;
      if (status !== 'complete') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('complete');
    expect(
      (await app.inject({ method: 'DELETE', url: '/v1/ops/rooms/event/e-9', headers: OPS })).statusCode,
    ).toBe(404);
  });

  it('validates the room configuration at boot', () => {
    const bad = () =>
      loadConfig({
        ...bed.env,
        BROKER_ROLE_POWER_LEVELS: 'owner:101,admin',
        BROKER_ROOM_ALIAS_PATTERN: '{slug}',
      });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (error) {
      expect((error as ConfigError).problems.join('\n')).toMatch(
        /BROKER_ROLE_POWER_LEVELS[\s\S]*BROKER_ROOM_ALIAS_PATTERN/,
      );
    }
    expect(loadConfig(bed.env).rooms).toEqual({
      aliasPrefix: 'om',
      aliasPattern: '{prefix}-{kind}-{slug}',
      roleLevels: { owner: 100, admin: 75, moderator: 50, member: 0 },
      serviceDisplayName: 'OpenMeet',
    });
    expect(
      loadConfig({ ...bed.env, BROKER_SERVICE_DISPLAY_NAME: '  Hikers Club  ' }).rooms.serviceDisplayName,
    ).toBe('Hikers Club');
    expect(() => loadConfig({ ...bed.env, BROKER_SERVICE_DISPLAY_NAME: ' ' })).toThrow(ConfigError);
  });
});

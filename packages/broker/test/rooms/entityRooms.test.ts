import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/errors.js';
import { AliasPattern, EntityRooms, type RoomEntity } from '../../src/rooms/index.js';
import {
  enc,
  type RoomServices,
  type RoomsBed,
  SERVICE_DISPLAY_NAME,
  SERVICE_USER,
  startRoomsBed,
} from './roomsBed.js';

type StateEvent = { type: string; state_key: string; content: Record<string, unknown>; event_id: string };

describe('entity rooms against a real Synapse', () => {
  let env: RoomsBed;
  let broker: RoomServices;

  beforeAll(async () => {
    env = await startRoomsBed();
    broker = env.instance();
  });
  afterAll(async () => {
    await env?.stop();
  });

  const state = (roomId: string, type: string, key = '') =>
    env.as(SERVICE_USER, `/_matrix/client/v3/rooms/${enc(roomId)}/state/${enc(type)}/${enc(key)}`);
  const join = (userId: string, roomId: string) =>
    env.as(userId, `/_matrix/client/v3/rooms/${enc(roomId)}/join`, { body: {} });
  const invite = (userId: string, roomId: string) =>
    env.as(SERVICE_USER, `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, { body: { user_id: userId } });
  const send = (userId: string, roomId: string, txn: string, body: string) =>
    env.as(userId, `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/${txn}`, {
      method: 'PUT',
      body: { msgtype: 'm.text', body },
    });
  const resolve = (alias: string) =>
    env.as<{ room_id: string }>(SERVICE_USER, `/_matrix/client/v3/directory/room/${enc(alias)}`);

  const group = (overrides: Partial<RoomEntity> = {}): RoomEntity => ({
    kind: 'group',
    id: 'g-1',
    slug: 'hikers',
    name: 'Hikers',
    topic: 'Walks every Sunday',
    visibility: 'public',
    ...overrides,
  });

  it('creates one room for 20 concurrent ensures across two brokers sharing a store', async () => {
    const other = env.instance(broker.store);
    const entity = group();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? other : broker).rooms.ensure(entity)),
    );
    const roomIds = new Set(results.map((r) => r.roomId));
    expect(roomIds.size).toBe(1);
    expect(results.some((r) => r.outcome === 'created')).toBe(true);
    const [roomId] = roomIds;
    expect(results[0]?.alias).toBe('#om-group-hikers:localhost');

    expect((await resolve('#om-group-hikers:localhost')).body.room_id).toBe(roomId);
    const rooms = await env.as<{ joined_rooms: string[] }>(SERVICE_USER, '/_matrix/client/v3/joined_rooms');
    const named = await Promise.all(
      rooms.body.joined_rooms.map(async (id) => (await state(id, 'm.room.name')).body.name),
    );
    expect(named.filter((name) => name === 'Hikers')).toHaveLength(1);
  });

  it('names the service user before it creates a room, so its membership carries the name', async () => {
    const { roomId } = await broker.rooms.ensure(group({ id: 'g-named', slug: 'named', name: 'Named' }));
    expect((await state(roomId, 'm.room.member', SERVICE_USER)).body).toMatchObject({
      membership: 'join',
      displayname: SERVICE_DISPLAY_NAME,
    });
  });

  it('brokers that share no store race on the alias and still end up with one room', async () => {
    const brokers = Array.from({ length: 4 }, () => env.instance());
    const entity = group({ id: 'g-race', slug: 'race', name: 'Race' });
    const results = await Promise.all(brokers.map((b) => b.rooms.ensure(entity)));
    expect(new Set(results.map((r) => r.roomId)).size).toBe(1);
    expect((await resolve('#om-group-race:localhost')).body.room_id).toBe(results[0]?.roomId);
  });

  it('records kind and entity, name, topic, join rule, history visibility and the service user at 100', async () => {
    const { roomId } = await broker.rooms.ensure(group());
    expect((await state(roomId, 'org.openmeet.room')).body).toEqual({
      kind: 'group',
      entity: { type: 'group', id: 'g-1' },
    });
    expect((await state(roomId, 'm.room.name')).body).toEqual({ name: 'Hikers' });
    expect((await state(roomId, 'm.room.topic')).body).toMatchObject({ topic: 'Walks every Sunday' });
    expect((await state(roomId, 'm.room.join_rules')).body).toEqual({ join_rule: 'public' });
    expect((await state(roomId, 'm.room.history_visibility')).body).toEqual({ history_visibility: 'shared' });
    expect((await state(roomId, 'm.room.canonical_alias')).body).toMatchObject({
      alias: '#om-group-hikers:localhost',
    });
    const levels = (await state(roomId, 'm.room.power_levels')).body;
    expect(levels).toMatchObject({ users: { [SERVICE_USER]: 100 }, events_default: 0, users_default: 0 });
  });

  it('costs no Synapse call for an unchanged entity, and a second broker without the store adopts the room', async () => {
    const calls: string[] = [];
    const counted = env.instance(broker.store, (endpoint) => calls.push(endpoint));
    const { roomId } = await broker.rooms.ensure(group());
    expect(await counted.rooms.ensure(group())).toMatchObject({ roomId, outcome: 'unchanged' });
    expect(calls).toEqual([]);
    // `verify` compares with Synapse anyway (reconciliation) and finds nothing to change.
    expect(await counted.rooms.ensure(group(), { verify: true })).toMatchObject({
      roomId,
      outcome: 'unchanged',
    });
    expect(calls.length).toBeGreaterThan(0);
    const amnesiac = env.instance();
    expect(await amnesiac.rooms.ensure(group())).toEqual({
      roomId,
      alias: '#om-group-hikers:localhost',
      outcome: 'unchanged',
    });
  });

  it('sets the avatar from an mxc URI and rejects anything else', async () => {
    const mxc = await broker.synapse.uploadMedia(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      'image/png',
      'a.png',
    );
    const entity = group({ id: 'g-avatar', slug: 'avatar', avatarUrl: mxc });
    const { roomId } = await broker.rooms.ensure(entity);
    expect((await state(roomId, 'm.room.avatar')).body).toEqual({ url: mxc });
    await expect(
      broker.rooms.ensure({ ...entity, avatarUrl: 'https://example.org/a.png' }),
    ).rejects.toMatchObject({ code: 'OM_BAD_REQUEST' });
  });

  it('makes private entities invite-only: a stranger cannot join', async () => {
    const { roomId } = await broker.rooms.ensure(
      group({ id: 'g-private', slug: 'secret', name: 'Secret', visibility: 'private' }),
    );
    expect((await state(roomId, 'm.room.join_rules')).body).toEqual({ join_rule: 'invite' });
    const stranger = await env.provision('stranger');
    expect((await join(stranger, roomId)).status).toBe(403);
  });

  it('a slug rename moves the alias and keeps the room and its history', async () => {
    const entity = group({ id: 'g-rename', slug: 'old-name', name: 'Before' });
    const { roomId } = await broker.rooms.ensure(entity);
    const member = await env.provision('renamer');
    expect((await join(member, roomId)).status).toBe(200);
    expect((await send(member, roomId, 'before-rename', 'said before the rename')).status).toBe(200);

    const renamed = await broker.rooms.ensure({ ...entity, slug: 'new-name', name: 'After' });
    expect(renamed).toEqual({ roomId, alias: '#om-group-new-name:localhost', outcome: 'updated' });
    expect((await resolve('#om-group-new-name:localhost')).body.room_id).toBe(roomId);
    expect((await resolve('#om-group-old-name:localhost')).status).toBe(404);
    expect((await state(roomId, 'm.room.canonical_alias')).body).toMatchObject({
      alias: '#om-group-new-name:localhost',
    });
    expect((await state(roomId, 'm.room.name')).body).toEqual({ name: 'After' });

    const messages = await env.as<{ chunk: Array<{ content: { body?: string } }> }>(
      member,
      `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=50`,
    );
    expect(messages.body.chunk.map((e) => e.content.body)).toContain('said before the rename');
    await expect(broker.rooms.lookup({ kind: 'group', slug: 'new-name' }, member)).resolves.toEqual({
      roomId,
      alias: '#om-group-new-name:localhost',
    });
    await expect(broker.rooms.lookup({ kind: 'group', slug: 'old-name' }, member)).rejects.toMatchObject({
      code: 'OM_ROOM_NOT_FOUND',
    });
  });

  it('refuses to take over an alias that belongs to another entity', async () => {
    await broker.rooms.ensure(group({ id: 'g-owner', slug: 'taken' }));
    const attempt = broker.rooms.ensure(group({ id: 'g-squatter', slug: 'taken' }));
    await expect(attempt).rejects.toBeInstanceOf(BrokerError);
    await expect(attempt).rejects.toMatchObject({ code: 'OM_ROOM_ALIAS_CONFLICT' });
  });

  it('an archived room is read-only for members while the service user can still post', async () => {
    const entity: RoomEntity = {
      kind: 'event',
      id: 'e-archive',
      slug: 'picnic',
      name: 'Picnic',
      visibility: 'public',
    };
    const { roomId } = await broker.rooms.ensure(entity);
    const member = await env.provision('picnicker');
    expect((await join(member, roomId)).status).toBe(200);
    expect((await send(member, roomId, 'open', 'while open')).status).toBe(200);

    expect(await broker.rooms.ensure({ ...entity, archived: true })).toMatchObject({ outcome: 'updated' });
    const refused = await send(member, roomId, 'closed', 'after the end');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ errcode: 'M_FORBIDDEN' });
    expect((await send(SERVICE_USER, roomId, 'svc', 'the service user still posts')).status).toBe(200);
    expect((await state(roomId, 'm.room.power_levels')).body).toMatchObject({
      events_default: 100,
      users: { [SERVICE_USER]: 100 },
    });

    await broker.rooms.ensure({ ...entity, archived: false });
    expect((await send(member, roomId, 'reopened', 'open again')).status).toBe(200);
  });

  it('applies a batch of three role changes as one power-levels event', async () => {
    const entity = group({ id: 'g-roles', slug: 'roles' });
    const { roomId } = await broker.rooms.ensure(entity);
    const [owner, admin, mod] = await Promise.all([
      env.provision('ann'),
      env.provision('ben'),
      env.provision('cat'),
    ]);
    const before = (await state(roomId, 'm.room.power_levels')).body;
    const countPowerEvents = async () => {
      const messages = await env.as<{ chunk: StateEvent[] }>(
        SERVICE_USER,
        `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=100`,
      );
      return messages.body.chunk.filter((e) => e.type === 'm.room.power_levels').length;
    };
    const eventsBefore = await countPowerEvents();

    const result = await broker.rooms.setRoles(entity, [
      { hostUserId: 'ann', role: 'owner' },
      { hostUserId: 'ben', role: 'admin' },
      { hostUserId: 'cat', role: 'moderator' },
    ]);
    expect(result).toEqual({ roomId, outcome: 'updated' });
    expect(await countPowerEvents()).toBe(eventsBefore + 1);
    const after = (await state(roomId, 'm.room.power_levels')).body;
    expect(after.users).toEqual({ [SERVICE_USER]: 100, [owner]: 100, [admin]: 75, [mod]: 50 });
    expect({ ...after, users: undefined }).toEqual({ ...before, users: undefined });

    // Demoting to member drops the entry; repeating a change writes nothing.
    await broker.rooms.setRoles(entity, [{ hostUserId: 'cat', role: 'member' }]);
    expect((await state(roomId, 'm.room.power_levels')).body.users).toEqual({
      [SERVICE_USER]: 100,
      [owner]: 100,
      [admin]: 75,
    });
    const eventsNow = await countPowerEvents();
    expect(await broker.rooms.setRoles(entity, [{ hostUserId: 'ann', role: 'owner' }])).toMatchObject({
      outcome: 'unchanged',
    });
    expect(await countPowerEvents()).toBe(eventsNow);
  });

  it('coalesces concurrent role changes for one room into one write', async () => {
    const entity = group({ id: 'g-burst', slug: 'burst' });
    const { roomId } = await broker.rooms.ensure(entity);
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    await Promise.all(users.map((u) => env.provision(u)));
    const messages = async () =>
      (
        await env.as<{ chunk: StateEvent[] }>(
          SERVICE_USER,
          `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=100`,
        )
      ).body.chunk.filter((e) => e.type === 'm.room.power_levels').length;
    const before = await messages();
    await Promise.all(
      users.map((u) => broker.rooms.setRoles(entity, [{ hostUserId: u, role: 'moderator' }])),
    );
    expect(await messages()).toBe(before + 1);
    const levels = (await state(roomId, 'm.room.power_levels')).body.users as Record<string, number>;
    expect(Object.values(levels).filter((level) => level === 50)).toHaveLength(users.length);
  });

  it('rejects unknown roles and never demotes the service user', async () => {
    const entity = group({ id: 'g-roles', slug: 'roles' });
    await expect(
      broker.rooms.setRoles(entity, [{ hostUserId: 'ann', role: 'emperor' }]),
    ).rejects.toMatchObject({
      code: 'OM_BAD_REQUEST',
    });
    // A host id that happens to map onto the service user (e.g. with an empty localpart prefix).
    const clashing = new EntityRooms({
      synapse: broker.synapse,
      store: broker.store,
      aliases: new AliasPattern({ serverName: 'localhost' }),
      userIdFor: () => SERVICE_USER,
    });
    await expect(clashing.setRoles(entity, [{ hostUserId: 'x', role: 'member' }])).rejects.toMatchObject({
      code: 'OM_BAD_REQUEST',
    });
    const { roomId } = await broker.rooms.ensure(entity);
    expect((await state(roomId, 'm.room.power_levels')).body.users).toMatchObject({ [SERVICE_USER]: 100 });
    await expect(broker.rooms.setRoles({ kind: 'group', id: 'nope' }, [])).rejects.toMatchObject({
      code: 'OM_ROOM_NOT_FOUND',
    });
  });

  it('looks up a private room only for its members; public rooms for anyone', async () => {
    const entity = group({ id: 'g-lookup', slug: 'inner-circle', name: 'Inner', visibility: 'private' });
    const { roomId } = await broker.rooms.ensure(entity);
    const [member, invitee, outsider] = await Promise.all([
      env.provision('insider'),
      env.provision('invitee'),
      env.provision('outsider'),
    ]);
    expect((await invite(member, roomId)).status).toBe(200);
    expect((await join(member, roomId)).status).toBe(200);
    expect((await invite(invitee, roomId)).status).toBe(200);

    const expected = { roomId, alias: '#om-group-inner-circle:localhost' };
    await expect(broker.rooms.lookup({ kind: 'group', id: 'g-lookup' }, member)).resolves.toEqual(expected);
    await expect(broker.rooms.lookup({ kind: 'group', slug: 'inner-circle' }, member)).resolves.toEqual(
      expected,
    );
    await expect(broker.rooms.lookup({ kind: 'group', id: 'g-lookup' }, invitee)).resolves.toEqual(expected);
    for (const query of [
      { kind: 'group', id: 'g-lookup' },
      { kind: 'group', slug: 'inner-circle' },
      { kind: 'group', id: 'no-such-group' },
      { kind: 'event', slug: 'inner-circle' },
    ] as const) {
      await expect(broker.rooms.lookup(query, outsider)).rejects.toMatchObject({ code: 'OM_ROOM_NOT_FOUND' });
    }
    // Someone who left is no longer a member.
    await env.as(member, `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { body: {} });
    await expect(broker.rooms.lookup({ kind: 'group', id: 'g-lookup' }, member)).rejects.toMatchObject({
      code: 'OM_ROOM_NOT_FOUND',
    });

    const open = await broker.rooms.ensure(group());
    await expect(broker.rooms.lookup({ kind: 'group', id: 'g-1' }, outsider)).resolves.toEqual({
      roomId: open.roomId,
      alias: '#om-group-hikers:localhost',
    });
  });

  it('deletes a room through the admin API; a later ensure makes a fresh one', async () => {
    const entity = group({ id: 'g-doomed', slug: 'doomed' });
    const { roomId } = await broker.rooms.ensure(entity);
    const { deleteId, roomId: deleted } = await broker.rooms.delete({ kind: 'group', slug: 'doomed' });
    expect(deleted).toBe(roomId);
    let status = await broker.rooms.deletionStatus(deleteId);
    for (let i = 0; i < 100 && status.status !== 'complete' && status.status !== 'failed'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await broker.rooms.deletionStatus(deleteId);
    }
    expect(status.status).toBe('complete');
    expect((await env.admin(`/_synapse/admin/v1/rooms/${enc(roomId)}`)).status).toBe(404);
    expect((await resolve('#om-group-doomed:localhost')).status).toBe(404);
    await expect(broker.rooms.roomIdFor(entity)).rejects.toMatchObject({ code: 'OM_ROOM_NOT_FOUND' });

    const again = await broker.rooms.ensure(entity);
    expect(again.outcome).toBe('created');
    expect(again.roomId).not.toBe(roomId);
  });
});

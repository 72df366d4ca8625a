import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Memberships } from '../../src/membership/index.js';
import type { RoomEntity } from '../../src/rooms/index.js';
import { enc, type MembershipBed, SERVICE_USER, startMembershipBed } from './membershipBed.js';

type StateEvent = { type: string };

describe('Memberships against a real Synapse', () => {
  let env: MembershipBed;
  let memberships: Memberships;
  const idOf = (hostUserId: string) => env.app.services.provisioner.userIdFor(hostUserId);
  const group = (id: string, visibility: 'public' | 'private' = 'private'): RoomEntity => ({
    kind: 'group',
    id,
    slug: id,
    name: id,
    visibility,
  });
  const ensure = async (entity: RoomEntity) => (await env.app.services.rooms.ensure(entity)).roomId;
  const powerEvents = async (roomId: string) =>
    (
      await env.as<{ chunk: StateEvent[] }>(
        SERVICE_USER,
        `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=200`,
      )
    ).body.chunk.filter((event) => event.type === 'm.room.power_levels').length;

  beforeAll(async () => {
    env = await startMembershipBed();
    memberships = env.app.services.memberships;
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('adds a member once: provisioned, invited, joined, role applied; the same add again changes nothing', async () => {
    const entity = group('g-add');
    const roomId = await ensure(entity);
    const first = await memberships.add(entity, {
      hostUserId: 'Ada',
      displayName: 'Ada L.',
      role: 'moderator',
    });
    expect(first).toEqual({ roomId, userId: idOf('Ada'), outcome: 'changed' });
    expect(await env.membership(roomId, idOf('Ada'))).toBe('join');
    expect((await env.levels(roomId))[idOf('Ada')]).toBe(50);
    const profile = await env.admin<{ displayname: string }>(`/_synapse/admin/v2/users/${enc(idOf('Ada'))}`);
    expect(profile.body.displayname).toBe('Ada L.');

    const events = await powerEvents(roomId);
    expect(await memberships.add(entity, { hostUserId: 'Ada', role: 'moderator' })).toMatchObject({
      outcome: 'unchanged',
    });
    expect(await memberships.add(entity, { hostUserId: 'Ada' })).toMatchObject({ outcome: 'unchanged' });
    expect(await powerEvents(roomId)).toBe(events);
  });

  it('completes a half-done add (invited only) and lets a banned user back in when the host adds them', async () => {
    const entity = group('g-half');
    const roomId = await ensure(entity);
    await memberships.add(entity, { hostUserId: 'ben' });
    await env.as(idOf('ben'), `/_matrix/client/v3/rooms/${enc(roomId)}/leave`, { body: {} });
    await env.as(SERVICE_USER, `/_matrix/client/v3/rooms/${enc(roomId)}/invite`, {
      body: { user_id: idOf('ben') },
    });
    expect(await env.membership(roomId, idOf('ben'))).toBe('invite');
    expect(await memberships.add(entity, { hostUserId: 'ben' })).toMatchObject({ outcome: 'changed' });
    expect(await env.membership(roomId, idOf('ben'))).toBe('join');

    expect(await memberships.ban(entity, 'ben', 'spam')).toMatchObject({ outcome: 'changed' });
    expect(await env.membership(roomId, idOf('ben'))).toBe('ban');
    expect(await memberships.ban(entity, 'ben')).toMatchObject({ outcome: 'unchanged' });
    expect(await memberships.add(entity, { hostUserId: 'ben' })).toMatchObject({ outcome: 'changed' });
    expect(await env.membership(roomId, idOf('ben'))).toBe('join');
  });

  it('bans users who were never members (nor provisioned), so they cannot join later', async () => {
    const entity = group('g-ban-first', 'public');
    const roomId = await ensure(entity);
    expect(await memberships.ban(entity, 'troll')).toMatchObject({ outcome: 'changed' });
    expect(await env.membership(roomId, idOf('troll'))).toBe('ban');
    await env.app.services.provisioner.ensure({ hostUserId: 'troll', expiresAt: Date.now() });
    const join = await env.as(idOf('troll'), `/_matrix/client/v3/rooms/${enc(roomId)}/join`, { body: {} });
    expect(join.status).toBe(403);
  });

  it('demotes, removes and bans owners, who hold the service user level and must step down first', async () => {
    const entity = group('g-owners');
    const roomId = await ensure(entity);
    for (const hostUserId of ['o1', 'o2', 'o3']) await memberships.add(entity, { hostUserId, role: 'owner' });
    expect(await env.levels(roomId)).toMatchObject({
      [idOf('o1')]: 100,
      [idOf('o2')]: 100,
      [idOf('o3')]: 100,
    });

    expect(await memberships.setRole(entity, 'o1', 'admin')).toMatchObject({ outcome: 'changed' });
    expect((await env.levels(roomId))[idOf('o1')]).toBe(75);

    expect(await memberships.remove(entity, 'o2')).toMatchObject({ outcome: 'changed' });
    expect(await env.membership(roomId, idOf('o2'))).toBe('leave');
    expect(await env.levels(roomId)).not.toHaveProperty(idOf('o2'));

    expect(await memberships.ban(entity, 'o3')).toMatchObject({ outcome: 'changed' });
    expect(await env.membership(roomId, idOf('o3'))).toBe('ban');
    expect(await env.levels(roomId)).toEqual({ [SERVICE_USER]: 100, [idOf('o1')]: 75 });
  });

  it('rejects unknown roles before changing anything, and rooms that do not exist', async () => {
    const entity = group('g-reject');
    const roomId = await ensure(entity);
    await expect(memberships.add(entity, { hostUserId: 'cleo', role: 'emperor' })).rejects.toMatchObject({
      code: 'OM_BAD_REQUEST',
    });
    expect(await env.membership(roomId, idOf('cleo'))).toBeUndefined();
    await expect(memberships.add(group('g-none'), { hostUserId: 'cleo' })).rejects.toMatchObject({
      code: 'OM_ROOM_NOT_FOUND',
    });
    await expect(
      memberships.apply({ type: 'member.role_changed', entity, hostUserId: 'cleo' }),
    ).rejects.toMatchObject({ code: 'OM_BAD_REQUEST' });
  });

  describe('reconciliation', () => {
    const entity = group('g-drift');
    let roomId: string;
    const desired = [
      { hostUserId: 'anna', role: 'owner' },
      { hostUserId: 'bert', role: 'moderator' },
      { hostUserId: 'cara', role: 'member' },
    ];

    beforeAll(async () => {
      roomId = await ensure(entity);
    });

    it('fills an empty room from the host list', async () => {
      const report = await memberships.reconcile(entity, desired);
      expect(report).toEqual({
        entity: { kind: 'group', id: 'g-drift' },
        roomId,
        added: desired.map(({ hostUserId }) => ({ hostUserId, userId: idOf(hostUserId) })),
        removed: [],
        rolesChanged: [
          { userId: idOf('anna'), hostUserId: 'anna', from: 0, to: 100 },
          { userId: idOf('bert'), hostUserId: 'bert', from: 0, to: 50 },
        ],
        unchanged: 0,
        failed: [],
      });
      for (const { hostUserId } of desired)
        expect(await env.membership(roomId, idOf(hostUserId))).toBe('join');
    });

    it('repairs deliberately introduced drift, reports exactly that, and changes nothing on a second run', async () => {
      const room = `/_matrix/client/v3/rooms/${enc(roomId)}`;
      // 1. cara is kicked behind the broker's back.
      await env.as(SERVICE_USER, `${room}/kick`, { body: { user_id: idOf('cara') } });
      // 2. An extra broker user and a non-broker account (the server admin) are let in directly.
      await env.app.services.provisioner.ensure({ hostUserId: 'Xavier_X', expiresAt: Date.now() });
      const admin = env.bed.testbed.adminUserId;
      for (const userId of [idOf('Xavier_X'), admin]) {
        await env.as(SERVICE_USER, `${room}/invite`, { body: { user_id: userId } });
      }
      expect((await env.as(idOf('Xavier_X'), `${room}/join`, { body: {} })).status).toBe(200);
      expect((await env.admin(`${room}/join`, { body: {} })).status).toBe(200);
      // 3. bert's power level is changed directly, and a departed user keeps a level.
      const levels = await env.levels(roomId);
      const content = (await env.as(SERVICE_USER, `${room}/state/m.room.power_levels/`)).body;
      await env.as(SERVICE_USER, `${room}/state/m.room.power_levels/`, {
        method: 'PUT',
        body: { ...content, users: { ...levels, [idOf('bert')]: 75, [idOf('departed')]: 50 } },
      });
      const eventsBefore = await powerEvents(roomId);

      const report = await memberships.reconcile(entity, desired);
      expect(report).toEqual({
        entity: { kind: 'group', id: 'g-drift' },
        roomId,
        added: [{ hostUserId: 'cara', userId: idOf('cara') }],
        removed: [{ hostUserId: 'Xavier_X', userId: idOf('Xavier_X') }],
        rolesChanged: [
          { userId: idOf('bert'), hostUserId: 'bert', from: 75, to: 50 },
          { userId: idOf('departed'), hostUserId: 'departed', from: 50, to: 0 },
        ],
        unchanged: 1,
        failed: [],
      });
      // Both level fixes went into one power-levels event.
      expect(await powerEvents(roomId)).toBe(eventsBefore + 1);
      expect(await env.membership(roomId, idOf('cara'))).toBe('join');
      expect(await env.membership(roomId, idOf('Xavier_X'))).toBe('leave');
      // Never the broker's business: the service user and accounts outside its namespace.
      expect(await env.membership(roomId, admin)).toBe('join');
      expect(await env.membership(roomId, SERVICE_USER)).toBe('join');
      expect(await env.levels(roomId)).toEqual({
        [SERVICE_USER]: 100,
        [idOf('anna')]: 100,
        [idOf('bert')]: 50,
      });

      const again = await memberships.reconcile(entity, desired);
      expect(again).toMatchObject({ added: [], removed: [], rolesChanged: [], unchanged: 3, failed: [] });
      expect(await powerEvents(roomId)).toBe(eventsBefore + 1);
    });

    it('demotes and removes an owner the host no longer lists as one', async () => {
      const report = await memberships.reconcile(entity, [
        { hostUserId: 'anna', role: 'member' },
        { hostUserId: 'cara', role: 'member' },
      ]);
      expect(report).toMatchObject({
        added: [],
        removed: [{ hostUserId: 'bert', userId: idOf('bert') }],
        rolesChanged: [{ userId: idOf('anna'), hostUserId: 'anna', from: 100, to: 0 }],
        unchanged: 1,
        failed: [],
      });
      expect(await env.levels(roomId)).toEqual({ [SERVICE_USER]: 100 });
      expect(await env.membership(roomId, idOf('bert'))).toBe('leave');
    });

    it('reports per-member failures and missing rooms without stopping the batch', async () => {
      const [missing, partial] = await memberships.reconcileMany([
        { entity: group('g-missing'), members: [{ hostUserId: 'anna', role: 'member' }] },
        {
          entity,
          members: [
            { hostUserId: 'anna', role: 'member' },
            { hostUserId: 'cara', role: 'emperor' },
            { hostUserId: 'dina', role: 'member' },
          ],
        },
      ]);
      expect(missing).toMatchObject({
        entity: { kind: 'group', id: 'g-missing' },
        error: { code: 'OM_ROOM_NOT_FOUND' },
        added: [],
      });
      expect(partial).toMatchObject({
        added: [{ hostUserId: 'dina' }],
        // cara's entry is invalid, so she is not listed: she is not kicked either.
        removed: [],
        unchanged: 1,
        failed: [{ hostUserId: 'cara', code: 'OM_BAD_REQUEST' }],
      });
      expect(await env.membership(roomId, idOf('cara'))).toBe('join');
    });
  });
});

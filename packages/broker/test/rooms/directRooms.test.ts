import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enc, type RoomServices, type RoomsBed, startRoomsBed } from './roomsBed.js';

type Member = { type: string; state_key: string; content: { membership: string; is_direct?: boolean } };

describe('DM rooms against a real Synapse', () => {
  let env: RoomsBed;
  let broker: RoomServices;
  let alice: string;
  let bob: string;
  let carol: string;

  beforeAll(async () => {
    env = await startRoomsBed();
    broker = env.instance();
    [alice, bob, carol] = await Promise.all([
      env.provision('alice'),
      env.provision('bob'),
      env.provision('carol'),
    ]);
  });
  afterAll(async () => {
    await env?.stop();
  });

  const mDirect = async (userId: string) =>
    (
      await env.as<Record<string, string[]>>(
        userId,
        `/_matrix/client/v3/user/${enc(userId)}/account_data/m.direct`,
      )
    ).body;
  const joinedMembers = async (userId: string, roomId: string) => {
    const members = await env.as<{ chunk: Member[] }>(
      userId,
      `/_matrix/client/v3/rooms/${enc(roomId)}/members?membership=join`,
    );
    return members.body.chunk.map((m) => m.state_key).sort();
  };

  it('creates one DM for 20 concurrent requests from both sides across two brokers', async () => {
    const other = env.instance(broker.store);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 ? other.dms.ensure('alice', 'bob') : broker.dms.ensure('bob', 'alice'),
      ),
    );
    const roomIds = new Set(results.map((r) => r.roomId));
    expect(roomIds.size).toBe(1);
    const [roomId = ''] = roomIds;

    expect(await joinedMembers(alice, roomId)).toEqual([alice, bob].sort());
    expect((await mDirect(alice))[bob]).toEqual([roomId]);
    expect((await mDirect(bob))[alice]).toEqual([roomId]);
    const marker = await env.as(alice, `/_matrix/client/v3/rooms/${enc(roomId)}/state/org.openmeet.room/`);
    expect(marker.body).toEqual({ kind: 'dm' });
    // The second user was invited to a DM (the flag lives on the invite, as clients expect).
    const timeline = await env.as<{ chunk: Member[] }>(
      alice,
      `/_matrix/client/v3/rooms/${enc(roomId)}/messages?dir=b&limit=50`,
    );
    const invite = timeline.body.chunk.find(
      (e) => e.type === 'm.room.member' && e.content.membership === 'invite',
    );
    expect(invite?.content.is_direct).toBe(true);

    expect(await broker.dms.ensure('alice', 'bob')).toEqual({ roomId, outcome: 'unchanged' });
  });

  it('keeps every DM of a user in m.direct when several are created at once', async () => {
    const [withCarol, withBob] = await Promise.all([
      broker.dms.ensure('carol', 'alice'),
      broker.dms.ensure('bob', 'alice'),
      broker.dms.ensure('carol', 'bob'),
    ]);
    const direct = await mDirect(alice);
    expect(direct[carol]).toEqual([withCarol?.roomId]);
    expect(direct[bob]).toEqual([withBob?.roomId]);
    expect(Object.keys(await mDirect(carol)).sort()).toEqual([alice, bob].sort());
  });

  it('finds the DM again through m.direct when the store lost it', async () => {
    const { roomId } = await broker.dms.ensure('alice', 'bob');
    const amnesiac = env.instance();
    expect(await amnesiac.dms.ensure('bob', 'alice')).toEqual({ roomId, outcome: 'unchanged' });
    expect((await mDirect(alice))[bob]).toEqual([roomId]);
  });

  it('refuses a DM with oneself, with an unprovisioned user or with a deactivated one', async () => {
    await expect(broker.dms.ensure('alice', 'alice')).rejects.toMatchObject({ code: 'OM_BAD_REQUEST' });
    await expect(broker.dms.ensure('alice', 'ghost')).rejects.toMatchObject({ code: 'OM_USER_NOT_FOUND' });
    await expect(broker.dms.ensure('ghost', 'alice')).rejects.toMatchObject({ code: 'OM_USER_NOT_FOUND' });
    const gone = await env.provision('gone');
    await broker.synapse.deactivateUser(gone, false);
    await expect(broker.dms.ensure('alice', 'gone')).rejects.toMatchObject({ code: 'OM_USER_DEACTIVATED' });
  });
});

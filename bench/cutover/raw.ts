import { matrixUserIdFor } from '@openmeet/broker';
import type { BenchExport } from './exportData.js';
import { type PhaseTimes, pool } from './phases.js';
import { type CutoverSynapse, LOCALPART_PREFIX } from './synapse.js';

/**
 * The baseline: the fewest Synapse calls that leave the same end state as the cutover, with no
 * reads, checks, retries or store. Users: one admin-API PUT each (display name and the broker's
 * external-id mark). Rooms: one createRoom as the appservice sender with the alias, name, topic,
 * join rule and marker the broker sets. Memberships: an invite by the sender, then a join as the
 * user. Same concurrency as the cutover, one phase after the other.
 */
export async function runRaw(
  synapse: CutoverSynapse,
  data: BenchExport,
  concurrency: number,
): Promise<{ times: PhaseTimes; failures: string[] }> {
  const { testbed, asToken, senderId } = synapse;
  const base = testbed.homeserverUrl;
  const serverName = testbed.serverName;
  const failures: string[] = [];
  const userId = (hostUserId: string) =>
    matrixUserIdFor(hostUserId, { prefix: LOCALPART_PREFIX, serverName });

  const call = async (label: string, method: string, path: string, token: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${label}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const guarded = async (label: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      failures.push(error instanceof Error ? error.message : `${label}: ${String(error)}`);
    }
  };

  const started = performance.now();
  await pool(data.users, concurrency, (user) =>
    guarded(`user ${user.hostUserId}`, () =>
      call(
        `user ${user.hostUserId}`,
        'PUT',
        `/_synapse/admin/v2/users/${encodeURIComponent(userId(user.hostUserId))}`,
        testbed.adminToken,
        {
          displayname: user.displayName,
          external_ids: [{ auth_provider: 'openmeet-broker', external_id: user.hostUserId }],
        },
      ),
    ),
  );
  const usersDone = performance.now();

  const roomIds = new Map<string, string>();
  const state = (type: string, content: Record<string, unknown>) => ({ type, state_key: '', content });
  await pool(data.entities, concurrency, (entity) =>
    guarded(`${entity.kind} ${entity.id}`, async () => {
      const created = await call(
        `${entity.kind} ${entity.id}`,
        'POST',
        '/_matrix/client/v3/createRoom',
        asToken,
        {
          preset: entity.visibility === 'public' ? 'public_chat' : 'private_chat',
          visibility: 'private',
          room_version: '11',
          room_alias_name: `om-${entity.kind}-${entity.slug}`,
          name: entity.name,
          topic: entity.topic,
          power_level_content_override: { users: { [senderId]: 100 } },
          initial_state: [
            state('org.openmeet.room', { kind: entity.kind, entity: { type: entity.kind, id: entity.id } }),
            state('m.room.join_rules', { join_rule: entity.visibility === 'public' ? 'public' : 'invite' }),
            state('m.room.history_visibility', { history_visibility: 'shared' }),
            state('m.room.guest_access', { guest_access: 'forbidden' }),
          ],
        },
      );
      roomIds.set(`${entity.kind}:${entity.id}`, String(created.room_id));
    }),
  );
  const roomsDone = performance.now();

  await pool(data.memberships, concurrency, (m) => {
    const label = `${m.entity.kind} ${m.entity.id} member ${m.hostUserId}`;
    return guarded(label, async () => {
      const roomId = roomIds.get(`${m.entity.kind}:${m.entity.id}`);
      if (!roomId) throw new Error(`${label}: its room was not created`);
      const room = encodeURIComponent(roomId);
      const user = userId(m.hostUserId);
      await call(label, 'POST', `/_matrix/client/v3/rooms/${room}/invite`, asToken, { user_id: user });
      await call(
        label,
        'POST',
        `/_matrix/client/v3/rooms/${room}/join?user_id=${encodeURIComponent(user)}`,
        asToken,
        {},
      );
    });
  });
  const end = performance.now();

  return {
    times: {
      startup: 0,
      users: (usersDone - started) / 1000,
      rooms: (roomsDone - usersDone) / 1000,
      memberships: (end - roomsDone) / 1000,
      total: (end - started) / 1000,
    },
    failures,
  };
}

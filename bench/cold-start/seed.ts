import type { E2eBed } from '@openmeet/e2e/support';
import type { HostEntity } from '@openmeet/examples/server';
import { pool } from '../cutover/phases.js';
import type { ColdStartConfig } from './config.js';

/** The group whose page the runs open (the first seeded room). */
export const OPENED_SLUG = 'cold-0';

const entity = (index: number): HostEntity => ({
  kind: 'group',
  id: `cold-${index}`,
  slug: `cold-${index}`,
  name: `Cold start ${index}`,
  topic: `Room ${index} of the cold-start bench`,
  visibility: 'private',
});

const LINES = [
  'Are we still on for Saturday? The forecast looks good after ten.',
  'I can bring the maps and a spare headlamp if anyone needs one.',
  'Parking at the north trailhead fills up early, so let us meet at 7:45.',
  'Last time the creek crossing was muddy: **boots**, not trainers.',
  'Does anyone know if the hut on the ridge is open this month?',
];

/**
 * The user's rooms, as the host app would make them: signed webhooks, one private group per room,
 * alice and bob members (which provisions them). Returns the rooms' ids, the opened one first.
 */
export async function createRooms(bed: E2eBed, config: ColdStartConfig): Promise<string[]> {
  const roomIds: string[] = [];
  for (let index = 0; index < config.rooms; index++) {
    const [created] = await bed.host.upsertEntity(entity(index));
    if (!created?.roomId) throw new Error(`entity cold-${index}: no room id`);
    await bed.host.addMembers(entity(index), [
      { hostUserId: 'alice', displayName: 'Alice', role: 'moderator' },
      { hostUserId: 'bob', displayName: 'Bob', role: 'member' },
    ]);
    roomIds.push(created.roomId);
  }
  return roomIds;
}

/**
 * `messagesPerRoom` messages in each room, alternating between `senders` (access tokens), straight
 * to Synapse (the test bed's relaxed rate limits): one room's messages in order, `concurrency`
 * rooms at a time.
 */
export async function fillRooms(
  bed: E2eBed,
  roomIds: readonly string[],
  config: ColdStartConfig,
  senders: readonly string[],
): Promise<void> {
  const base = `${bed.testbed.homeserverUrl}/_matrix/client/v3`;
  await pool([...roomIds.keys()], config.concurrency, async (index) => {
    const roomId = encodeURIComponent(roomIds[index] as string);
    for (let n = 0; n < config.messagesPerRoom; n++) {
      const body = `${LINES[n % LINES.length]} (${n + 1}/${config.messagesPerRoom}, room ${index})`;
      const response = await fetch(`${base}/rooms/${roomId}/send/m.room.message/seed-${index}-${n}`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${senders[n % senders.length]}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ msgtype: 'm.text', body }),
      });
      if (!response.ok)
        throw new Error(`seed room ${index}, message ${n}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    }
  });
}

import type { ChatBed } from './chatBed.js';

/** What Synapse holds: the message bodies in the room, oldest first, as the admin sees them. */
export async function bodiesOnServer(bed: ChatBed, roomId: string): Promise<string[]> {
  const response = await fetch(
    `${bed.testbed.homeserverUrl}/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=500`,
    { headers: { authorization: `Bearer ${bed.testbed.adminToken}` } },
  );
  const body = (await response.json()) as { chunk: Array<{ type: string; content: { body?: string } }> };
  return body.chunk
    .filter((event) => event.type === 'm.room.message')
    .map((event) => event.content.body ?? '')
    .reverse();
}

import { matrixRequest } from './matrixRequest.js';

/**
 * What Synapse holds: every `m.room.message` body of a room, oldest first, read page by page
 * through the admin API, so tests check delivery on the server and not only in a client.
 */
export async function roomMessageBodies(
  testbed: { homeserverUrl: string; adminToken: string },
  roomId: string,
): Promise<string[]> {
  const bodies: string[] = [];
  let from: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ dir: 'b', limit: '500', ...(from ? { from } : {}) });
    const { status, body } = await matrixRequest<{
      chunk: Array<{ type: string; content: { body?: unknown } }>;
      end?: string;
    }>(testbed.homeserverUrl, `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/messages?${query}`, {
      token: testbed.adminToken,
    });
    if (status !== 200) throw new Error(`Synapse answered ${status} for the messages of ${roomId}`);
    for (const event of body.chunk) {
      if (event.type === 'm.room.message') bodies.push(String(event.content.body ?? ''));
    }
    if (body.chunk.length === 0 || !body.end || body.end === from) break;
    from = body.end;
  }
  return bodies.reverse();
}

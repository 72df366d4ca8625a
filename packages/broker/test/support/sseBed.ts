import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { hostTokenFor, type MatrixCalls } from './brokerTestbed.js';

export const ORIGIN = 'https://app.example';

/** The base URL of a listening broker. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** Signs `user` in (dev identity) and starts an SSE cookie session. */
export async function sseSession(app: FastifyInstance, user: string, deviceKey = `dev-${user}-0001`) {
  const hostToken = await hostTokenFor(app, user);
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sse/session',
    headers: { authorization: `Bearer ${hostToken}` },
    payload: { deviceKey },
  });
  if (response.statusCode !== 200) throw new Error(`sse session: ${response.statusCode} ${response.body}`);
  const setCookie = String(response.headers['set-cookie']);
  const value = /om_sse=([^;]+)/.exec(setCookie)?.[1] ?? '';
  const body = response.json<{ csrfToken: string; expiresAt: number }>();
  return {
    cookie: `om_sse=${value}`,
    value,
    setCookie,
    csrfToken: body.csrfToken,
    expiresAt: body.expiresAt,
  };
}

export async function sseTicket(
  app: FastifyInstance,
  user: string,
  deviceKey = `dev-${user}-0001`,
): Promise<string> {
  const hostToken = await hostTokenFor(app, user);
  const response = await app.inject({
    method: 'POST',
    url: '/v1/sse/ticket',
    headers: { authorization: `Bearer ${hostToken}` },
    payload: { deviceKey },
  });
  if (response.statusCode !== 200) throw new Error(`sse ticket: ${response.statusCode} ${response.body}`);
  return response.json<{ ticket: string }>().ticket;
}

/** A private room made by `owner` with `members` joined. */
export async function roomWith(matrix: MatrixCalls, owner: string, members: string[]): Promise<string> {
  const created = await matrix.as<{ room_id: string }>(owner, '/_matrix/client/v3/createRoom', {
    method: 'POST',
    body: { preset: 'private_chat', invite: members },
  });
  if (created.status !== 200) throw new Error(`createRoom ${created.status}`);
  const roomId = created.body.room_id;
  for (const member of members) {
    const joined = await matrix.as(member, `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/join`, {
      method: 'POST',
      body: {},
    });
    if (joined.status !== 200) throw new Error(`join ${joined.status}`);
  }
  return roomId;
}

export async function sendText(matrix: MatrixCalls, sender: string, roomId: string, body: string) {
  const sent = await matrix.as<{ event_id: string }>(
    sender,
    `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${randomBytes(8).toString('hex')}`,
    { method: 'PUT', body: { msgtype: 'm.text', body } },
  );
  if (sent.status !== 200) throw new Error(`send ${sent.status}`);
  return sent.body.event_id;
}

export interface EventData {
  room_id?: string;
  membership?: string;
  section?: string;
  event?: { type: string; event_id?: string; sender?: string; content: Record<string, unknown> };
  next_batch?: string;
  initial?: boolean;
  reason?: string;
}

export const dataOf = (event: { data: string }) => JSON.parse(event.data) as EventData;

import { randomBytes, randomUUID } from 'node:crypto';
import { buildApp, loadConfig, matrixUserIdFor, signWebhook } from '@openmeet/broker';
import { pool } from '../cutover/phases.js';
import { brokerEnv, type CutoverSynapse, LOCALPART_PREFIX } from '../cutover/synapse.js';
import { benchDisplayName, type SdkSession } from './sdkSession.js';

/** The shared room's entity: every bench user is a member, the service user sends into it. */
const ENTITY = { kind: 'group', id: 'sse-capacity', slug: 'sse-capacity' } as const;
/** Members added per signed webhook call (the route takes up to 100). */
const MEMBERS_PER_CALL = 25;

interface HostEventResults {
  results: Array<{ roomId?: string; error?: { code: string; message: string } }>;
  failed: number;
}

/**
 * The room and its members through the broker's signed host webhooks, as a host app would make
 * them: `entity.upserted` creates the room, `member.added` provisions each user and joins them.
 * A setup-only broker (memory store, never listening) answers them through `inject`, so the broker
 * under test starts with nothing in memory.
 */
export async function provisionRoom(
  synapse: CutoverSynapse,
  hostUserIds: string[],
  concurrency: number,
): Promise<string> {
  const secret = randomBytes(32).toString('hex');
  const app = buildApp(loadConfig({ ...brokerEnv(synapse), BROKER_WEBHOOK_SECRET: secret }));
  try {
    const post = async <T>(url: string, payload: unknown): Promise<T> => {
      const body = JSON.stringify({ id: randomUUID(), ...(payload as object) });
      const response = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...signWebhook(secret, body) },
        payload: body,
      });
      if (response.statusCode !== 200)
        throw new Error(`POST ${url}: ${response.statusCode} ${response.body}`);
      const answer = response.json<T & { failed: number }>();
      if (answer.failed > 0) throw new Error(`POST ${url}: ${response.body.slice(0, 500)}`);
      return answer;
    };
    const created = await post<HostEventResults>('/v1/host/events', {
      events: [
        {
          type: 'entity.upserted',
          entity: { ...ENTITY, name: 'SSE capacity bench', visibility: 'private' },
        },
      ],
    });
    const roomId = created.results[0]?.roomId;
    if (!roomId) throw new Error('entity.upserted answered no room id');
    const chunks: string[][] = [];
    for (let i = 0; i < hostUserIds.length; i += MEMBERS_PER_CALL) {
      chunks.push(hostUserIds.slice(i, i + MEMBERS_PER_CALL));
    }
    await pool(chunks, concurrency, async (chunk) => {
      await post('/v1/membership/events', {
        events: chunk.map((hostUserId) => ({
          type: 'member.added',
          entity: { kind: ENTITY.kind, id: ENTITY.id },
          hostUserId,
          displayName: benchDisplayName(hostUserId),
          role: 'member',
        })),
      });
    });
    return roomId;
  } finally {
    await app.close();
  }
}

/**
 * A real login per user for the baseline clients: the application-service login the broker
 * sends, without a refresh token, so the tokens outlive the run without refresh handling.
 */
export async function loginUsers(
  synapse: CutoverSynapse,
  hostUserIds: string[],
  concurrency: number,
): Promise<SdkSession[]> {
  const { testbed, asToken } = synapse;
  const sessions: SdkSession[] = new Array(hostUserIds.length);
  await pool([...hostUserIds.keys()], concurrency, async (index) => {
    const hostUserId = hostUserIds[index] as string;
    const userId = matrixUserIdFor(hostUserId, { prefix: LOCALPART_PREFIX, serverName: testbed.serverName });
    const response = await fetch(`${testbed.homeserverUrl}/_matrix/client/v3/login`, {
      method: 'POST',
      headers: { authorization: `Bearer ${asToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'm.login.application_service',
        identifier: { type: 'm.id.user', user: userId },
        device_id: 'BENCHSDK',
      }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`login ${userId}: ${response.status} ${text.slice(0, 200)}`);
    const answer = JSON.parse(text) as { access_token: string; device_id: string };
    sessions[index] = { userId, deviceId: answer.device_id, accessToken: answer.access_token };
  });
  return sessions;
}

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { signWebhook } from '../../src/membership/index.js';
import {
  type BrokerTestbed,
  brokerFor,
  type MatrixCalls,
  matrixCalls,
  startBrokerTestbed,
} from '../support/brokerTestbed.js';

export const WEBHOOK_SECRET = 'webhook-secret-for-tests-0123456789abcdef';
export const SERVICE_USER = '@openmeet-broker:localhost';
export const enc = encodeURIComponent;

/** A real Synapse and a broker with the membership webhook enabled. */
export interface MembershipBed extends MatrixCalls {
  bed: BrokerTestbed;
  app: FastifyInstance;
  env: Record<string, string>;
  /** The member's membership as the service user sees it (undefined: never a member). */
  membership(roomId: string, userId: string): Promise<string | undefined>;
  /** The users listed in the room's power levels. */
  levels(roomId: string): Promise<Record<string, number>>;
  /** Sends a body signed as the host app would; `raw` is sent byte for byte. */
  signed(
    url: string,
    body: unknown,
    options?: { raw?: string; timestamp?: number; secret?: string; app?: FastifyInstance },
  ): Promise<LightMyRequestResponse>;
  stop(): Promise<void>;
}

export async function startMembershipBed(
  extraEnv: Record<string, string> = {},
  logStream?: { write(line: string): void },
): Promise<MembershipBed> {
  const bed = await startBrokerTestbed();
  const env = { ...bed.env, BROKER_WEBHOOK_SECRET: WEBHOOK_SECRET, ...extraEnv };
  const app = brokerFor(env, logStream);
  await app.ready();
  const { as, admin } = matrixCalls(bed);
  return {
    bed,
    app,
    env,
    as,
    admin,
    async membership(roomId, userId) {
      const state = await as<{ membership?: string }>(
        SERVICE_USER,
        `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.member/${enc(userId)}`,
      );
      return state.status === 200 ? state.body.membership : undefined;
    },
    async levels(roomId) {
      const state = await as<{ users?: Record<string, number> }>(
        SERVICE_USER,
        `/_matrix/client/v3/rooms/${enc(roomId)}/state/m.room.power_levels/`,
      );
      return state.body.users ?? {};
    },
    signed(url, body, options = {}) {
      const raw = options.raw ?? JSON.stringify(body);
      return (options.app ?? app).inject({
        method: 'POST',
        url,
        headers: {
          ...signWebhook(options.secret ?? WEBHOOK_SECRET, raw, options.timestamp),
          'content-type': 'application/json',
        },
        payload: raw,
      });
    },
    async stop() {
      await app.close();
      await bed.stop();
    },
  };
}

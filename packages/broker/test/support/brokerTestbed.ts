import { randomBytes } from 'node:crypto';
import { matrixRequest, startTestbed, type Testbed, type TestbedOptions } from '@openmeet/testbed';

export { matrixRequest as matrix } from '@openmeet/testbed';

import type { FastifyInstance } from 'fastify';
import { appserviceRegistration } from '../../src/appservice/appserviceRegistration.js';
import { buildApp } from '../../src/buildApp.js';
import { loadConfig } from '../../src/config/loadConfig.js';

export interface BrokerTestbed {
  testbed: Testbed;
  asToken: string;
  /** Environment for `loadConfig`, in dev identity mode with the memory store. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A Synapse with the broker's application service installed. */
export async function startBrokerTestbed(
  options: { tokenLifetime?: string } & Pick<TestbedOptions, 'rateLimits'> = {},
): Promise<BrokerTestbed> {
  const asToken = randomBytes(24).toString('hex');
  const testbed = await startTestbed({
    appServices: [
      appserviceRegistration({
        asToken,
        hsToken: randomBytes(24).toString('hex'),
        serverName: 'localhost',
        localpartPrefix: 'om_',
      }),
    ],
    synapseConfig: { refreshable_access_token_lifetime: options.tokenLifetime ?? '5m' },
    ...(options.rateLimits ? { rateLimits: options.rateLimits } : {}),
  });
  return {
    testbed,
    asToken,
    env: {
      NODE_ENV: 'test',
      BROKER_LOG_LEVEL: 'silent',
      MATRIX_HOMESERVER_URL: testbed.homeserverUrl,
      MATRIX_SERVER_NAME: testbed.serverName,
      SYNAPSE_ADMIN_TOKEN: testbed.adminToken,
      MATRIX_AS_TOKEN: asToken,
      BROKER_DEV_IDENTITY: 'true',
      BROKER_OPS_TOKEN: 'ops-token-for-tests-0123456789abcdef',
      // Test files share two cores with Synapses: a lagging loop here is load, not overload.
      BROKER_MAX_EVENT_LOOP_DELAY_MS: '0',
    },
    stop: () => testbed.stop(),
  };
}

type MatrixCall<T> = ReturnType<typeof matrixRequest<T>>;

/** Raw client-server calls for assertions: as any user through the appservice, or as the admin. */
export interface MatrixCalls {
  as<T = Record<string, unknown>>(
    userId: string,
    path: string,
    options?: { method?: string; body?: unknown },
  ): MatrixCall<T>;
  admin<T = Record<string, unknown>>(
    path: string,
    options?: { method?: string; body?: unknown },
  ): MatrixCall<T>;
}

export function matrixCalls(bed: BrokerTestbed): MatrixCalls {
  const hs = bed.testbed.homeserverUrl;
  return {
    as: (userId, path, options = {}) =>
      matrixRequest(hs, `${path}${path.includes('?') ? '&' : '?'}user_id=${encodeURIComponent(userId)}`, {
        ...options,
        token: bed.asToken,
      }),
    admin: (path, options = {}) => matrixRequest(hs, path, { ...options, token: bed.testbed.adminToken }),
  };
}

export function brokerFor(
  env: Record<string, string>,
  logStream?: { write(line: string): void },
): FastifyInstance {
  return buildApp(loadConfig(env), logStream ? { logStream } : {});
}

/** Signs in a demo user through dev identity mode and returns the broker session. */
export async function sessionFor(
  app: FastifyInstance,
  user: string,
  deviceKey: string,
  displayName?: string,
) {
  const hostToken = await hostTokenFor(app, user, displayName);
  const response = await app.inject({
    method: 'POST',
    url: '/v1/session',
    headers: { authorization: `Bearer ${hostToken}` },
    payload: { deviceKey },
  });
  return { response, hostToken };
}

export async function hostTokenFor(
  app: FastifyInstance,
  user: string,
  displayName?: string,
): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/dev/host-token',
    payload: displayName ? { userId: user, displayName } : { userId: user },
  });
  if (response.statusCode !== 200) throw new Error(`dev token: ${response.statusCode} ${response.body}`);
  return response.json<{ token: string }>().token;
}

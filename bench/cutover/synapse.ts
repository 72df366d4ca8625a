import { randomBytes } from 'node:crypto';
import { appserviceRegistration } from '@openmeet/broker';
import { startTestbed, type Testbed } from '@openmeet/testbed';

export const LOCALPART_PREFIX = 'om_';

export interface CutoverSynapse {
  testbed: Testbed;
  asToken: string;
  /** The appservice's sender, who creates the rooms and invites members. */
  senderId: string;
}

/**
 * A Synapse (relaxed rate limits, the test bed's default; PostgreSQL when `postgres` is given)
 * with the broker's real appservice registration, including its exclusive alias namespace.
 */
export async function startCutoverSynapse(postgres: string | undefined): Promise<CutoverSynapse> {
  const asToken = randomBytes(24).toString('hex');
  const registration = appserviceRegistration({
    asToken,
    hsToken: randomBytes(24).toString('hex'),
    serverName: 'localhost',
    localpartPrefix: LOCALPART_PREFIX,
  });
  const testbed = await startTestbed({
    appServices: [registration],
    // The broker refuses non-expiring tokens; the broker tests use the same lifetime.
    synapseConfig: { refreshable_access_token_lifetime: '5m' },
    ...(postgres ? { postgres: { dsn: postgres } } : {}),
  });
  return { testbed, asToken, senderId: `@${registration.sender_localpart}:${testbed.serverName}` };
}

/** The broker's configuration for this Synapse, as the broker tests set it (memory store). */
export function brokerEnv(synapse: CutoverSynapse): Record<string, string> {
  const { testbed, asToken } = synapse;
  return {
    NODE_ENV: 'test',
    BROKER_LOG_LEVEL: 'silent',
    MATRIX_HOMESERVER_URL: testbed.homeserverUrl,
    MATRIX_SERVER_NAME: testbed.serverName,
    SYNAPSE_ADMIN_TOKEN: testbed.adminToken,
    MATRIX_AS_TOKEN: asToken,
    BROKER_DEV_IDENTITY: 'true',
  };
}

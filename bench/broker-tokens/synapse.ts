import { randomBytes } from 'node:crypto';
import { startTestbed, type Testbed } from '@openmeet/testbed';

export interface BenchSynapse {
  testbed: Testbed;
  /** The application service's token: the broker logs users in with it, and so does baseline B. */
  asToken: string;
}

export const LOCALPART_PREFIX = 'om_';

/**
 * The broker's application-service registration, as `appserviceRegistration()` in
 * packages/broker/src/appservice builds it; the package does not export that helper.
 */
function registration(asToken: string) {
  return {
    id: 'openmeet-broker',
    url: null,
    as_token: asToken,
    hs_token: randomBytes(24).toString('hex'),
    sender_localpart: 'openmeet-broker',
    rate_limited: false,
    namespaces: {
      users: [{ exclusive: false, regex: `@${LOCALPART_PREFIX}.*:localhost` }],
      aliases: [],
      rooms: [],
    },
  };
}

/** A Synapse (relaxed rate limits, the test bed's default) with the broker's application service. */
export async function startSynapse(): Promise<BenchSynapse> {
  const asToken = randomBytes(24).toString('hex');
  const testbed = await startTestbed({
    appServices: [registration(asToken)],
    // The broker refuses non-expiring tokens; the broker tests use the same lifetime.
    synapseConfig: { refreshable_access_token_lifetime: '5m' },
  });
  return { testbed, asToken };
}

/** Exactly the login body the broker's SynapseClient.appserviceLogin sends. */
export function appserviceLoginBody(userId: string, deviceId: string): string {
  return JSON.stringify({
    type: 'm.login.application_service',
    identifier: { type: 'm.id.user', user: userId },
    device_id: deviceId,
    initial_device_display_name: 'OpenMeet Chat',
    refresh_token: true,
  });
}

import type { Testbed } from '@openmeet/testbed';

/**
 * An access token for an existing user, from Synapse's admin API (a new device each call, no
 * expiry): how the raw baselines and the seeding act as the broker's users without a browser.
 */
export async function adminLogin(testbed: Testbed, userId: string): Promise<string> {
  const response = await fetch(
    `${testbed.homeserverUrl}/_synapse/admin/v1/users/${encodeURIComponent(userId)}/login`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${testbed.adminToken}`, 'content-type': 'application/json' },
      body: '{}',
    },
  );
  const text = await response.text();
  if (!response.ok) throw new Error(`admin login ${userId}: ${response.status} ${text.slice(0, 200)}`);
  return (JSON.parse(text) as { access_token: string }).access_token;
}

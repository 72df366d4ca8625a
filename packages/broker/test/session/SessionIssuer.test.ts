import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionIssuer } from '../../src/session/SessionIssuer.js';
import { TokenCipher } from '../../src/session/TokenCipher.js';
import { MemoryStore } from '../../src/store/index.js';
import { SynapseClient } from '../../src/synapse/SynapseClient.js';
import { type BrokerTestbed, matrix, startBrokerTestbed } from '../support/brokerTestbed.js';

describe('SessionIssuer device hygiene (real Synapse)', () => {
  let bed: BrokerTestbed;
  let synapse: SynapseClient;
  let now = Date.now();
  let issuer: SessionIssuer;

  beforeAll(async () => {
    bed = await startBrokerTestbed();
    synapse = new SynapseClient({
      homeserverUrl: bed.testbed.homeserverUrl,
      credentials: { adminToken: () => bed.testbed.adminToken, asToken: () => bed.asToken },
    });
    issuer = new SessionIssuer({
      synapse,
      store: new MemoryStore(),
      cipher: new TokenCipher([{ id: 'k', key: randomBytes(32) }]),
      homeserverUrl: bed.testbed.homeserverUrl,
      maxDevicesPerUser: 3,
      minRemainingMs: 60_000,
      now: () => now,
    });
    await synapse.putUser('@om_sweep:localhost', {});
    await synapse.putUser('@om_cap:localhost', {});
  });
  afterAll(async () => {
    await synapse?.close();
    await bed?.stop();
  });

  const brokerDevices = async (userId: string) =>
    (await synapse.listDevices(userId)).map((d) => d.device_id).filter((id) => id.startsWith('OMB_'));

  it('sweeps devices idle longer than the limit and keeps recent ones', async () => {
    const stale = await issuer.mint('@om_sweep:localhost', 'stale-device-1');
    now += 10 * 86_400_000;
    const fresh = await issuer.mint('@om_sweep:localhost', 'fresh-device-1');
    expect(await issuer.sweep(5 * 86_400_000)).toBe(1);
    expect(await brokerDevices('@om_sweep:localhost')).toEqual(['OMB_fresh-device-1']);
    const hs = bed.testbed.homeserverUrl;
    expect((await matrix(hs, '/_matrix/client/v3/account/whoami', { token: stale.accessToken })).status).toBe(
      401,
    );
    expect((await matrix(hs, '/_matrix/client/v3/account/whoami', { token: fresh.accessToken })).status).toBe(
      200,
    );
  });

  it('caps devices per user by evicting the least recently seen', async () => {
    // Last-seen is kept at minute granularity, so step the clock by more than that.
    for (const key of ['cap-device-1', 'cap-device-2', 'cap-device-3']) {
      now += 120_000;
      await issuer.mint('@om_cap:localhost', key);
    }
    now += 120_000;
    await issuer.mint('@om_cap:localhost', 'cap-device-1'); // seen again: no longer the oldest
    now += 120_000;
    await issuer.mint('@om_cap:localhost', 'cap-device-4');
    expect((await brokerDevices('@om_cap:localhost')).sort()).toEqual([
      'OMB_cap-device-1',
      'OMB_cap-device-3',
      'OMB_cap-device-4',
    ]);
  });

  it('refuses device keys outside the allowed alphabet', async () => {
    await expect(issuer.mint('@om_cap:localhost', 'bad key!')).rejects.toMatchObject({
      code: 'OM_BAD_REQUEST',
    });
  });
});

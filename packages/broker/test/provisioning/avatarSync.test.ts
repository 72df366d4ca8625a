import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type BrokerError, isBrokerError } from '../../src/errors.js';
import type { HostIdentity } from '../../src/identity/index.js';
import {
  type AvatarOutcome,
  Provisioner,
  type ProvisionerOptions,
} from '../../src/provisioning/Provisioner.js';
import { MemoryStore } from '../../src/store/index.js';
import { SynapseClient } from '../../src/synapse/SynapseClient.js';
import { type BrokerTestbed, startBrokerTestbed } from '../support/brokerTestbed.js';
import { type AvatarServer, servePng, startAvatarServer, tinyPng } from './avatarServer.js';

const RED = tinyPng(255, 0, 0);
const BLUE = tinyPng(0, 0, 255);
const GREEN = tinyPng(0, 255, 0);
const RETRY_MS = 300;

describe('avatar sync against a real Synapse', () => {
  let bed: BrokerTestbed;
  let server: AvatarServer;
  let synapse: SynapseClient;
  let store: MemoryStore;
  let outcomes: Array<{ outcome: AvatarOutcome; code?: string }>;
  let uploads: ReturnType<typeof vi.spyOn>;

  const provisioner = (overrides: Partial<ProvisionerOptions> = {}) =>
    new Provisioner({
      synapse,
      store,
      serverName: bed.testbed.serverName,
      localpartPrefix: 'om_',
      avatars: { allowPrivateNetworks: true, retryMs: RETRY_MS },
      onAvatar: (outcome, error?: BrokerError) =>
        outcomes.push(error ? { outcome, code: error.code } : { outcome }),
      ...overrides,
    });

  const identity = (hostUserId: string, avatarPath?: string, displayName = 'Someone'): HostIdentity => ({
    hostUserId,
    displayName,
    ...(avatarPath ? { avatarUrl: server.url(avatarPath) } : {}),
    expiresAt: Date.now() + 60_000,
  });

  const avatarOf = async (userId: string) => (await synapse.getUser(userId))?.avatar_url ?? null;

  /** Downloads media the way a client does since authenticated media (MSC3916). */
  const download = async (mxc: string) => {
    const [, serverName, mediaId] = /^mxc:\/\/([^/]+)\/(.+)$/.exec(mxc) ?? [];
    const response = await fetch(
      `${bed.testbed.homeserverUrl}/_matrix/client/v1/media/download/${serverName}/${mediaId}`,
      { headers: { authorization: `Bearer ${bed.testbed.adminToken}` } },
    );
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  };

  beforeAll(async () => {
    bed = await startBrokerTestbed();
    server = await startAvatarServer();
    store = new MemoryStore();
    synapse = new SynapseClient({
      homeserverUrl: bed.testbed.homeserverUrl,
      credentials: { adminToken: () => bed.testbed.adminToken, asToken: () => bed.asToken },
    });
    server.route('/red.png', servePng(RED));
    server.route('/red-again.png', servePng(RED));
    server.route('/blue.png', servePng(BLUE));
    server.route('/green.png', servePng(GREEN));
    server.route('/garbage.png', servePng(Buffer.from('this is not an image')));
    server.route('/flaky.png', (_request, response) => response.writeHead(503).end());
  });
  afterAll(async () => {
    await synapse?.close();
    await store?.close();
    await server?.close();
    await bed?.stop();
  });
  beforeEach(() => {
    outcomes = [];
    uploads?.mockRestore();
    uploads = vi.spyOn(synapse, 'uploadMedia');
  });

  it('first sign-in with an avatar sets an mxc avatar whose media has the same bytes', async () => {
    const userId = await provisioner().ensure(identity('avatar-first', '/red.png'));
    expect(userId).toBe('@om_avatar-first:localhost');
    const mxc = await avatarOf(userId);
    expect(mxc).toMatch(/^mxc:\/\/localhost\/\w+$/);
    expect((await download(mxc as string)).equals(RED)).toBe(true);
    expect(outcomes).toEqual([{ outcome: 'updated' }]);
    expect(uploads).toHaveBeenCalledTimes(1);
    expect(uploads.mock.calls[0]?.[1]).toBe('image/png');
  });

  it('the same URL again neither downloads nor uploads, even after the profile cache expires', async () => {
    const main = provisioner();
    const userId = await main.ensure(identity('avatar-same', '/red.png'));
    const mxc = await avatarOf(userId);
    const hits = server.hits('/red.png');

    await main.ensure(identity('avatar-same', '/red.png'));
    // Another broker instance whose profile cache has expired: it asks Synapse, not the host.
    await provisioner({ profileCacheMs: 1 }).ensure(identity('avatar-same', '/red.png', 'Renamed'));

    expect(server.hits('/red.png')).toBe(hits);
    expect(uploads).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual([{ outcome: 'updated' }, { outcome: 'unchanged' }]);
    expect(await avatarOf(userId)).toBe(mxc);
    expect((await synapse.getUser(userId))?.displayname).toBe('Renamed');
  });

  it('a new URL with the same image downloads it but does not upload it again', async () => {
    const main = provisioner();
    const userId = await main.ensure(identity('avatar-same-bytes', '/red.png'));
    const mxc = await avatarOf(userId);
    const hits = server.hits('/red-again.png');
    await main.ensure(identity('avatar-same-bytes', '/red-again.png'));
    expect(server.hits('/red-again.png')).toBe(hits + 1);
    expect(uploads).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual([{ outcome: 'updated' }, { outcome: 'unchanged' }]);
    expect(await avatarOf(userId)).toBe(mxc);
  });

  it('a changed image at a new URL gets a new mxc with the new bytes', async () => {
    const main = provisioner();
    const userId = await main.ensure(identity('avatar-change', '/red.png'));
    const before = await avatarOf(userId);
    await main.ensure(identity('avatar-change', '/blue.png'));
    const after = await avatarOf(userId);
    expect(after).toMatch(/^mxc:\/\//);
    expect(after).not.toBe(before);
    expect((await download(after as string)).equals(BLUE)).toBe(true);
    expect(uploads).toHaveBeenCalledTimes(2);
    expect(outcomes).toEqual([{ outcome: 'updated' }, { outcome: 'updated' }]);
  });

  it('a 404 or a non-image never fails sign-in and keeps the previous avatar', async () => {
    const main = provisioner();
    const userId = await main.ensure(identity('avatar-broken', '/red.png'));
    const mxc = await avatarOf(userId);
    await expect(main.ensure(identity('avatar-broken', '/missing.png', 'Still Signs In'))).resolves.toBe(
      userId,
    );
    await expect(main.ensure(identity('avatar-broken', '/garbage.png'))).resolves.toBe(userId);
    expect(await avatarOf(userId)).toBe(mxc);
    expect((await synapse.getUser(userId))?.displayname).toBe('Someone');
    expect(uploads).toHaveBeenCalledTimes(1);
    expect(outcomes).toEqual([
      { outcome: 'updated' },
      { outcome: 'rejected', code: 'OM_AVATAR_REJECTED' },
      { outcome: 'rejected', code: 'OM_AVATAR_REJECTED' },
    ]);
  });

  it('a first sign-in whose avatar fails still creates the user, without an avatar', async () => {
    const userId = await provisioner().ensure(identity('avatar-broken-first', '/garbage.png', 'New'));
    const user = await synapse.getUser(userId);
    expect(user?.displayname).toBe('New');
    expect(user?.avatar_url).toBeNull();
    expect(outcomes).toEqual([{ outcome: 'rejected', code: 'OM_AVATAR_REJECTED' }]);
  });

  it('retries a failed avatar on a later request, once the short retry window has passed', async () => {
    server.route('/flaky.png', (_request, response) => response.writeHead(503).end());
    const main = provisioner();
    const userId = await main.ensure(identity('avatar-retry', '/flaky.png'));
    expect(server.hits('/flaky.png')).toBe(1);
    // Within the window the failure is not fetched again on every sign-in.
    await main.ensure(identity('avatar-retry', '/flaky.png'));
    expect(server.hits('/flaky.png')).toBe(1);
    expect(await avatarOf(userId)).toBeNull();

    server.route('/flaky.png', servePng(GREEN));
    await sleep(RETRY_MS + 50);
    await main.ensure(identity('avatar-retry', '/flaky.png'));
    expect(server.hits('/flaky.png')).toBe(2);
    expect((await download((await avatarOf(userId)) as string)).equals(GREEN)).toBe(true);
    expect(outcomes).toEqual([{ outcome: 'rejected', code: 'OM_AVATAR_REJECTED' }, { outcome: 'updated' }]);
  });

  it('refuses a loopback avatar unless private networks are allowed, and sign-in still succeeds', async () => {
    const hits = server.hits('/red.png');
    const strict = provisioner({ avatars: {} });
    const userId = await strict.ensure(identity('avatar-strict', '/red.png'));
    expect(await avatarOf(userId)).toBeNull();
    expect(server.hits('/red.png')).toBe(hits);
    expect(outcomes).toEqual([{ outcome: 'rejected', code: 'OM_AVATAR_REJECTED' }]);
  });

  it('leaves the Synapse avatar alone when the identity has no avatar URL', async () => {
    const main = provisioner();
    const userId = await main.ensure(identity('avatar-none', '/red.png'));
    const mxc = await avatarOf(userId);
    await main.ensure(identity('avatar-none', undefined, 'No Picture Today'));
    expect(await avatarOf(userId)).toBe(mxc);
    expect((await synapse.getUser(userId))?.displayname).toBe('No Picture Today');
    expect(outcomes).toEqual([{ outcome: 'updated' }]);
  });

  it('uploads once for 20 concurrent first sign-ins with the same avatar', async () => {
    const main = provisioner();
    const hits = server.hits('/green.png');
    const ids = await Promise.all(
      Array.from({ length: 20 }, () => main.ensure(identity('avatar-concurrent', '/green.png'))),
    );
    expect(new Set(ids)).toEqual(new Set(['@om_avatar-concurrent:localhost']));
    expect(server.hits('/green.png')).toBe(hits + 1);
    expect(uploads).toHaveBeenCalledTimes(1);
  });

  it('still refuses a deactivated user, avatar or not', async () => {
    const main = provisioner();
    const userId = await main.ensure(identity('avatar-deactivated', '/red.png'));
    await synapse.deactivateUser(userId, false);
    await main.forget(userId);
    const error = await main.ensure(identity('avatar-deactivated', '/blue.png')).catch((err: unknown) => err);
    expect(isBrokerError(error, 'OM_USER_DEACTIVATED')).toBe(true);
    expect(uploads).toHaveBeenCalledTimes(1);
  });
});

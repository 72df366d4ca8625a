import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createHostTokenVerifier,
  type HostTokenVerifier,
  type IdentityConfig,
} from '../../src/identity/index.js';
import {
  AUDIENCE,
  base64url,
  claims,
  expectCode,
  ISSUER,
  type JwksServer,
  publicJwk,
  rsaKeyPair,
  sign,
  startJwksServer,
  T0,
} from './fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const current = rsaKeyPair();
const rotated = rsaKeyPair();
const stranger = rsaKeyPair();

describe('JWKS key source', () => {
  let server: JwksServer;
  let clockMs: number;
  let verifiers: HostTokenVerifier[];

  beforeEach(async () => {
    server = await startJwksServer([publicJwk(current.publicKey, 'k1')]);
    clockMs = T0 * 1000;
    verifiers = [];
  });
  afterEach(async () => {
    for (const verifier of verifiers) verifier.close();
    await server.close();
  });

  function jwksVerifier(options: { timeoutMs?: number } = {}): HostTokenVerifier {
    const config: IdentityConfig = {
      key: {
        kind: 'jwks',
        url: server.url,
        algorithms: ['RS256'],
        refreshMs: 10 * MINUTE,
        maxStaleMs: 6 * HOUR,
        cooldownMs: 30_000,
        ...options,
      },
      issuer: ISSUER,
      audience: AUDIENCE,
      clockToleranceSec: 30,
      claims: { userId: 'sub', displayName: 'name', avatarUrl: 'picture' },
    };
    const verifier = createHostTokenVerifier(config, { now: () => clockMs });
    verifiers.push(verifier);
    return verifier;
  }

  /** A token valid at the current fake time. */
  function tokenFor(keyPair: { privateKey: Parameters<typeof sign>[1] }, kid: string): Promise<string> {
    return sign(claims(Math.floor(clockMs / 1000)), keyPair.privateKey, { kid });
  }

  it('verifies with a fetched key and reuses the cached set', async () => {
    const verifier = jwksVerifier();
    const token = await tokenFor(current, 'k1');
    // A cold cache hit by concurrent callers costs one fetch.
    const identities = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(token)));
    expect(identities.map((identity) => identity.hostUserId)).toEqual(Array(10).fill('user-1'));
    await expect(verifier.verify(await tokenFor(current, 'k1'))).resolves.toMatchObject({
      hostUserId: 'user-1',
    });
    await expect(verifier.verify(await tokenFor(current, 'k1'))).resolves.toMatchObject({
      hostUserId: 'user-1',
    });
    expect(verifier.fetchCount).toBe(1);
    expect(server.hits).toBe(1);
  });

  it('rejects alg: none and HS256 before fetching any key', async () => {
    const verifier = jwksVerifier();
    const none = `${base64url({ alg: 'none', kid: 'k1' })}.${base64url(claims(T0))}.`;
    await expectCode(verifier.verify(none), 'OM_AUTH_ALGORITHM', none);
    const hs = await sign(claims(T0), new TextEncoder().encode(current.publicPem), {
      alg: 'HS256',
      kid: 'k1',
    });
    await expectCode(verifier.verify(hs), 'OM_AUTH_ALGORITHM', hs);
    expect(verifier.fetchCount).toBe(0);
  });

  it('refetches at most once per cooldown for unknown kids', async () => {
    const verifier = jwksVerifier();
    await verifier.verify(await tokenFor(current, 'k1'));
    const unknown = await tokenFor(stranger, 'k-unknown');
    // The set was fetched moments ago: the cooldown covers that fetch too.
    await expectCode(verifier.verify(unknown), 'OM_AUTH_KEY_UNKNOWN', unknown);
    expect(verifier.fetchCount).toBe(1);

    clockMs += 30_000;
    for (let i = 0; i < 10; i += 1)
      await expectCode(verifier.verify(unknown), 'OM_AUTH_KEY_UNKNOWN', unknown);
    expect(verifier.fetchCount).toBe(2);

    // Concurrent callers after the cooldown share one fetch.
    clockMs += 30_000;
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => verifier.verify(unknown)));
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toMatchObject({ code: 'OM_AUTH_KEY_UNKNOWN' });
    }
    expect(verifier.fetchCount).toBe(3);
    expect(server.hits).toBe(3);
  });

  it('picks up a rotated key through the unknown-kid refetch', async () => {
    const verifier = jwksVerifier();
    await verifier.verify(await tokenFor(current, 'k1'));
    server.serveKeys([publicJwk(rotated.publicKey, 'k2'), publicJwk(current.publicKey, 'k1')]);
    clockMs += 30_000;
    // Concurrent callers with the new kid all wait for the one refetch.
    const token = await tokenFor(rotated, 'k2');
    const identities = await Promise.all(Array.from({ length: 10 }, () => verifier.verify(token)));
    expect(identities.map((identity) => identity.hostUserId)).toEqual(Array(10).fill('user-1'));
    expect(verifier.fetchCount).toBe(2);
  });

  it('keeps verifying from cache while the endpoint fails, until maxStale', async () => {
    const verifier = jwksVerifier();
    await verifier.verify(await tokenFor(current, 'k1'));
    server.respond(500, 'down');

    // Due for refresh: served from cache while a background refresh fails.
    clockMs += HOUR;
    await expect(verifier.verify(await tokenFor(current, 'k1'))).resolves.toMatchObject({
      hostUserId: 'user-1',
    });
    expect(verifier.fetchCount).toBe(2);
    await vi.waitFor(() => expect(server.hits).toBe(2));
    await expect(verifier.verify(await tokenFor(current, 'k1'))).resolves.toMatchObject({
      hostUserId: 'user-1',
    });

    clockMs = T0 * 1000 + 6 * HOUR - 1000;
    await expect(verifier.verify(await tokenFor(current, 'k1'))).resolves.toMatchObject({
      hostUserId: 'user-1',
    });

    clockMs = T0 * 1000 + 6 * HOUR + 60_000;
    const late = await tokenFor(current, 'k1');
    await expectCode(verifier.verify(late), 'OM_AUTH_JWKS_UNAVAILABLE', late);

    // Back up: the next attempt after the cooldown restores service.
    server.serveKeys([publicJwk(current.publicKey, 'k1')]);
    clockMs += 30_000;
    await expect(verifier.verify(await tokenFor(current, 'k1'))).resolves.toMatchObject({
      hostUserId: 'user-1',
    });
  });

  it('keeps verifying from cache when the endpoint is gone, then fails beyond maxStale', async () => {
    const verifier = jwksVerifier();
    await verifier.verify(await tokenFor(current, 'k1'));
    await server.close();
    clockMs += 5 * HOUR;
    await expect(verifier.verify(await tokenFor(current, 'k1'))).resolves.toMatchObject({
      hostUserId: 'user-1',
    });
    clockMs += 2 * HOUR;
    await expectCode(verifier.verify(await tokenFor(current, 'k1')), 'OM_AUTH_JWKS_UNAVAILABLE');
  });

  it('fails with OM_AUTH_JWKS_UNAVAILABLE when the first fetch fails, and does not refetch within the cooldown', async () => {
    server.respond(503, 'starting');
    const verifier = jwksVerifier();
    const token = await tokenFor(current, 'k1');
    await expectCode(verifier.verify(token), 'OM_AUTH_JWKS_UNAVAILABLE', token);
    server.serveKeys([publicJwk(current.publicKey, 'k1')]);
    await expectCode(verifier.verify(token), 'OM_AUTH_JWKS_UNAVAILABLE', token);
    expect(verifier.fetchCount).toBe(1);
    clockMs += 30_000;
    await expect(verifier.verify(await tokenFor(current, 'k1'))).resolves.toMatchObject({
      hostUserId: 'user-1',
    });
  });

  it.each([
    ['not JSON', 'this is not json'],
    ['not a key set', JSON.stringify({ keys: 'nope' })],
    ['larger than 64 KiB', JSON.stringify({ keys: [], padding: 'x'.repeat(70 * 1024) })],
  ])('treats a JWKS that is %s as unavailable', async (_name, body) => {
    server.respond(200, body);
    const verifier = jwksVerifier();
    await expectCode(verifier.verify(await tokenFor(current, 'k1')), 'OM_AUTH_JWKS_UNAVAILABLE');
  });

  it('times out a JWKS endpoint that never answers', async () => {
    server.hang();
    const verifier = jwksVerifier({ timeoutMs: 200 });
    await expectCode(verifier.verify(await tokenFor(current, 'k1')), 'OM_AUTH_JWKS_UNAVAILABLE');
  });

  it('stops fetching once closed', async () => {
    const verifier = jwksVerifier();
    verifier.close();
    await expectCode(verifier.verify(await tokenFor(current, 'k1')), 'OM_AUTH_JWKS_UNAVAILABLE');
    expect(server.hits).toBe(0);
  });

  it('rejects a tampered token even with a known kid', async () => {
    const verifier = jwksVerifier();
    const [header, , signature] = (await tokenFor(current, 'k1')).split('.');
    const forged = `${header}.${base64url(claims(T0, { sub: 'admin' }))}.${signature}`;
    await expectCode(verifier.verify(forged), 'OM_AUTH_SIGNATURE', forged);
  });
});

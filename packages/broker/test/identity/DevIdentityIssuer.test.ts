import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createDevIdentityIssuer,
  createHostTokenVerifier,
  type DevIdentityIssuer,
  type HostTokenVerifier,
} from '../../src/identity/index.js';
import { AUDIENCE, expectCode, ISSUER } from './fixtures.js';

function setup(audience = AUDIENCE): { issuer: DevIdentityIssuer; verifier: HostTokenVerifier } {
  const issuer = createDevIdentityIssuer({ issuer: ISSUER, audience: AUDIENCE, nodeEnv: 'development' });
  const verifier = createHostTokenVerifier({
    key: issuer.keySource(),
    issuer: ISSUER,
    audience,
    clockToleranceSec: 30,
    claims: { userId: 'sub', displayName: 'name', avatarUrl: 'picture' },
  });
  return { issuer, verifier };
}

describe('createDevIdentityIssuer', () => {
  it('is refused in production', () => {
    expect(() =>
      createDevIdentityIssuer({ issuer: ISSUER, audience: AUDIENCE, nodeEnv: 'production' }),
    ).toThrow(/production/);
  });

  it('issues ES256 tokens that the verifier accepts', async () => {
    const { issuer, verifier } = setup();
    const before = Date.now();
    const token = await issuer.issue('alice', {
      displayName: 'Alice',
      avatarUrl: 'https://img.example/a.png',
    });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: issuer.jwks().keys[0]?.kid });
    const identity = await verifier.verify(token);
    expect(identity).toMatchObject({
      hostUserId: 'alice',
      displayName: 'Alice',
      avatarUrl: 'https://img.example/a.png',
    });
    // Default lifetime is one hour.
    expect(identity.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(identity.expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it('omits profile claims it was not given', async () => {
    const { issuer, verifier } = setup();
    const identity = await verifier.verify(await issuer.issue('bob'));
    expect(identity).toEqual({ hostUserId: 'bob', expiresAt: expect.any(Number) });
  });

  it('sets the audience it was configured with', async () => {
    const { issuer, verifier } = setup('another-audience');
    await expectCode(verifier.verify(await issuer.issue('carol')), 'OM_AUTH_AUDIENCE');
  });

  it('publishes public keys only', () => {
    const { issuer } = setup();
    const { keys } = issuer.jwks();
    expect(keys).toHaveLength(1);
    for (const key of keys) {
      expect(key).not.toHaveProperty('d');
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
  });

  it('keeps the previous key verifiable for one rotation', async () => {
    const { issuer, verifier } = setup();
    const first = await issuer.issue('dave');
    const firstKid = decodeProtectedHeader(first).kid;

    issuer.rotate();
    const second = await issuer.issue('dave');
    const { keys } = issuer.jwks();
    expect(keys).toHaveLength(2);
    for (const key of keys) expect(key).not.toHaveProperty('d');
    expect(decodeProtectedHeader(second).kid).not.toBe(firstKid);
    await expect(verifier.verify(first)).resolves.toMatchObject({ hostUserId: 'dave' });
    await expect(verifier.verify(second)).resolves.toMatchObject({ hostUserId: 'dave' });

    issuer.rotate();
    expect(issuer.jwks().keys).toHaveLength(2);
    expect(issuer.jwks().keys.map((key) => key.kid)).not.toContain(firstKid);
    await expectCode(verifier.verify(first), 'OM_AUTH_KEY_UNKNOWN');
    await expect(verifier.verify(second)).resolves.toMatchObject({ hostUserId: 'dave' });
  });

  it('refuses an empty user id', async () => {
    const { issuer } = setup();
    await expect(issuer.issue('')).rejects.toThrow(/user id/);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { CompactSign, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createHostTokenVerifier, type IdentityConfig } from '../../src/identity/index.js';
import { AUDIENCE, base64url, claims, expectCode, ISSUER, rsaKeyPair, sign, T0 } from './fixtures.js';

const rsa = rsaKeyPair();
const defaultClaims = { userId: 'sub', displayName: 'name', avatarUrl: 'picture' };

function rs256Config(overrides: Partial<IdentityConfig> = {}): IdentityConfig {
  return {
    key: { kind: 'publicKey', pem: rsa.publicPem, algorithms: ['RS256'] },
    issuer: ISSUER,
    audience: AUDIENCE,
    clockToleranceSec: 30,
    claims: defaultClaims,
    ...overrides,
  };
}

// Time is pinned so expiry tests do not depend on the wall clock.
const verifier = createHostTokenVerifier(rs256Config(), { now: () => T0 * 1000 });

describe('createHostTokenVerifier: attack matrix (RS256 pinned)', () => {
  it('accepts a valid token and maps the default claims', async () => {
    const token = await sign(
      claims(T0, { name: 'Ada', picture: 'https://img.example/ada.png' }),
      rsa.privateKey,
    );
    await expect(verifier.verify(token)).resolves.toEqual({
      hostUserId: 'user-1',
      displayName: 'Ada',
      avatarUrl: 'https://img.example/ada.png',
      expiresAt: (T0 + 300) * 1000,
    });
  });

  it('rejects alg: none', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims(T0))}.`;
    await expectCode(verifier.verify(token), 'OM_AUTH_ALGORITHM', token);
  });

  it('rejects an HS256 token whose secret is the RSA public key (algorithm confusion)', async () => {
    const token = await sign(claims(T0), new TextEncoder().encode(rsa.publicPem), { alg: 'HS256' });
    await expectCode(verifier.verify(token), 'OM_AUTH_ALGORITHM', token);
  });

  it('rejects a token signed with another algorithm than the pinned one', async () => {
    const token = await sign(claims(T0), rsa.privateKey, { alg: 'PS256' });
    await expectCode(verifier.verify(token), 'OM_AUTH_ALGORITHM', token);
  });

  it('rejects a token without exp', async () => {
    const token = await sign(claims(T0, { exp: undefined }), rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_CLAIM_MISSING', token);
  });

  it('rejects a non-numeric exp as malformed', async () => {
    const token = await sign(claims(T0, { exp: String(T0 + 300) }), rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_MALFORMED', token);
  });

  it('rejects a token expired beyond the clock tolerance', async () => {
    const token = await sign(claims(T0, { iat: T0 - 600, exp: T0 - 31 }), rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_EXPIRED', token);
  });

  it('accepts a token expired within the clock tolerance', async () => {
    const token = await sign(claims(T0, { iat: T0 - 600, exp: T0 - 10 }), rsa.privateKey);
    await expect(verifier.verify(token)).resolves.toMatchObject({ hostUserId: 'user-1' });
  });

  it('rejects a token whose nbf is in the future beyond the tolerance', async () => {
    const token = await sign(claims(T0, { nbf: T0 + 120 }), rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_NOT_YET_VALID', token);
  });

  it('accepts an nbf within the clock tolerance', async () => {
    const token = await sign(claims(T0, { nbf: T0 + 20 }), rsa.privateKey);
    await expect(verifier.verify(token)).resolves.toMatchObject({ hostUserId: 'user-1' });
  });

  it('rejects the wrong issuer', async () => {
    const token = await sign(claims(T0, { iss: 'https://evil.example' }), rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_ISSUER', token);
  });

  it('rejects a missing issuer as a missing claim', async () => {
    const token = await sign(claims(T0, { iss: undefined }), rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_CLAIM_MISSING', token);
  });

  it('rejects the wrong audience', async () => {
    const token = await sign(claims(T0, { aud: ['other-app'] }), rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_AUDIENCE', token);
  });

  it('rejects a tampered payload', async () => {
    const token = await sign(claims(T0), rsa.privateKey);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${base64url(claims(T0, { sub: 'admin' }))}.${signature}`;
    await expectCode(verifier.verify(forged), 'OM_AUTH_SIGNATURE', forged);
  });

  it('rejects a token signed by another key', async () => {
    const token = await sign(claims(T0), rsaKeyPair().privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_SIGNATURE', token);
  });

  it.each([
    ['an empty string', ''],
    ['garbage', 'not a jwt'],
    ['three garbage segments', 'a.b.c'],
    ['a non-JSON header', `bm90LWpzb24.${base64url(claims(T0))}.c2ln`],
  ])('rejects %s as malformed', async (_name, token) => {
    await expectCode(verifier.verify(token), 'OM_AUTH_MALFORMED', token || undefined);
  });

  it('rejects a correctly signed token whose payload is not JSON as malformed', async () => {
    const token = await new CompactSign(new TextEncoder().encode('not json'))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_MALFORMED', token);
  });

  it('rejects a correctly signed token larger than 8 KiB as malformed', async () => {
    const token = await sign(claims(T0, { padding: 'x'.repeat(8 * 1024) }), rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_MALFORMED', token);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a string', 42],
    ['longer than 255 characters', 'u'.repeat(256)],
  ])('rejects a user id claim that is %s', async (_name, sub) => {
    const token = await sign(claims(T0, { sub }), rsa.privateKey);
    await expectCode(verifier.verify(token), 'OM_AUTH_CLAIM_MISSING', token);
  });
});

describe('createHostTokenVerifier: claims and key sources', () => {
  it('maps custom claim names and ignores non-string profile claims', async () => {
    const custom = createHostTokenVerifier(
      rs256Config({ claims: { userId: 'uid', displayName: 'display', avatarUrl: 'avatar' } }),
      { now: () => T0 * 1000 },
    );
    const named = await sign(
      claims(T0, { uid: 'host-42', display: 'Grace', avatar: 'https://a.example/g' }),
      rsa.privateKey,
    );
    await expect(custom.verify(named)).resolves.toEqual({
      hostUserId: 'host-42',
      displayName: 'Grace',
      avatarUrl: 'https://a.example/g',
      expiresAt: (T0 + 300) * 1000,
    });
    const odd = await sign(claims(T0, { uid: 'host-43', display: 7, avatar: { url: 'x' } }), rsa.privateKey);
    await expect(custom.verify(odd)).resolves.toEqual({
      hostUserId: 'host-43',
      expiresAt: (T0 + 300) * 1000,
    });
    // `sub` is present but is not the configured user id claim.
    const subOnly = await sign(claims(T0), rsa.privateKey);
    await expectCode(custom.verify(subOnly), 'OM_AUTH_CLAIM_MISSING');
  });

  it('refuses an HS256 secret shorter than 32 bytes at creation', () => {
    expect(() =>
      createHostTokenVerifier(rs256Config({ key: { kind: 'hs256', secret: 's'.repeat(31) } })),
    ).toThrow(/at least 32 bytes/);
  });

  it('verifies HS256 with a 32-byte secret and refuses RS256 tokens there', async () => {
    const secret = 's'.repeat(32);
    const hs = createHostTokenVerifier(rs256Config({ key: { kind: 'hs256', secret } }), {
      now: () => T0 * 1000,
    });
    const good = await sign(claims(T0), new TextEncoder().encode(secret), { alg: 'HS256' });
    await expect(hs.verify(good)).resolves.toMatchObject({ hostUserId: 'user-1' });
    const wrongSecret = await sign(claims(T0), new TextEncoder().encode('t'.repeat(32)), { alg: 'HS256' });
    await expectCode(hs.verify(wrongSecret), 'OM_AUTH_SIGNATURE', wrongSecret);
    const rs = await sign(claims(T0), rsa.privateKey);
    await expectCode(hs.verify(rs), 'OM_AUTH_ALGORITHM', rs);
  });

  it.each([
    ['HS256', ['HS256']],
    ['none', ['none']],
    ['no algorithm', []],
    ['an algorithm the RSA key cannot do', ['RS256', 'ES256']],
  ])('refuses a public key pinned to %s at creation', (_name, algorithms) => {
    const key = { kind: 'publicKey' as const, pem: rsa.publicPem, algorithms };
    expect(() => createHostTokenVerifier(rs256Config({ key }))).toThrow(Error);
  });

  it('refuses a private key PEM where a public key belongs', () => {
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const key = { kind: 'publicKey' as const, pem, algorithms: ['RS256'] };
    expect(() => createHostTokenVerifier(rs256Config({ key }))).toThrow(/private key/);
  });

  it('verifies ES256 from an EC public key', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const es = createHostTokenVerifier(
      rs256Config({ key: { kind: 'publicKey', pem, algorithms: ['ES256'] } }),
      {
        now: () => T0 * 1000,
      },
    );
    const token = await sign(claims(T0), ec.privateKey, { alg: 'ES256' });
    await expect(es.verify(token)).resolves.toMatchObject({ hostUserId: 'user-1' });
  });
});

describe('verified-token cache', () => {
  it('answers repeats from memory but never past the token expiry', async () => {
    const secret = 'k'.repeat(32);
    let now = Date.now();
    const verifier = createHostTokenVerifier(
      {
        key: { kind: 'hs256', secret },
        issuer: 'iss',
        audience: 'aud',
        clockToleranceSec: 0,
        claims: { userId: 'sub', displayName: 'name', avatarUrl: 'picture' },
      },
      { now: () => now },
    );
    const exp = Math.floor(now / 1000) + 60;
    const token = await new SignJWT({ sub: 'u1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('iss')
      .setAudience('aud')
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    now = exp * 1000 + 1;
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'OM_AUTH_EXPIRED' });
    verifier.close();
  });
});

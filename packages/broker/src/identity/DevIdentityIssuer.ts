import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { type JSONWebKeySet, type JWK, type JWK_EC_Public, SignJWT } from 'jose';
import type { HostKeySource } from './IdentityConfig.js';

export interface DevIdentityIssuerOptions {
  issuer: string;
  audience: string;
  /** The issuer refuses to exist when this is `production`. */
  nodeEnv: string | undefined;
  /** Token lifetime. Default 1 h. */
  ttlSec?: number;
}

export interface DevIdentityIssuer {
  /** Signs a session token for a demo user, with the claims `sub`, `name` and `picture`. */
  issue(hostUserId: string, profile?: { displayName?: string; avatarUrl?: string }): Promise<string>;
  /** The public keys: the current one, plus the previous one until the next rotation. */
  jwks(): JSONWebKeySet;
  /** Signs with a new key from now on; tokens signed with the previous key keep verifying. */
  rotate(): void;
  /**
   * The key source that verifies this issuer's tokens, for `IdentityConfig.key`. Pair it with this
   * issuer's `issuer`/`audience` and the claim names `sub`, `name`, `picture`.
   */
  keySource(): HostKeySource;
}

const ALGORITHM = 'ES256';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

/**
 * Dev identity mode: the broker signs its own host tokens for named demo users, so the demo and tests
 * run without a host app. Keys live in memory only. Key generation is synchronous so the broker can
 * build the issuer at boot without awaiting.
 */
export function createDevIdentityIssuer(options: DevIdentityIssuerOptions): DevIdentityIssuer {
  if (options.nodeEnv === 'production') {
    throw new Error('Dev identity mode signs tokens for anyone and is refused when NODE_ENV=production');
  }
  const ttlSec = options.ttlSec ?? 3600;
  let current = createSigningKey();
  let previous: SigningKey | undefined;
  // One frozen object per rotation lets the verifier rebuild its key set only when it changed.
  let publicSet = toPublicSet(current, previous);

  return {
    async issue(hostUserId, profile = {}) {
      if (hostUserId.length === 0 || hostUserId.length > 255) {
        throw new Error('A dev host user id must be 1 to 255 characters');
      }
      const claims: Record<string, string> = {};
      if (profile.displayName !== undefined) claims.name = profile.displayName;
      if (profile.avatarUrl !== undefined) claims.picture = profile.avatarUrl;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: ALGORITHM, kid: current.kid, typ: 'JWT' })
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setSubject(hostUserId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSec}s`)
        .sign(current.privateKey);
    },
    jwks: () => publicSet,
    rotate() {
      previous = current;
      current = createSigningKey();
      publicSet = toPublicSet(current, previous);
    },
    keySource: () => ({ kind: 'local', jwks: () => publicSet, algorithms: [ALGORITHM] }),
  };
}

function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  // Only the public half is exported, so the private scalar `d` cannot end up in the JWKS.
  const { crv, x, y } = publicKey.export({ format: 'jwk' }) as JWK_EC_Public;
  return { kid, privateKey, publicJwk: { kty: 'EC', crv, x, y, kid, alg: ALGORITHM, use: 'sig' } };
}

function toPublicSet(current: SigningKey, previous: SigningKey | undefined): JSONWebKeySet {
  const keys = previous === undefined ? [current.publicJwk] : [current.publicJwk, previous.publicJwk];
  return Object.freeze({ keys: Object.freeze(keys.map((key) => Object.freeze({ ...key }))) as JWK[] });
}

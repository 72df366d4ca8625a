import { createPublicKey, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey, type LocalJWKSet } from 'jose';
import type { HostKeySource } from './IdentityConfig.js';
import { createJwksCache } from './JwksCache.js';

/** What `jwtVerify` needs for one key source: the key (or resolver) and the pinned algorithms. */
export interface VerificationKey {
  key: KeyObject | Uint8Array | JWTVerifyGetKey;
  algorithms: string[];
  /** Fetches started so far (JWKS sources only). */
  readonly fetchCount: number;
  /** Identity of the key set in force; a different value means keys were rotated or removed. */
  keySetVersion(): unknown;
  close(): void;
}

export interface VerificationKeyDeps {
  fetch?: typeof fetch;
  now?: () => number;
}

const MIN_HS256_SECRET_BYTES = 32;

const rsa = { keyTypes: ['rsa'] };
const rsaPss = { keyTypes: ['rsa', 'rsa-pss'] };
/**
 * The key each accepted asymmetric algorithm needs. HMAC and `none` are absent on purpose: a public
 * key must never double as an HMAC secret (the algorithm-confusion attack).
 */
const asymmetricAlgorithms: Record<string, { keyTypes: string[]; curve?: string }> = {
  RS256: rsa,
  RS384: rsa,
  RS512: rsa,
  PS256: rsaPss,
  PS384: rsaPss,
  PS512: rsaPss,
  ES256: { keyTypes: ['ec'], curve: 'prime256v1' },
  ES384: { keyTypes: ['ec'], curve: 'secp384r1' },
  ES512: { keyTypes: ['ec'], curve: 'secp521r1' },
  EdDSA: { keyTypes: ['ed25519', 'ed448'] },
  Ed25519: { keyTypes: ['ed25519'] },
};

/** Builds the verification key for a source, rejecting unsafe configuration at boot with a plain Error. */
export function createVerificationKey(
  source: HostKeySource,
  deps: VerificationKeyDeps = {},
): VerificationKey {
  switch (source.kind) {
    case 'hs256': {
      const secret = new TextEncoder().encode(source.secret);
      if (secret.byteLength < MIN_HS256_SECRET_BYTES) {
        throw new Error(`The HS256 secret must be at least ${MIN_HS256_SECRET_BYTES} bytes`);
      }
      return staticKey(secret, ['HS256']);
    }
    case 'publicKey': {
      assertAsymmetric(source.algorithms);
      // createPublicKey would quietly derive the public half of a private key; refuse the secret instead.
      if (source.pem.includes('PRIVATE KEY')) throw new Error('The host public key PEM holds a private key');
      const key = createPublicKey({ key: source.pem, format: 'pem' });
      for (const algorithm of source.algorithms) assertKeyFits(key, algorithm);
      return staticKey(key, source.algorithms);
    }
    case 'jwks': {
      assertAsymmetric(source.algorithms);
      const cache = createJwksCache({ ...source, ...deps });
      return {
        key: cache.getKey,
        algorithms: source.algorithms,
        get fetchCount() {
          return cache.fetchCount;
        },
        keySetVersion: () => cache.version,
        close: () => cache.close(),
      };
    }
    case 'local': {
      assertAsymmetric(source.algorithms);
      let seen: JSONWebKeySet | undefined;
      let resolve: LocalJWKSet | undefined;
      // Re-read per token so a rotation applies at once; rebuild only when the set object changed.
      const key: JWTVerifyGetKey = (header, token) => {
        const jwks = source.jwks();
        if (resolve === undefined || jwks !== seen) {
          seen = jwks;
          resolve = createLocalJWKSet(jwks);
        }
        return resolve(header, token);
      };
      return { ...staticKey(key, source.algorithms), keySetVersion: () => source.jwks() };
    }
  }
}

function staticKey(key: VerificationKey['key'], algorithms: string[]): VerificationKey {
  return { key, algorithms, fetchCount: 0, keySetVersion: () => key, close: () => {} };
}

function assertAsymmetric(algorithms: string[]): void {
  if (algorithms.length === 0) throw new Error('At least one host token algorithm must be allowed');
  for (const algorithm of algorithms) {
    if (!Object.hasOwn(asymmetricAlgorithms, algorithm)) {
      throw new Error(
        `Host token algorithm ${JSON.stringify(algorithm)} is not an allowed asymmetric algorithm`,
      );
    }
  }
}

// A key that cannot do a pinned algorithm would otherwise surface as a WebCrypto error per request.
function assertKeyFits(key: KeyObject, algorithm: string): void {
  const needs = asymmetricAlgorithms[algorithm];
  const type = key.asymmetricKeyType ?? 'unknown';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (
    needs === undefined ||
    !needs.keyTypes.includes(type) ||
    (needs.curve !== undefined && needs.curve !== curve)
  ) {
    throw new Error(`The host public key (${curve ?? type}) cannot verify ${algorithm}`);
  }
}

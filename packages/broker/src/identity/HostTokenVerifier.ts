import { type JWTPayload, type JWTVerifyOptions, jwtVerify } from 'jose';
import { BrokerError } from '../errors.js';
import { createVerificationKey, type VerificationKeyDeps } from './createVerificationKey.js';
import type { HostIdentity, IdentityConfig } from './IdentityConfig.js';
import { mapJoseError } from './mapJoseError.js';

export interface HostTokenVerifier {
  /** Resolves the caller's identity, or rejects with an `OM_AUTH_*` BrokerError. */
  verify(token: string): Promise<HostIdentity>;
  /** JWKS fetches started so far (0 for static keys). */
  readonly fetchCount: number;
  close(): void;
}

export type HostTokenVerifierDeps = VerificationKeyDeps;

/** Session tokens are a few hundred bytes; anything this large is not one and is not worth parsing. */
const MAX_TOKEN_LENGTH = 8 * 1024;
const MAX_USER_ID_LENGTH = 255;
const VERIFIED_CACHE_SIZE = 10_000;
const VERIFIED_CACHE_MS = 5 * 60_000;

/**
 * Verifies the host app's session JWT: signature with pinned algorithms, `exp` required, `iss` and
 * `aud` checked, then maps the configured claims to a `HostIdentity`. Throws a plain Error at
 * creation when the key configuration is unsafe.
 */
export function createHostTokenVerifier(
  config: IdentityConfig,
  deps: HostTokenVerifierDeps = {},
): HostTokenVerifier {
  const verificationKey = createVerificationKey(config.key, deps);
  const now = deps.now ?? Date.now;
  const { claims } = config;

  // A browser presents the same host token on every refresh until it expires: remember tokens
  // already verified, so the hot path pays one signature check per token, not per request.
  const verified = new Map<string, { identity: HostIdentity; until: number; keys: unknown }>();

  async function verify(token: string): Promise<HostIdentity> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw new BrokerError('OM_AUTH_MALFORMED');
    }
    const hit = verified.get(token);
    const keys = verificationKey.keySetVersion();
    // A rotated or removed key invalidates what it vouched for at once.
    if (hit && now() < hit.until && hit.keys === keys) return hit.identity;
    if (hit) verified.delete(token);
    const identity = await verifyFully(token);
    if (verified.size >= VERIFIED_CACHE_SIZE) {
      // Drop the oldest entry (Maps iterate in insertion order).
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    // Until expiry, and never longer than VERIFIED_CACHE_MS.
    verified.set(token, { identity, until: Math.min(identity.expiresAt, now() + VERIFIED_CACHE_MS), keys });
    return identity;
  }

  async function verifyFully(token: string): Promise<HostIdentity> {
    const options: JWTVerifyOptions = {
      algorithms: verificationKey.algorithms,
      issuer: config.issuer,
      audience: config.audience,
      clockTolerance: config.clockToleranceSec,
      requiredClaims: ['exp'],
      currentDate: new Date(now()),
    };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, verificationKey.key, options));
    } catch (error) {
      throw mapJoseError(error);
    }
    return toIdentity(payload);
  }

  function toIdentity(payload: JWTPayload): HostIdentity {
    const hostUserId = payload[claims.userId];
    if (typeof hostUserId !== 'string' || hostUserId.length === 0 || hostUserId.length > MAX_USER_ID_LENGTH) {
      throw new BrokerError('OM_AUTH_CLAIM_MISSING', {
        message: `The session token lacks a usable "${claims.userId}" claim`,
      });
    }
    // requiredClaims guarantees `exp`, and jose has checked it is a number.
    const identity: HostIdentity = { hostUserId, expiresAt: (payload.exp as number) * 1000 };
    const displayName = optionalString(payload[claims.displayName]);
    if (displayName !== undefined) identity.displayName = displayName;
    const avatarUrl = optionalString(payload[claims.avatarUrl]);
    if (avatarUrl !== undefined) identity.avatarUrl = avatarUrl;
    return identity;
  }

  return {
    verify,
    get fetchCount() {
      return verificationKey.fetchCount;
    },
    close: () => verificationKey.close(),
  };
}

/** Profile claims are a nicety: a missing or mistyped one is ignored rather than failing sign-in. */
function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

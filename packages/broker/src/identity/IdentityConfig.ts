import type { JSONWebKeySet } from 'jose';

/** Where the keys that sign host session tokens come from. */
export type HostKeySource =
  | {
      kind: 'jwks';
      url: string;
      /** Asymmetric JWS algorithms accepted, e.g. `['RS256']`. */
      algorithms: string[];
      /** Age after which the key set is refetched in the background. Default 10 min. */
      refreshMs?: number;
      /** How long cached keys keep verifying while the endpoint is down. Default 6 h. */
      maxStaleMs?: number;
      /** Minimum gap between fetch attempts (unknown `kid`, failed refresh). Default 30 s. */
      cooldownMs?: number;
      /** Per-fetch timeout. Default 5 s. */
      timeoutMs?: number;
    }
  /** An SPKI PEM public key. */
  | { kind: 'publicKey'; pem: string; algorithms: string[] }
  /** A shared secret of at least 32 bytes; only HS256 is accepted. */
  | { kind: 'hs256'; secret: string }
  /**
   * An in-process key set, read on every verification so rotations apply at once. Used by the dev
   * identity issuer (`DevIdentityIssuer.keySource()`), which has no HTTP endpoint to fetch from.
   */
  | { kind: 'local'; jwks: () => JSONWebKeySet; algorithms: string[] };

/** Identity configuration, already validated by the config loader. */
export interface IdentityConfig {
  key: HostKeySource;
  issuer: string;
  audience: string;
  clockToleranceSec: number;
  /** Names of the claims that carry the user id, display name and avatar URL, e.g. `sub`, `name`, `picture`. */
  claims: { userId: string; displayName: string; avatarUrl: string };
}

/** Who the host app says the caller is. */
export interface HostIdentity {
  hostUserId: string;
  displayName?: string;
  avatarUrl?: string;
  /** When the host session token expires, in epoch ms. */
  expiresAt: number;
}

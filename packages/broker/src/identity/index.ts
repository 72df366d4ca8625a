export {
  createDevIdentityIssuer,
  type DevIdentityIssuer,
  type DevIdentityIssuerOptions,
} from './DevIdentityIssuer.js';
export { extractHostToken } from './extractHostToken.js';
export {
  createHostTokenVerifier,
  type HostTokenVerifier,
  type HostTokenVerifierDeps,
} from './HostTokenVerifier.js';
export type { HostIdentity, HostKeySource, IdentityConfig } from './IdentityConfig.js';
export { createJwksCache, type JwksCache, type JwksCacheOptions } from './JwksCache.js';

import {
  JOSEAlgNotAllowed,
  JOSEError,
  JWKInvalid,
  JWKSInvalid,
  JWKSMultipleMatchingKeys,
  JWKSNoMatchingKey,
  JWSSignatureVerificationFailed,
  JWTClaimValidationFailed,
  JWTExpired,
} from 'jose/errors';
import { BrokerError, type BrokerErrorCode } from '../errors.js';

/**
 * Turns what `jwtVerify` threw into a broker error with a distinct code, so clients and logs can
 * tell an expired session from an attack. jose's message stays on `cause` only (it never holds the
 * token). Errors that are not jose's (a bug, a key that does not fit its algorithm) pass through.
 */
export function mapJoseError(error: unknown): unknown {
  if (error instanceof BrokerError || !(error instanceof JOSEError)) return error;
  return new BrokerError(codeFor(error), { cause: error });
}

function codeFor(error: JOSEError): BrokerErrorCode {
  if (error instanceof JWTExpired) return 'OM_AUTH_EXPIRED';
  if (error instanceof JWTClaimValidationFailed) {
    if (error.reason === 'missing') return 'OM_AUTH_CLAIM_MISSING';
    if (error.claim === 'iss') return 'OM_AUTH_ISSUER';
    if (error.claim === 'aud') return 'OM_AUTH_AUDIENCE';
    if (error.claim === 'nbf' && error.reason === 'check_failed') return 'OM_AUTH_NOT_YET_VALID';
    // A claim of the wrong type, e.g. a string `exp`.
    return 'OM_AUTH_MALFORMED';
  }
  if (error instanceof JOSEAlgNotAllowed) return 'OM_AUTH_ALGORITHM';
  if (error instanceof JWSSignatureVerificationFailed) return 'OM_AUTH_SIGNATURE';
  // Several keys match when a token has no `kid` and the set holds more than one key for its alg.
  if (error instanceof JWKSNoMatchingKey || error instanceof JWKSMultipleMatchingKeys) {
    return 'OM_AUTH_KEY_UNKNOWN';
  }
  // The host published keys we cannot use: nothing the caller can fix.
  if (error instanceof JWKSInvalid || error instanceof JWKInvalid) return 'OM_AUTH_JWKS_UNAVAILABLE';
  // JWSInvalid, JWTInvalid, JOSENotSupported (e.g. an unknown `crit` extension) and the rest.
  return 'OM_AUTH_MALFORMED';
}

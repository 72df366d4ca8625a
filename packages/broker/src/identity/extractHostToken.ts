import { BrokerError } from '../errors.js';

/**
 * Finds the host session token: `Authorization: Bearer <token>` first, else the configured cookie.
 * An Authorization header with another scheme is an error rather than a fall-through to the cookie,
 * so a misconfigured client is told instead of silently signed in as whoever the cookie names.
 */
export function extractHostToken(
  headers: Record<string, string | string[] | undefined>,
  cookies: Record<string, string | undefined> | undefined,
  cookieName: string | undefined,
): string {
  const authorization = headers.authorization;
  // Several Authorization headers are ambiguous; treat them as malformed.
  if (Array.isArray(authorization)) throw new BrokerError('OM_AUTH_MALFORMED');
  const [scheme, token, ...extra] = authorization?.trim().split(/[ \t]+/) ?? [];
  if (scheme) {
    if (scheme.toLowerCase() !== 'bearer' || extra.length > 0) throw new BrokerError('OM_AUTH_MALFORMED');
    // `Bearer` with nothing after it: the client had no token to send.
    if (token === undefined) throw new BrokerError('OM_AUTH_MISSING');
    return token;
  }
  const cookie = cookieName === undefined ? undefined : cookies?.[cookieName];
  if (cookie !== undefined && cookie !== '') return cookie;
  throw new BrokerError('OM_AUTH_MISSING');
}

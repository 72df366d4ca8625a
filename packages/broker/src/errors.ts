/**
 * Every error the broker answers with, in one table: a stable code (clients `switch` on it), the
 * HTTP status and a message safe to show. Never put tokens or upstream bodies in a message.
 */
export const errorTable = {
  OM_BAD_REQUEST: [400, 'The request is malformed'],
  OM_NOT_FOUND: [404, 'No such route'],
  OM_BODY_TOO_LARGE: [413, 'The request body is too large'],
  OM_RATE_LIMITED: [429, 'Too many requests'],
  OM_OVERLOADED: [503, 'The broker is overloaded'],
  OM_INTERNAL: [500, 'Internal error'],

  OM_AUTH_MISSING: [401, 'No session token'],
  OM_AUTH_MALFORMED: [401, 'The session token is malformed'],
  OM_AUTH_ALGORITHM: [401, 'The session token uses an algorithm that is not allowed'],
  OM_AUTH_SIGNATURE: [401, 'The session token signature is invalid'],
  OM_AUTH_KEY_UNKNOWN: [401, 'The session token is signed with an unknown key'],
  OM_AUTH_EXPIRED: [401, 'The session token has expired'],
  OM_AUTH_NOT_YET_VALID: [401, 'The session token is not valid yet'],
  OM_AUTH_CLAIM_MISSING: [401, 'The session token lacks a required claim'],
  OM_AUTH_ISSUER: [401, 'The session token has the wrong issuer'],
  OM_AUTH_AUDIENCE: [401, 'The session token has the wrong audience'],
  OM_AUTH_JWKS_UNAVAILABLE: [503, 'The identity keys cannot be fetched'],
  OM_USER_DEACTIVATED: [403, 'This account is deactivated'],

  OM_SSE_AUTH_MISSING: [401, 'No event stream session cookie or ticket'],
  OM_SSE_AUTH_INVALID: [401, 'The event stream session or ticket is unknown, expired, used or revoked'],
  OM_SSE_CSRF: [403, 'The request failed the cross-site request check'],
  OM_SSE_TOO_MANY_STREAMS: [429, 'Too many open event streams for this user'],
  OM_PROXY_NOT_ALLOWED: [404, 'The broker does not relay this request to the homeserver'],
  OM_PROXY_AUTH_MISSING: [401, 'No Matrix access token (Authorization: Bearer)'],

  OM_OPS_UNAUTHORIZED: [401, 'Invalid ops credential'],
  OM_WEBHOOK_SIGNATURE: [401, 'The request signature is missing or invalid'],
  OM_WEBHOOK_STALE: [401, 'The request timestamp is outside the accepted window'],
  OM_WEBHOOK_REPLAY: [401, 'This signed request was already received'],

  OM_SYNAPSE_UNAVAILABLE: [503, 'The homeserver is unavailable'],
  OM_SYNAPSE_RATE_LIMITED: [503, 'The homeserver is rate limiting the broker'],
  OM_SYNAPSE_ERROR: [502, 'The homeserver rejected the request'],
  OM_STORE_UNAVAILABLE: [503, 'The broker state store is unavailable'],
  OM_LOCK_TIMEOUT: [503, 'Another request is still working on this; try again'],
  OM_AVATAR_REJECTED: [422, 'The avatar could not be used'],

  OM_USER_NOT_FOUND: [404, 'No such user'],
  OM_ACCOUNT_CONFLICT: [409, 'A Matrix account with this id exists and was not created by the broker'],
  OM_ROOM_NOT_FOUND: [404, 'No such room'],
  OM_ROOM_ALIAS_CONFLICT: [409, 'The room alias belongs to another room'],
} as const satisfies Record<string, readonly [number, string]>;

export type BrokerErrorCode = keyof typeof errorTable;

export interface BrokerErrorOptions {
  message?: string;
  cause?: unknown;
  /** Sent as `Retry-After` (seconds) on 429 and 503. */
  retryAfterSeconds?: number;
  /** Upstream details kept for logs and for code that branches on them (never sent to clients). */
  upstream?: { status?: number; errcode?: string };
}

export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  readonly code: BrokerErrorCode;
  readonly statusCode: number;
  readonly retryAfterSeconds: number | undefined;
  readonly upstream: BrokerErrorOptions['upstream'];

  constructor(code: BrokerErrorCode, options: BrokerErrorOptions = {}) {
    const [statusCode, defaultMessage] = errorTable[code];
    super(
      options.message ?? defaultMessage,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.statusCode = statusCode;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.upstream = options.upstream;
  }
}

export function isBrokerError(value: unknown, code?: BrokerErrorCode): value is BrokerError {
  return value instanceof BrokerError && (code === undefined || value.code === code);
}

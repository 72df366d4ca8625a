import type { FastifyRequest } from 'fastify';
import { BrokerError } from '../errors.js';
import { type SseGrant, SseSessions } from '../sse/index.js';
import type { AuthFailureLimiter } from './AuthFailureLimiter.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `sseAuth` on the SSE fallback's routes. */
    sseGrant: SseGrant | undefined;
  }
}

/** The HttpOnly session cookie of the SSE fallback. */
export const SSE_COOKIE = 'om_sse';
/** State-changing requests with the cookie must echo the session's CSRF token in this header. */
export const CSRF_HEADER = 'x-openmeet-csrf';

export interface SseAuthOptions {
  sessions: SseSessions;
  limiter: AuthFailureLimiter;
  /** Opening a stream: a one-time `?ticket=` is accepted too (and wins over the cookie). */
  allowTicket?: boolean;
  /**
   * State-changing routes: a cookie session also needs `X-OpenMeet-CSRF` equal to its CSRF token
   * and an `Origin` among these (the cookie is SameSite=Strict; this is the second lock).
   */
  csrf?: { allowedOrigins: readonly string[] };
}

/**
 * A hook (`onRequest` or `preHandler`) for every route of the SSE fallback: it resolves the cookie
 * session or ticket to `request.sseGrant`. Failed attempts count against the client's IP like
 * failed sign-ins.
 */
export function sseAuth(options: SseAuthOptions) {
  const { sessions, limiter } = options;
  return async (request: FastifyRequest): Promise<void> => {
    request.sseGrant = await limiter.guard(request.ip, async () => {
      const ticket = options.allowTicket ? ticketOf(request) : undefined;
      if (ticket !== undefined) return sessions.redeemTicket(ticket);
      const cookie = request.cookies[SSE_COOKIE];
      if (!cookie) throw new BrokerError('OM_SSE_AUTH_MISSING');
      return sessions.fromCookie(cookie);
    });
    if (options.csrf && request.sseGrant.via === 'cookie') {
      const origin = request.headers.origin;
      const header = request.headers[CSRF_HEADER];
      if (
        typeof origin !== 'string' ||
        !options.csrf.allowedOrigins.includes(origin) ||
        typeof header !== 'string' ||
        !SseSessions.csrfMatches(request.sseGrant, header)
      ) {
        throw new BrokerError('OM_SSE_CSRF');
      }
    }
  };
}

function ticketOf(request: FastifyRequest): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.ticket;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

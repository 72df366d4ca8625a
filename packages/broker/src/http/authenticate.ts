import type { FastifyReply, FastifyRequest } from 'fastify';
import { extractHostToken, type HostIdentity, type HostTokenVerifier } from '../identity/index.js';
import type { AuthFailureLimiter } from './AuthFailureLimiter.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `authenticate` on routes that need the host session. */
    hostIdentity: HostIdentity | undefined;
  }
}

/** An `onRequest` hook: verifies the host session (Bearer header or cookie) before anything else runs. */
export function authenticate(
  verifier: HostTokenVerifier,
  cookieName: string | undefined,
  limiter: AuthFailureLimiter,
) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.hostIdentity = await limiter.guard(request.ip, () =>
      verifier.verify(extractHostToken(request.headers, request.cookies, cookieName)),
    );
  };
}

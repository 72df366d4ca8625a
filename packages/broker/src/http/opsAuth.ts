import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { SecretHolder } from '../createServices.js';
import { BrokerError } from '../errors.js';
import type { AuthFailureLimiter } from './AuthFailureLimiter.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time check of `Authorization: Bearer <ops token>` (hashing first equalises lengths). */
export function opsAuth(secret: SecretHolder, limiter: AuthFailureLimiter) {
  return (request: FastifyRequest): Promise<void> =>
    limiter.guard(request.ip, async () => {
      const header = request.headers.authorization ?? '';
      const presented = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
      if (!presented || !timingSafeEqual(digest(presented), digest(secret.get()))) {
        throw new BrokerError('OM_OPS_UNAUTHORIZED');
      }
    });
}

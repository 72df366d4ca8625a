import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { SecretHolder } from '../createServices.js';
import { BrokerError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time check of `Authorization: Bearer <ops token>` (hashing first equalises lengths). */
export function opsAuth(secret: SecretHolder) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const presented = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
    if (!presented || !timingSafeEqual(digest(presented), digest(secret.get()))) {
      throw new BrokerError('OM_OPS_UNAUTHORIZED');
    }
  };
}

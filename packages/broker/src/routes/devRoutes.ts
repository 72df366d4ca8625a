import type { FastifyInstance } from 'fastify';
import { BrokerError } from '../errors.js';
import type { DevIdentityIssuer } from '../identity/index.js';

/**
 * Dev identity mode only (never in production): signs host session tokens for named demo users so
 * the demo and tests run without a host app.
 */
export async function devRoutes(app: FastifyInstance, opts: { issuer: DevIdentityIssuer; users: string[] }) {
  app.post<{ Body: { userId: string; displayName?: string } }>(
    '/v1/dev/host-token',
    {
      schema: {
        tags: ['dev'],
        summary: 'Dev identity mode: a host session token for a demo user',
        body: {
          type: 'object',
          properties: { userId: { type: 'string' }, displayName: { type: 'string', maxLength: 255 } },
          required: ['userId'],
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] },
        },
      },
    },
    async (request) => {
      const { userId, displayName } = request.body;
      if (!opts.users.includes(userId)) {
        throw new BrokerError('OM_BAD_REQUEST', { message: `demo users are: ${opts.users.join(', ')}` });
      }
      return { token: await opts.issuer.issue(userId, { displayName: displayName ?? userId }) };
    },
  );

  app.get(
    '/v1/dev/jwks.json',
    { schema: { tags: ['dev'], summary: 'Public keys of the dev issuer' } },
    async () => opts.issuer.jwks(),
  );
}

import type { FastifyInstance } from 'fastify';
import type { Services } from '../createServices.js';
import { apiSecurityHeaders } from '../http/apiSecurityHeaders.js';
import { authenticate } from '../http/authenticate.js';
import { errorResponseSchema } from '../http/errorHandler.js';

const sessionSchema = {
  type: 'object',
  properties: {
    userId: { type: 'string' },
    deviceId: { type: 'string' },
    accessToken: { type: 'string' },
    expiresAt: { type: 'integer', description: 'epoch milliseconds' },
    homeserverUrl: { type: 'string' },
  },
  required: ['userId', 'deviceId', 'accessToken', 'expiresAt', 'homeserverUrl'],
} as const;

export async function sessionRoutes(
  app: FastifyInstance,
  opts: { services: Services; cookieName: string | undefined },
) {
  const { services } = opts;
  app.post<{ Body: { deviceKey: string; staleAccessToken?: string } }>(
    '/v1/session',
    {
      // The hot path: fixed security headers instead of helmet's per-request work.
      helmet: false,
      onRequest: authenticate(services.verifier, opts.cookieName, services.authFailures),
      onSend: async (_request, reply, payload) => {
        reply.headers(apiSecurityHeaders);
        return payload;
      },
      schema: {
        tags: ['session'],
        summary:
          'A short-lived Matrix access token for the signed-in host user, bound to this browser device',
        security: [{ hostSession: [] }],
        body: {
          type: 'object',
          properties: {
            deviceKey: {
              type: 'string',
              pattern: '^[A-Za-z0-9_-]{8,64}$',
              description:
                'Stable per browser tab/profile; the same key always maps to the same Matrix device',
            },
            staleAccessToken: {
              type: 'string',
              maxLength: 1024,
              description: 'The token Synapse just refused (401); it is not handed out again',
            },
          },
          required: ['deviceKey'],
          additionalProperties: false,
        },
        response: { 200: sessionSchema, '4xx': errorResponseSchema, '5xx': errorResponseSchema },
      },
    },
    async (request) => {
      const identity = request.hostIdentity;
      if (!identity) throw new Error('authenticate hook did not run');
      const userId = await services.provisioner.ensure(identity);
      return services.sessions.mint(userId, request.body.deviceKey, {
        staleAccessToken: request.body.staleAccessToken,
      });
    },
  );
}

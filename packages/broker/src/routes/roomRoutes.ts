import type { FastifyInstance } from 'fastify';
import type { Services } from '../createServices.js';
import { BrokerError } from '../errors.js';
import { authenticate } from '../http/authenticate.js';
import { errorResponseSchema } from '../http/errorHandler.js';

const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema };

/** Room routes for the signed-in host user (the SDK). */
export async function roomRoutes(
  app: FastifyInstance,
  opts: { services: Services; cookieName: string | undefined },
) {
  const { services } = opts;
  const onRequest = authenticate(services.verifier, opts.cookieName, services.authFailures);

  app.get<{ Querystring: { kind: 'group' | 'event'; id?: string; slug?: string } }>(
    '/v1/rooms/lookup',
    {
      onRequest,
      schema: {
        tags: ['rooms'],
        summary: "A host group's or event's room; a private entity's room only for its members",
        security: [{ hostSession: [] }],
        querystring: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: ['group', 'event'] },
            id: { type: 'string', minLength: 1, maxLength: 255 },
            slug: { type: 'string', minLength: 1, maxLength: 200 },
          },
          required: ['kind'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { roomId: { type: 'string' }, alias: { type: 'string' } },
            required: ['roomId', 'alias'],
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const identity = request.hostIdentity;
      if (!identity) throw new Error('authenticate hook did not run');
      const { kind, id, slug } = request.query;
      if ((id === undefined) === (slug === undefined)) {
        throw new BrokerError('OM_BAD_REQUEST', { message: 'Give exactly one of id and slug' });
      }
      const userId = services.provisioner.userIdFor(identity.hostUserId);
      return services.rooms.lookup(id !== undefined ? { kind, id } : { kind, slug: slug ?? '' }, userId);
    },
  );

  app.post<{ Body: { userId: string } }>(
    '/v1/rooms/dm',
    {
      onRequest,
      schema: {
        tags: ['rooms'],
        summary: 'The DM room with another host user (created on first use)',
        security: [{ hostSession: [] }],
        body: {
          type: 'object',
          properties: {
            userId: { type: 'string', minLength: 1, maxLength: 255, description: 'Host user id' },
          },
          required: ['userId'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: { roomId: { type: 'string' }, created: { type: 'boolean' } },
            required: ['roomId', 'created'],
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const identity = request.hostIdentity;
      if (!identity) throw new Error('authenticate hook did not run');
      await services.provisioner.ensure(identity);
      const dm = await services.dms.ensure(identity.hostUserId, request.body.userId);
      return { roomId: dm.roomId, created: dm.outcome === 'created' };
    },
  );
}

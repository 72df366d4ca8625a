import type { FastifyInstance } from 'fastify';
import type { Services } from '../createServices.js';
import { errorResponseSchema } from '../http/errorHandler.js';
import { signedWebhook } from '../http/signedWebhook.js';
import { toRouteSchema } from '../membership/membershipSchemas.js';
import { describeFailure } from '../membership/planReconciliation.js';
import type { HostEvent } from '../rooms/hostEventSchemas.js';
import { hostEventsSchema } from '../rooms/hostEventSchemas.js';
import type { RoomEntity } from '../rooms/RoomEntity.js';

const resultSchema = {
  type: 'object',
  properties: {
    outcome: { type: 'string', enum: ['created', 'updated', 'unchanged', 'posted', 'duplicate'] },
    roomId: { type: 'string' },
    alias: { type: 'string' },
    eventId: { type: 'string' },
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
} as const;

/**
 * Entity and event updates from the host app's backend, signed like membership sync: rooms follow
 * the entities (created, renamed, visibility, archived → read-only) and event updates become
 * notices in the event's room. Not mounted without a webhook secret.
 */
export async function hostEventRoutes(app: FastifyInstance, opts: { services: Services; bodyLimit: number }) {
  const { services } = opts;
  const verifier = services.webhook;
  if (!verifier) return;
  const { audit, routeOptions, security } = signedWebhook(app, {
    services,
    verifier,
    bodyLimit: opts.bodyLimit,
    auditMessage: 'host event audit',
  });

  const apply = async (event: HostEvent) => {
    if (event.type === 'entity.upserted') {
      const { topic, avatarUrl, archived, ...required } = event.entity;
      const entity: RoomEntity = {
        ...required,
        ...(topic === undefined ? {} : { topic }),
        ...(avatarUrl === undefined ? {} : { avatarUrl }),
        ...(archived === undefined ? {} : { archived }),
      };
      return services.rooms.ensure(entity);
    }
    const { data, ...notice } = event.notice;
    const roomId = await services.rooms.roomIdFor({ kind: 'event', id: event.event.id });
    const posted = await services.notices.post(event.event.id, data ? { ...notice, data } : notice);
    return { roomId, ...posted };
  };

  app.post<{ Body: { events: HostEvent[] } }>(
    '/v1/host/events',
    {
      ...routeOptions,
      schema: {
        tags: ['host events'],
        summary:
          "Apply the host's entity changes and event notices, in order; each result says what happened",
        security,
        body: toRouteSchema(hostEventsSchema),
        response: {
          200: {
            type: 'object',
            properties: { results: { type: 'array', items: resultSchema }, failed: { type: 'integer' } },
            required: ['results', 'failed'],
          },
          '4xx': errorResponseSchema,
          '5xx': errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { events } = request.body;
      audit(
        request,
        events.map((event) =>
          event.type === 'entity.upserted' ? event.entity : { kind: 'event', id: event.event.id },
        ),
      );
      const results = [];
      // In order: a rename after a creation must land after it.
      for (const event of events) {
        try {
          results.push(await apply(event));
        } catch (error) {
          const failure = describeFailure(error);
          if (failure.code === 'OM_INTERNAL') request.log.error({ err: error }, 'host event failed');
          results.push({ error: failure });
        }
      }
      return { results, failed: results.filter((result) => 'error' in result).length };
    },
  );
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { reloadSecrets, type Services } from '../createServices.js';
import { BrokerError } from '../errors.js';
import { errorResponseSchema } from '../http/errorHandler.js';
import { opsAuth } from '../http/opsAuth.js';
import { BROKER_DEVICE_PREFIX } from '../session/SessionIssuer.js';

type UserParams = { user: string };

const userParam = {
  type: 'object',
  properties: {
    user: {
      type: 'string',
      minLength: 1,
      maxLength: 512,
      description: 'Host user id, or a Matrix user id (@…)',
    },
  },
  required: ['user'],
} as const;
const errors = { '4xx': errorResponseSchema, '5xx': errorResponseSchema };
const okSchema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] } as const;

/**
 * Ops endpoints, behind their own credential. Every call leaves one audit line: actor, action,
 * target, result.
 */
export async function opsRoutes(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const ops = services.secrets.ops;
  if (!ops) return;

  app.addHook('onRequest', opsAuth(ops, services.authFailures));
  app.addHook('onResponse', async (request, reply) => {
    const actor = String(request.headers['x-ops-actor'] ?? 'ops-token')
      .replace(/[^\w@.:-]/g, '')
      .slice(0, 64);
    request.log.info(
      {
        audit: {
          actor,
          action: `${request.method} ${request.routeOptions.url ?? request.url}`,
          target: (request.params as Partial<UserParams> | undefined)?.user,
          result: reply.statusCode,
        },
      },
      'ops audit',
    );
  });

  // Ops act only on accounts the broker provisions: a typo must not deactivate @admin or delete the
  // device behind the broker's own admin token.
  const matrixUser = (request: FastifyRequest<{ Params: UserParams }>) => {
    const { user } = request.params;
    if (!user.startsWith('@')) return services.provisioner.userIdFor(user);
    if (!services.provisioner.isBrokerUser(user)) {
      throw new BrokerError('OM_BAD_REQUEST', { message: 'not a user the broker provisions' });
    }
    return user;
  };

  app.get<{ Params: UserParams }>(
    '/users/:user/devices',
    {
      schema: {
        tags: ['ops'],
        summary: "A user's devices (broker-created ones marked) with last-seen times",
        params: userParam,
        response: {
          200: {
            type: 'object',
            properties: {
              userId: { type: 'string' },
              devices: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    deviceId: { type: 'string' },
                    broker: { type: 'boolean' },
                    lastSeenAt: { type: ['integer', 'null'] },
                    displayName: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const userId = matrixUser(request);
      const known = new Map((await services.sessions.listDevices(userId)).map((d) => [d.deviceId, d]));
      const devices = (await services.synapse.listDevices(userId)).map((device) => ({
        deviceId: device.device_id,
        broker: known.has(device.device_id),
        lastSeenAt: device.last_seen_ts ?? known.get(device.device_id)?.lastSeenAt ?? null,
        displayName: device.display_name,
      }));
      return { userId, devices };
    },
  );

  app.post<{ Params: UserParams }>(
    '/users/:user/revoke',
    {
      schema: {
        tags: ['ops'],
        summary:
          "Revoke every broker session of a user: deletes the broker's devices, so their tokens die at once",
        params: userParam,
        response: {
          200: {
            type: 'object',
            properties: {
              userId: { type: 'string' },
              revokedDevices: { type: 'array', items: { type: 'string' } },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const userId = matrixUser(request);
      // First, so event streams end on every instance even if a Synapse call below fails.
      await services.sseSessions.revokeUser(userId);
      return { userId, revokedDevices: await services.sessions.revokeUser(userId) };
    },
  );

  app.delete<{ Params: UserParams & { deviceId: string } }>(
    '/users/:user/devices/:deviceId',
    {
      schema: {
        tags: ['ops'],
        summary: 'Revoke one device',
        params: {
          type: 'object',
          properties: { ...userParam.properties, deviceId: { type: 'string', minLength: 1, maxLength: 512 } },
          required: ['user', 'deviceId'],
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (request) => {
      if (!request.params.deviceId.startsWith(BROKER_DEVICE_PREFIX)) {
        throw new BrokerError('OM_BAD_REQUEST', {
          message: `only broker devices (${BROKER_DEVICE_PREFIX}…) can be revoked`,
        });
      }
      await services.sessions.revokeDevice(matrixUser(request), request.params.deviceId);
      return { ok: true };
    },
  );

  app.post<{ Params: UserParams }>(
    '/users/:user/reprovision',
    {
      schema: {
        tags: ['ops'],
        summary: "Forget the cached profile; the user's next session request provisions again",
        params: userParam,
        response: { 200: okSchema, ...errors },
      },
    },
    async (request) => {
      await services.provisioner.forget(matrixUser(request));
      return { ok: true };
    },
  );

  app.post<{ Params: UserParams; Body: { erase?: boolean } | undefined }>(
    '/users/:user/deactivate',
    {
      schema: {
        tags: ['ops'],
        summary: 'Deactivate the Matrix account of a deleted host account (optionally erasing its data)',
        params: userParam,
        body: {
          type: ['object', 'null'],
          properties: { erase: { type: 'boolean' } },
          additionalProperties: false,
        },
        response: { 200: okSchema, ...errors },
      },
    },
    async (request) => {
      const userId = matrixUser(request);
      await services.sseSessions.revokeUser(userId);
      await services.sessions.revokeUser(userId).catch((err: unknown) => {
        // A user never provisioned has nothing to revoke; anything else must surface.
        if (!(err instanceof BrokerError && err.upstream?.status === 404)) throw err;
      });
      await services.provisioner.deactivate(userId, request.body?.erase ?? false);
      return { ok: true };
    },
  );

  app.post(
    '/secrets/reload',
    {
      schema: {
        tags: ['ops'],
        summary: 'Re-read the Synapse admin token, the appservice, ops and webhook secrets from their files',
        response: { 200: okSchema, ...errors },
      },
    },
    async () => {
      reloadSecrets(Object.values(services.secrets).filter((holder) => holder !== undefined));
      return { ok: true };
    },
  );

  app.post(
    '/signing-key/rotate',
    {
      schema: {
        tags: ['ops'],
        summary: 'Dev identity mode: sign with a new key; the previous one stays in the JWKS for overlap',
        response: { 200: okSchema, ...errors },
      },
    },
    async () => {
      if (!services.devIssuer) throw new BrokerError('OM_NOT_FOUND', { message: 'the broker signs nothing' });
      services.devIssuer.rotate();
      return { ok: true };
    },
  );

  app.delete<{ Params: { kind: 'group' | 'event'; id: string } }>(
    '/rooms/:kind/:id',
    {
      schema: {
        tags: ['ops'],
        summary: "Delete an entity's room on Synapse (members removed, history purged); poll the deletion",
        params: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: ['group', 'event'] },
            id: { type: 'string', minLength: 1, maxLength: 255 },
          },
          required: ['kind', 'id'],
        },
        response: {
          202: {
            type: 'object',
            properties: { roomId: { type: 'string' }, deleteId: { type: 'string' } },
            required: ['roomId', 'deleteId'],
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return services.rooms.delete({ kind: request.params.kind, id: request.params.id });
    },
  );

  app.get<{ Params: { deleteId: string } }>(
    '/rooms/deletions/:deleteId',
    {
      schema: {
        tags: ['ops'],
        summary: 'Progress of a room deletion',
        params: {
          type: 'object',
          properties: { deleteId: { type: 'string', minLength: 1, maxLength: 255 } },
          required: ['deleteId'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['scheduled', 'active', 'complete', 'failed'] },
              error: { type: 'string' },
            },
            required: ['status'],
          },
          ...errors,
        },
      },
    },
    async (request) => services.rooms.deletionStatus(request.params.deleteId),
  );
}

import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { BrokerError, type BrokerErrorCode, errorTable } from '../errors.js';

export const errorResponseSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

function send(reply: FastifyReply, error: BrokerError): FastifyReply {
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.status(error.statusCode).send({ error: { code: error.code, message: error.message } });
}

/** Fastify's own errors, by their stable codes, onto ours. */
const fastifyCodes: Record<string, BrokerErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'OM_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'OM_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'OM_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'OM_BAD_REQUEST',
  FST_ERR_VALIDATION: 'OM_BAD_REQUEST',
};

/**
 * Every failure leaves as `{ error: { code, message } }` with a stable code. Unexpected errors are
 * logged and answered with a generic 500, so internals (and any secret in them) never leak.
 */
export function registerErrorHandling(app: FastifyInstance, onError?: (code: BrokerErrorCode) => void): void {
  app.setErrorHandler((error: FastifyError | BrokerError, request, reply) => {
    if (error instanceof BrokerError) {
      onError?.(error.code);
      if (error.statusCode >= 500)
        request.log.warn({ code: error.code, upstream: error.upstream }, error.message);
      return send(reply, error);
    }
    const mapped =
      (error.code && fastifyCodes[error.code]) || (error.validation ? 'OM_BAD_REQUEST' : undefined);
    if (mapped) {
      onError?.(mapped);
      return send(
        reply,
        new BrokerError(mapped, mapped === 'OM_BAD_REQUEST' ? { message: error.message } : {}),
      );
    }
    if (error.statusCode === 400 || error.statusCode === 415) {
      onError?.('OM_BAD_REQUEST');
      return send(reply, new BrokerError('OM_BAD_REQUEST', { message: errorTable.OM_BAD_REQUEST[1] }));
    }
    if (error.statusCode === 429) {
      onError?.('OM_RATE_LIMITED');
      return reply
        .status(429)
        .send({ error: { code: 'OM_RATE_LIMITED', message: errorTable.OM_RATE_LIMITED[1] } });
    }
    request.log.error({ err: error }, 'unhandled error');
    onError?.('OM_INTERNAL');
    return send(reply, new BrokerError('OM_INTERNAL'));
  });
  app.setNotFoundHandler((_request, reply) => {
    onError?.('OM_NOT_FOUND');
    return send(reply, new BrokerError('OM_NOT_FOUND'));
  });
}

import type { ServerResponse } from 'node:http';

/**
 * Fastify waits for a response's 'finish' (or 'error') to log the request and run its onResponse
 * hooks. A hijacked stream written straight to the socket never finishes its ServerResponse, so
 * those listeners would only keep Fastify's request, reply and child logger alive for the stream's
 * life (1.3 KB per idle SSE user). Call after `reply.hijack()`; the route then logs the end itself.
 *
 * Fastify's listener is found by its function name (`onResFinished`), which is not public API: the
 * test beside this checks, against the installed Fastify, that none of its listeners is left.
 */
export function releaseFastify(response: ServerResponse): void {
  for (const event of ['finish', 'error']) {
    for (const listener of response.listeners(event)) {
      if (listener.name === 'onResFinished') response.removeListener(event, listener as () => void);
    }
  }
}

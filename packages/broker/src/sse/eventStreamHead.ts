import { apiSecurityHeaders } from '../http/apiSecurityHeaders.js';

/**
 * The head of a `text/event-stream` response, written straight to the socket. Node's
 * `writeHead` keeps every response's headers (an object and a string of ~90 pieces) for as long
 * as the response lives, 7 KB per idle SSE user; a string written to the socket is gone once sent.
 *
 * The body runs until the connection closes (`Connection: close`, no chunked framing): the stream
 * has no other end, and nothing else is ever sent on its connection.
 */
export function eventStreamHead(corsOrigin: string | undefined): string {
  const cors =
    corsOrigin === undefined
      ? ''
      : `Access-Control-Allow-Origin: ${corsOrigin}\r\nAccess-Control-Allow-Credentials: true\r\n`;
  return `HTTP/1.1 200 OK\r\nDate: ${new Date().toUTCString()}\r\n${FIXED_HEAD}${cors}\r\n`;
}

/** As `@fastify/cors` answers the other routes: the request's origin when it is allowed. */
export function allowedCorsOrigin(
  origin: string | string[] | undefined,
  allowed: ReadonlySet<string>,
): string | undefined {
  return typeof origin === 'string' && allowed.has(origin) ? origin : undefined;
}

const FIXED_HEAD = Object.entries({
  // helmet's set (as on the JSON routes), with the stream's own caching rule.
  ...apiSecurityHeaders,
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  vary: 'Origin',
  connection: 'close',
})
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');

import { type Readable, Transform } from 'node:stream';
import { Pool } from 'undici';
import { BrokerError, isBrokerError } from '../errors.js';

export interface MatrixProxyOptions {
  homeserverUrl: string;
  /** Connections to Synapse for relayed requests, apart from the broker's own calls. */
  maxConnections?: number;
}

export interface ProxyRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path and query, as Synapse gets them. */
  path: string;
  headers: Record<string, string>;
  body: Readable | undefined;
  /** Beyond this many bytes the request body is refused with OM_BODY_TOO_LARGE. */
  maxBodyBytes: number;
  /** How long the request may go without progress: body bytes sent, then the answer's headers and bytes. */
  timeoutMs: number;
  /** The client went away: stop relaying. */
  signal: AbortSignal;
}

export interface ProxyResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Synapse's body, streamed: never buffered whole. */
  body: Readable;
}

/**
 * Relays requests to Synapse unchanged over its own keep-alive pool, so downloads and uploads never
 * queue the broker's own calls. Synapse down or silent → OM_SYNAPSE_UNAVAILABLE with Retry-After;
 * every answer Synapse gives (errors and 429s included) is the caller's to pass on.
 */
export class MatrixProxy {
  readonly #pool: Pool;

  constructor(options: MatrixProxyOptions) {
    this.#pool = new Pool(new URL(options.homeserverUrl).origin, {
      connections: options.maxConnections ?? 64,
      keepAliveTimeout: 30_000,
    });
  }

  async forward(request: ProxyRequest): Promise<ProxyResponse> {
    const stalled = new AbortController();
    const timer = setTimeout(
      () => stalled.abort(new Error('no progress relaying to the homeserver')),
      request.timeoutMs,
    );
    const body = request.body && limited(request.body, request.maxBodyBytes, () => timer.refresh());
    try {
      const response = await this.#pool.request({
        method: request.method,
        path: request.path,
        headers: request.headers,
        body: body ?? null,
        signal: AbortSignal.any([stalled.signal, request.signal]),
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (cause) {
      if (isBrokerError(cause, 'OM_BODY_TOO_LARGE')) throw cause;
      // Nobody is left to answer; this only ends the request's handling.
      if (request.signal.aborted)
        throw new BrokerError('OM_BAD_REQUEST', { message: 'The client went away' });
      throw new BrokerError('OM_SYNAPSE_UNAVAILABLE', { cause, retryAfterSeconds: 5 });
    } finally {
      // From the headers on, undici's bodyTimeout watches the answer.
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}

/**
 * The request body, counted: past `maxBytes` it fails with OM_BODY_TOO_LARGE. The client's stream
 * is unpiped, not destroyed, so the 413 can still be answered (on a connection then closed).
 */
function limited(source: Readable, maxBytes: number, onProgress: () => void): Readable {
  let total = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > maxBytes) return callback(new BrokerError('OM_BODY_TOO_LARGE'));
      onProgress();
      callback(null, chunk);
    },
  });
  return source.pipe(counter);
}

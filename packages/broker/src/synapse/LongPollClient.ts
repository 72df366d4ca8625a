import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** Synapse's answer to a long-poll, as `SynapseClient` needs it. */
export interface LongPollAnswer {
  status: number;
  text: string;
  retryAfter: string | undefined;
}

export type LongPollErrorCode =
  | 'OM_LONG_POLL_TIMEOUT'
  | 'OM_LONG_POLL_CLOSED'
  | 'OM_LONG_POLL_PROTOCOL'
  | 'OM_LONG_POLL_TOO_LARGE';

/** A long-poll that got no (whole) answer; socket errors (`ECONNREFUSED`…) come through as they are. */
export class LongPollError extends Error {
  constructor(
    readonly code: LongPollErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LongPollError';
  }
}

export interface LongPollClientOptions {
  /** `http(s)://host[:port]` of the homeserver. */
  origin: string;
  /** Connections open at once, in flight or idle; further long-polls wait for one. */
  maxConnections: number;
  /** A kept-alive connection nobody reuses is closed after this long. */
  idleTimeoutMs?: number;
  maxHeaderBytes?: number;
  maxBodyBytes?: number;
  /**
   * For `https:`: the certificates to trust instead of Node's roots. Unset in the broker, which
   * trusts what `fetch` trusts (Node's roots and `NODE_EXTRA_CA_CERTS`); tests pass their own.
   */
  ca?: string | undefined;
}

/** How often deadlines and idle connections are checked: deadlines fire up to this much late. */
const SWEEP_MS = 1000;

/**
 * A minimal HTTP/1.1 client for `GET` long-polls, with keep-alive connections. Every idle SSE user
 * has one of these in flight at all times, so it holds no more than it must while it waits: its
 * socket, one `Connection` (parser state) and one `Call` (the promise's ends) — no timer or
 * listener closure per call (one sweep checks every deadline), and no copy of the request once it
 * is sent.
 *
 * Answers: `Content-Length`, chunked or until close; informational (1xx) answers are skipped.
 * Each call has a deadline of `timeoutMs` for the answer's head, renewed by every piece of its body.
 */
export class LongPollClient {
  readonly #options: Required<Omit<LongPollClientOptions, 'ca'>> & Pick<LongPollClientOptions, 'ca'>;
  readonly #url: URL;
  readonly #idle: Connection[] = [];
  readonly #inFlight = new Set<Connection>();
  readonly #waiting: Call[] = [];
  #open = 0;
  #closed = false;
  readonly #sweep: NodeJS.Timeout;

  constructor(options: LongPollClientOptions) {
    this.#options = {
      idleTimeoutMs: 30_000,
      maxHeaderBytes: 64 * 1024,
      maxBodyBytes: 256 * 1024 * 1024,
      ...options,
    };
    this.#url = new URL(options.origin);
    if (this.#url.protocol !== 'http:' && this.#url.protocol !== 'https:') {
      throw new Error(`long-polls need an http(s) origin, not ${this.#url.protocol}`);
    }
    this.#sweep = setInterval(() => this.#checkDeadlines(), SWEEP_MS);
    this.#sweep.unref();
  }

  /** `GET path` with these credentials; `signal` calls it off (rejecting with its reason). */
  get(path: string, authorization: string, timeoutMs: number, signal?: AbortSignal): Promise<LongPollAnswer> {
    if (this.#closed) return Promise.reject(new LongPollError('OM_LONG_POLL_CLOSED', 'client closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const call = new Call(this, path, authorization, timeoutMs, signal, resolve, reject);
      signal?.addEventListener('abort', call, { once: true });
      this.#dispatch(call, false);
    });
  }

  /** Ends every connection; calls in flight or waiting fail with OM_LONG_POLL_CLOSED. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweep);
    const closed = new LongPollError('OM_LONG_POLL_CLOSED', 'client closed');
    for (const call of this.#waiting.splice(0)) call.settle(closed);
    for (const connection of [...this.#inFlight]) this.#fail(connection, closed);
    for (const connection of this.#idle.splice(0)) connection.socket.destroy();
  }

  /** @internal A call's signal fired. */
  abort(call: Call): void {
    const waiting = this.#waiting.indexOf(call);
    if (waiting >= 0) this.#waiting.splice(waiting, 1);
    const { connection } = call;
    if (connection) {
      // Half an answer leaves the connection in an unknown state: it goes.
      this.#inFlight.delete(connection);
      connection.call = undefined;
      this.#drop(connection);
    }
    call.settle(call.signal?.reason);
  }

  /** @internal The connection's socket said something. */
  data(connection: Connection, chunk: Buffer): void {
    if (!connection.call) {
      // Nothing was asked: a server talking out of turn cannot be trusted with the next call.
      this.#drop(connection);
      return;
    }
    connection.received = true;
    let answer: LongPollAnswer | undefined;
    try {
      answer = connection.parse(chunk, this.#options);
    } catch (err) {
      this.#fail(connection, err);
      return;
    }
    if (connection.call) connection.call.deadline = Date.now() + connection.call.timeoutMs;
    if (answer) this.#succeed(connection, answer);
  }

  /** @internal The socket ended (`err` undefined) or failed. */
  ended(connection: Connection, err?: Error): void {
    if (!connection.call) {
      this.#drop(connection);
      return;
    }
    const answer = err ? undefined : connection.untilClose();
    if (answer) this.#succeed(connection, answer);
    else
      this.#fail(
        connection,
        err ?? new LongPollError('OM_LONG_POLL_PROTOCOL', 'connection closed mid-answer'),
      );
  }

  #dispatch(call: Call, fresh: boolean): void {
    if (!fresh) {
      const idle = this.#idle.pop();
      if (idle) {
        this.#send(idle, call, true);
        return;
      }
    }
    if (this.#open >= this.#options.maxConnections) {
      this.#waiting.push(call);
      return;
    }
    this.#open++;
    this.#send(new Connection(this, this.#connect()), call, false);
  }

  #connect(): Socket {
    const url = this.#url;
    const https = url.protocol === 'https:';
    const port = Number(url.port) || (https ? 443 : 80);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const socket = https
      ? tlsConnect({
          host,
          port,
          // SNI takes host names only.
          ...(isIP(host) ? {} : { servername: host }),
          ALPNProtocols: ['http/1.1'],
          ...(this.#options.ca === undefined ? {} : { ca: this.#options.ca }),
        })
      : netConnect({ host, port });
    socket.setNoDelay(true);
    return socket;
  }

  #send(connection: Connection, call: Call, reused: boolean): void {
    connection.call = call;
    connection.reused = reused;
    connection.received = false;
    call.connection = connection;
    call.deadline = Date.now() + call.timeoutMs;
    this.#inFlight.add(connection);
    // Written and let go: only the caller's own strings stay behind while the answer is awaited.
    connection.socket.write(
      `GET ${call.path} HTTP/1.1\r\nHost: ${this.#url.host}\r\nAuthorization: ${call.authorization}\r\n` +
        'Accept: application/json\r\n\r\n',
    );
  }

  #succeed(connection: Connection, answer: LongPollAnswer): void {
    const { call } = connection;
    this.#inFlight.delete(connection);
    connection.call = undefined;
    call?.settle(undefined, answer);
    if (connection.keepAlive && !this.#closed) {
      connection.idleSince = Date.now();
      this.#idle.push(connection);
      this.#next();
    } else this.#drop(connection);
  }

  #fail(connection: Connection, err: unknown): void {
    const { call } = connection;
    this.#inFlight.delete(connection);
    connection.call = undefined;
    this.#drop(connection);
    if (!call) return;
    // A kept-alive connection the server had already closed: the request never got anywhere.
    if (connection.reused && !connection.received && !this.#closed && !isTimeout(err)) {
      this.#dispatch(call, true);
      return;
    }
    call.settle(err);
  }

  /** Closes a connection for good (its call, if any, is the caller's business). */
  #drop(connection: Connection): void {
    const idle = this.#idle.indexOf(connection);
    if (idle >= 0) this.#idle.splice(idle, 1);
    if (!connection.dropped) {
      connection.dropped = true;
      this.#open--;
      connection.socket.destroy();
      this.#next();
    }
  }

  /** A connection came free: the oldest waiting call gets it. */
  #next(): void {
    const call = this.#waiting.shift();
    if (call) this.#dispatch(call, false);
  }

  #checkDeadlines(): void {
    const now = Date.now();
    for (const connection of this.#inFlight) {
      if (connection.call && connection.call.deadline <= now) {
        this.#fail(connection, new LongPollError('OM_LONG_POLL_TIMEOUT', 'no answer in time'));
      }
    }
    while (this.#idle.length > 0 && now - (this.#idle[0]?.idleSince ?? now) >= this.#options.idleTimeoutMs) {
      const oldest = this.#idle[0];
      if (oldest) this.#drop(oldest);
    }
  }
}

function isTimeout(err: unknown): boolean {
  return err instanceof LongPollError && err.code === 'OM_LONG_POLL_TIMEOUT';
}

/** One long-poll: what to ask, and the ends of its promise. */
class Call {
  connection: Connection | undefined;
  deadline = 0;

  constructor(
    readonly client: LongPollClient,
    /** Kept (the caller's strings, not copies) so a stale kept-alive connection can retry it. */
    readonly path: string,
    readonly authorization: string,
    readonly timeoutMs: number,
    readonly signal: AbortSignal | undefined,
    public resolve: ((answer: LongPollAnswer) => void) | undefined,
    public reject: ((err: unknown) => void) | undefined,
  ) {}

  /** The signal's listener (an object, so no closure per call). */
  handleEvent(): void {
    this.client.abort(this);
  }

  settle(err: unknown, answer?: LongPollAnswer): void {
    const { resolve, reject } = this;
    this.resolve = this.reject = undefined;
    this.connection = undefined;
    this.signal?.removeEventListener('abort', this);
    if (answer) resolve?.(answer);
    else reject?.(err);
  }
}

const Phase = {
  Head: 0,
  Length: 1,
  ChunkSize: 2,
  ChunkData: 3,
  ChunkEnd: 4,
  Trailers: 5,
  UntilClose: 6,
} as const;

const connectionOf = new WeakMap<Socket, Connection>();
// One set of listeners for every socket: `this` is the socket.
function onData(this: Socket, chunk: Buffer): void {
  const connection = connectionOf.get(this);
  connection?.client.data(connection, chunk);
}
function onEnd(this: Socket): void {
  const connection = connectionOf.get(this);
  connection?.client.ended(connection);
}
function onError(this: Socket, err: Error): void {
  const connection = connectionOf.get(this);
  connection?.client.ended(connection, err);
}

/** One keep-alive connection and the parser state of the answer it is reading. */
class Connection {
  call: Call | undefined;
  reused = false;
  /** Whether any byte of the current answer arrived. */
  received = false;
  dropped = false;
  idleSince = 0;
  keepAlive = false;
  #phase: (typeof Phase)[keyof typeof Phase] = Phase.Head;
  #pending: Buffer | undefined;
  #status = 0;
  #retryAfter: string | undefined;
  #remaining = 0;
  #body: Buffer[] = [];
  #bodyBytes = 0;

  constructor(
    readonly client: LongPollClient,
    readonly socket: Socket,
  ) {
    connectionOf.set(socket, this);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.on('close', onEnd);
  }

  /** Feeds a piece of the answer: the whole answer once it is complete. */
  parse(chunk: Buffer, limits: { maxHeaderBytes: number; maxBodyBytes: number }): LongPollAnswer | undefined {
    let buffer = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    for (;;) {
      switch (this.#phase) {
        case Phase.Head: {
          const end = buffer.indexOf('\r\n\r\n');
          if (end === -1) {
            if (buffer.length > limits.maxHeaderBytes) throw protocol('answer head too large');
            this.#pending = buffer;
            return undefined;
          }
          const body = this.#head(buffer.toString('latin1', 0, end));
          buffer = buffer.subarray(end + 4);
          if (body === 'informational') continue;
          if (body === 'none') return this.#done(buffer);
          break;
        }
        case Phase.Length: {
          const piece = buffer.subarray(0, this.#remaining);
          this.#take(piece, limits.maxBodyBytes);
          this.#remaining -= piece.length;
          buffer = buffer.subarray(piece.length);
          if (this.#remaining === 0) return this.#done(buffer);
          return undefined;
        }
        case Phase.UntilClose:
          this.#take(buffer, limits.maxBodyBytes);
          return undefined;
        case Phase.ChunkSize: {
          const end = buffer.indexOf('\r\n');
          if (end === -1) {
            if (buffer.length > 1024) throw protocol('chunk size line too long');
            this.#pending = buffer;
            return undefined;
          }
          const size = buffer.toString('latin1', 0, end).split(';', 1)[0]?.trim() ?? '';
          if (!/^[0-9a-fA-F]{1,12}$/.test(size)) throw protocol('bad chunk size');
          this.#remaining = Number.parseInt(size, 16);
          this.#phase = this.#remaining === 0 ? Phase.Trailers : Phase.ChunkData;
          buffer = buffer.subarray(end + 2);
          break;
        }
        case Phase.ChunkData: {
          if (buffer.length === 0) return undefined;
          const piece = buffer.subarray(0, this.#remaining);
          this.#take(piece, limits.maxBodyBytes);
          this.#remaining -= piece.length;
          buffer = buffer.subarray(piece.length);
          if (this.#remaining === 0) this.#phase = Phase.ChunkEnd;
          break;
        }
        case Phase.ChunkEnd:
          if (buffer.length < 2) {
            if (buffer.length > 0) this.#pending = buffer;
            return undefined;
          }
          if (buffer[0] !== 0x0d || buffer[1] !== 0x0a) throw protocol('chunk not followed by CRLF');
          buffer = buffer.subarray(2);
          this.#phase = Phase.ChunkSize;
          break;
        case Phase.Trailers: {
          const end = buffer.indexOf('\r\n');
          if (end === -1) {
            if (buffer.length > limits.maxHeaderBytes) throw protocol('trailers too large');
            this.#pending = buffer;
            return undefined;
          }
          buffer = buffer.subarray(end + 2);
          if (end === 0) return this.#done(buffer);
          break;
        }
      }
    }
  }

  /** The answer, when its body runs until the connection closes (and has); else undefined. */
  untilClose(): LongPollAnswer | undefined {
    if (this.#phase !== Phase.UntilClose) return undefined;
    this.keepAlive = false;
    return this.#answer();
  }

  /** Reads the status line and headers; what kind of body follows. */
  #head(head: string): 'informational' | 'none' | 'body' {
    const [statusLine = '', ...lines] = head.split('\r\n');
    const match = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: |$)/.exec(statusLine);
    if (!match) throw protocol('not an HTTP/1.x answer');
    const status = Number(match[2]);
    if (status >= 100 && status < 200) return 'informational';
    let length: number | undefined;
    let chunked = false;
    let encoded = false;
    let close = match[1] === '0';
    let retryAfter: string | undefined;
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw protocol('bad header line');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d{1,15}$/.test(value) || (length !== undefined && length !== Number(value))) {
          throw protocol('bad Content-Length');
        }
        length = Number(value);
      } else if (name === 'transfer-encoding') {
        encoded = true;
        chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
      } else if (name === 'connection') {
        if (/(?:^|,)\s*close\s*(?:,|$)/i.test(value)) close = true;
      } else if (name === 'retry-after') retryAfter = value;
    }
    this.#status = status;
    this.#retryAfter = retryAfter;
    this.keepAlive = !close;
    this.#body = [];
    this.#bodyBytes = 0;
    if (status === 204 || status === 304) return 'none';
    if (encoded) {
      // A Transfer-Encoding overrides any Content-Length (RFC 9112 §6.3); only chunked ends in-band.
      if (chunked) this.#phase = Phase.ChunkSize;
      else {
        this.#phase = Phase.UntilClose;
        this.keepAlive = false;
      }
    } else if (length !== undefined) {
      if (length === 0) return 'none';
      this.#phase = Phase.Length;
      this.#remaining = length;
    } else {
      this.#phase = Phase.UntilClose;
      this.keepAlive = false;
    }
    return 'body';
  }

  #take(piece: Buffer, maxBodyBytes: number): void {
    if (piece.length === 0) return;
    this.#bodyBytes += piece.length;
    if (this.#bodyBytes > maxBodyBytes) {
      throw new LongPollError('OM_LONG_POLL_TOO_LARGE', 'answer body too large');
    }
    this.#body.push(piece);
  }

  #done(rest: Buffer): LongPollAnswer {
    // Bytes after the answer were never asked for: the connection is not reused.
    if (rest.length > 0) this.keepAlive = false;
    return this.#answer();
  }

  #answer(): LongPollAnswer {
    const answer = {
      status: this.#status,
      text: Buffer.concat(this.#body, this.#bodyBytes).toString('utf8'),
      retryAfter: this.#retryAfter,
    };
    this.#phase = Phase.Head;
    this.#pending = undefined;
    this.#body = [];
    this.#bodyBytes = 0;
    this.#retryAfter = undefined;
    return answer;
  }
}

function protocol(message: string): LongPollError {
  return new LongPollError('OM_LONG_POLL_PROTOCOL', message);
}

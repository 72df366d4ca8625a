import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';

export interface SseEvent {
  type: string;
  data: string;
  /** The last event id after this event (WHATWG: carried over from earlier events). */
  lastEventId: string;
  /** The id field of this very event, if it had one. */
  id: string | undefined;
}

/**
 * A WHATWG-conformant event stream parser (HTML §9.2.6): CRLF, CR and LF all end a line, also
 * across chunk boundaries; comments are skipped; `data` lines are joined with LF.
 */
export class SseParser {
  #buffer = '';
  #pendingCr = false;
  #data = '';
  #type = '';
  #id: string | undefined;
  lastEventId = '';
  retry: number | undefined;
  comments = 0;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(chunk: string): void {
    let text = chunk;
    // A CR ending the previous chunk already ended its line; an LF right after it belongs to it.
    if (this.#pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.#pendingCr = false;
    this.#buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      if (!match) break;
      if (match[0] === '\r' && match.index === this.#buffer.length - 1) this.#pendingCr = true;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data === '') {
        this.#type = '';
        this.#id = undefined;
        return;
      }
      this.onEvent({
        type: this.#type || 'message',
        data: this.#data.slice(0, -1),
        lastEventId: this.lastEventId,
        id: this.#id,
      });
      this.#data = '';
      this.#type = '';
      this.#id = undefined;
      return;
    }
    if (line.startsWith(':')) {
      this.comments++;
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#type = value;
    else if (field === 'data') this.#data += `${value}\n`;
    else if (field === 'id' && !value.includes('\0')) {
      this.lastEventId = value;
      this.#id = value;
    } else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}

export interface SseConnection {
  status: number;
  headers: IncomingHttpHeaders;
  /** JSON body of a non-200 answer. */
  body: string;
  events: SseEvent[];
  parser: SseParser;
  ended: Promise<void>;
  isEnded(): boolean;
  /** Resolves with the first event (from the start) matching, or rejects after `timeoutMs`. */
  waitFor(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  pause(): void;
  resume(): void;
  close(): void;
}

/** Opens `GET url` as an event stream (cookie, Last-Event-ID and Origin as given). */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const events: SseEvent[] = [];
      const waiters = new Set<() => void>();
      const parser = new SseParser((event) => {
        events.push(event);
        for (const wake of waiters) wake();
      });
      let ended = false;
      let body = '';
      res.setEncoding('utf8');
      const endedPromise = new Promise<void>((done) => {
        const finish = () => {
          ended = true;
          for (const wake of waiters) wake();
          done();
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      });
      const connection: SseConnection = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        get body() {
          return body;
        },
        events,
        parser,
        ended: endedPromise,
        isEnded: () => ended,
        waitFor: (predicate, timeoutMs = 15_000) =>
          new Promise((found, fail) => {
            const check = () => {
              const event = events.find(predicate);
              if (event) {
                waiters.delete(check);
                clearTimeout(timer);
                found(event);
              } else if (ended) {
                waiters.delete(check);
                clearTimeout(timer);
                fail(
                  new Error(`stream ended; ${events.length} events: ${events.map((e) => e.type).join(',')}`),
                );
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`timed out; ${events.length} events: ${events.map((e) => e.type).join(',')}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          }),
        pause: () => res.pause(),
        resume: () => res.resume(),
        close: () => {
          req.destroy();
          res.destroy();
        },
      };
      res.on('data', (chunk: string) => {
        if (connection.status === 200) parser.push(chunk);
        else body += chunk;
      });
      if (connection.status !== 200) endedPromise.then(() => resolve(connection));
      else resolve(connection);
    });
    req.end();
  });
}

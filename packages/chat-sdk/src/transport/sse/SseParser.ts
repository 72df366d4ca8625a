/** One dispatched server-sent event. */
export interface SseEvent {
  /** `message` when the stream named none. */
  event: string;
  data: string;
  /** The last event id seen on the stream so far (ids persist until replaced, per the spec). */
  lastEventId: string;
}

/**
 * An incremental `text/event-stream` parser following the WHATWG HTML rules: lines end with CRLF,
 * LF or CR (a CR at a chunk's end waits for a possible LF), `data` lines join with LF, comments
 * and unknown fields are ignored, an `id` with NUL is ignored, `retry` takes digits only, and an
 * event with no data is not dispatched.
 */
export class SseParser {
  #buffer = '';
  #pendingCr = false;
  #data: string[] = [];
  #eventName = '';
  #lastEventId = '';
  readonly #decoder = new TextDecoder();

  readonly #onEvent: (event: SseEvent) => void;
  readonly #onRetry: (ms: number) => void;

  constructor(onEvent: (event: SseEvent) => void, onRetry: (ms: number) => void = () => {}) {
    this.#onEvent = onEvent;
    this.#onRetry = onRetry;
  }

  /** Feeds bytes (or text) as they arrive. */
  push(chunk: Uint8Array | string): void {
    let text = typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (this.#pendingCr) {
      this.#pendingCr = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.#buffer += text;
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const char = this.#buffer[i];
      if (char !== '\n' && char !== '\r') continue;
      this.#line(this.#buffer.slice(start, i));
      if (char === '\r') {
        if (i + 1 === this.#buffer.length) this.#pendingCr = true;
        else if (this.#buffer[i + 1] === '\n') i++;
      }
      start = i + 1;
    }
    this.#buffer = this.#buffer.slice(start);
  }

  #line(line: string): void {
    if (line === '') {
      this.#dispatch();
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.#eventName = value;
        break;
      case 'data':
        this.#data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.#lastEventId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.#onRetry(Number(value));
        break;
    }
  }

  #dispatch(): void {
    const hasData = this.#data.length > 0;
    const event = {
      event: this.#eventName || 'message',
      data: this.#data.join('\n'),
      lastEventId: this.#lastEventId,
    };
    this.#data = [];
    this.#eventName = '';
    if (hasData) this.#onEvent(event);
  }
}

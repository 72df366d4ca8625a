/** One Server-Sent Events message (WHATWG HTML §9.2). `data` is sent verbatim, split into lines. */
export interface SseMessage {
  event?: string;
  id?: string;
  data: string;
}

const FIELD_BREAKERS = /[\r\n\0]/;
const LINE_ENDINGS = /\r\n|\r|\n/;

/**
 * Encodes one message. `event` and `id` cannot be split into lines like `data`, so a CR, LF or NUL
 * in them (which would let a value inject its own fields, or make browsers ignore the id) throws.
 * `data` is split on every line ending the parser recognises (CRLF, CR, LF), so the client joins it
 * back with `\n`: any text arrives as one event, whatever it contains.
 */
export function encodeSseEvent(message: SseMessage): string {
  let frame = '';
  if (message.event !== undefined) frame += `event: ${field('event', message.event)}\n`;
  if (message.id !== undefined) frame += `id: ${field('id', message.id)}\n`;
  for (const line of message.data.split(LINE_ENDINGS)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** A comment line: ignored by clients, it keeps proxies and idle timeouts from closing the stream. */
export function encodeSseComment(text: string): string {
  return `: ${field('comment', text)}\n\n`;
}

/** How long a client waits before reconnecting, in milliseconds. */
export function encodeSseRetry(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`retry must be a whole number, got ${ms}`);
  return `retry: ${ms}\n\n`;
}

function field(name: string, value: string): string {
  if (FIELD_BREAKERS.test(value)) throw new TypeError(`SSE ${name} must not contain CR, LF or NUL`);
  return value;
}

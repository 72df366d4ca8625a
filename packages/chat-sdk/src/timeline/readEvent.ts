import type { MessageItem, RawEvent } from './types.js';

/** Marks a relation echo this client added (`unsigned` is set by servers, never by other users). */
export const LOCAL_ECHO_MARK = 'org.openmeet.local_echo';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The event with the fields this module relies on checked, or `undefined` when it cannot be placed
 * (no event id, type or sender). Events come from other users and servers, so nothing is trusted:
 * content that is not an object becomes `{}`, a bad timestamp `0`, ill-typed optional fields are dropped.
 * A well-formed event is returned as it is (no copy).
 */
export function readEvent(raw: unknown): RawEvent | undefined {
  if (!isRecord(raw)) return undefined;
  const { event_id, type, sender, origin_server_ts, content, state_key, redacts, room_id, unsigned } = raw;
  if (
    typeof event_id !== 'string' ||
    event_id === '' ||
    typeof type !== 'string' ||
    typeof sender !== 'string'
  ) {
    return undefined;
  }
  const tsOk = typeof origin_server_ts === 'number' && Number.isFinite(origin_server_ts);
  const wellFormed =
    tsOk &&
    isRecord(content) &&
    (state_key === undefined || typeof state_key === 'string') &&
    (redacts === undefined || typeof redacts === 'string') &&
    (room_id === undefined || typeof room_id === 'string') &&
    (unsigned === undefined || isRecord(unsigned));
  if (wellFormed) return raw as unknown as RawEvent;
  const event: RawEvent = {
    event_id,
    type,
    sender,
    origin_server_ts: tsOk ? origin_server_ts : 0,
    content: isRecord(content) ? content : {},
  };
  if (typeof state_key === 'string') event.state_key = state_key;
  if (typeof redacts === 'string') event.redacts = redacts;
  if (typeof room_id === 'string') event.room_id = room_id;
  if (isRecord(unsigned)) event.unsigned = unsigned;
  return event;
}

export function transactionIdOf(event: RawEvent): string | undefined {
  const txnId = event.unsigned?.transaction_id;
  return typeof txnId === 'string' && txnId !== '' ? txnId : undefined;
}

export function isLocalEcho(event: RawEvent): boolean {
  return event.unsigned?.[LOCAL_ECHO_MARK] === true;
}

/** The id a redaction targets: top-level `redacts` (room versions < 11) or `content.redacts` (v11). */
export function redactsOf(event: RawEvent): string | undefined {
  if (event.type !== 'm.room.redaction') return undefined;
  if (typeof event.redacts === 'string' && event.redacts !== '') return event.redacts;
  const inContent = event.content.redacts;
  return typeof inContent === 'string' && inContent !== '' ? inContent : undefined;
}

export type Redaction = NonNullable<MessageItem['redacted']>;

export function redactionFrom(redaction: RawEvent | Record<string, unknown>): Redaction {
  const { sender, origin_server_ts, content } = redaction as Record<string, unknown>;
  const reason = isRecord(content) ? content.reason : undefined;
  const result: Redaction = {
    by: typeof sender === 'string' ? sender : '',
    ts: typeof origin_server_ts === 'number' && Number.isFinite(origin_server_ts) ? origin_server_ts : 0,
  };
  if (typeof reason === 'string') result.reason = reason;
  return result;
}

/** `unsigned.redacted_because`: the event arrived already redacted. */
export function redactedBecauseOf(event: RawEvent): Redaction | undefined {
  const because = event.unsigned?.redacted_because;
  return isRecord(because) ? redactionFrom(because) : undefined;
}

export function replyToOf(content: Record<string, unknown>): string | undefined {
  const relatesTo = content['m.relates_to'];
  if (!isRecord(relatesTo)) return undefined;
  const inReplyTo = relatesTo['m.in_reply_to'];
  if (!isRecord(inReplyTo)) return undefined;
  return typeof inReplyTo.event_id === 'string' && inReplyTo.event_id !== '' ? inReplyTo.event_id : undefined;
}

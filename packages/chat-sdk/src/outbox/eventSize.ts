/** The Matrix limit for a whole event, federation format included (spec: "Size limits"). */
export const MAX_EVENT_BYTES = 65_536;

/**
 * What the federation format (PDU) adds on top of the client envelope measured below: `auth_events`
 * (about 4 event ids of 44 characters), `prev_events` (usually 1–3 ids), `depth`, `hashes` (a 43-character
 * sha256) and `signatures` (an 86-character ed25519 signature keyed by server name and key id) come to
 * roughly 600–900 bytes for a typical room; the envelope's `event_id` and `unsigned`, which the PDU
 * does not carry, are counted as well, so 1 KiB keeps the estimate on the safe side.
 */
export const EVENT_SIZE_MARGIN_BYTES = 1_024;

export interface EventSizeInput {
  readonly userId: string;
  readonly roomId: string;
  readonly eventType: string;
  readonly content: Record<string, unknown>;
  readonly txnId: string;
  readonly redacts?: string;
}

const encoder = new TextEncoder();

/**
 * A conservative estimate of the event's size in bytes as the homeserver will measure it (canonical
 * JSON, UTF-8): the event as the server would return it, with the longest `event_id` and
 * `origin_server_ts` it can have, plus `EVENT_SIZE_MARGIN_BYTES`. Compare with `MAX_EVENT_BYTES`.
 */
export function eventSize(input: EventSizeInput): number {
  const envelope = {
    type: input.eventType,
    content: input.content,
    room_id: input.roomId,
    sender: input.userId,
    event_id: `$${'x'.repeat(43)}`,
    origin_server_ts: 9_999_999_999_999,
    unsigned: { transaction_id: input.txnId },
    ...(input.redacts === undefined ? {} : { redacts: input.redacts }),
  };
  return encoder.encode(JSON.stringify(envelope)).length + EVENT_SIZE_MARGIN_BYTES;
}

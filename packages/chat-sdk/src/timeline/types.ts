/**
 * The timeline model: what the store keeps per room and what widgets render. Items are immutable;
 * every update returns new objects for what changed and keeps the others (so selectors and React
 * memoisation can compare by reference).
 */

/** A Matrix event in the client-server API's format, as `/sync`, `/messages` and `/event` return it. */
export interface RawEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts: number;
  content: Record<string, unknown>;
  state_key?: string;
  redacts?: string;
  room_id?: string;
  unsigned?: {
    transaction_id?: string;
    redacted_because?: RawEvent;
    prev_content?: Record<string, unknown>;
    age?: number;
    [key: string]: unknown;
  };
}

/**
 * Where a message of this user stands. `sending`: in the outbox (waiting or in flight);
 * `sent`: the server accepted it (event id known), its remote echo may still be on its way;
 * `failed`: refused for good (with a reason); `unsent`: gave up retrying after 5 minutes,
 * can be resent or discarded. Remote messages have no send state.
 */
export type SendState = 'sending' | 'sent' | 'failed' | 'unsent';

export interface ReactionGroup {
  /** The reaction key, usually an emoji. */
  key: string;
  count: number;
  /** Senders in the order their reactions arrived. */
  senders: string[];
  /** The event id of this user's own reaction with this key, so it can be redacted (un-reacted). */
  ownEventId?: string;
}

export interface MessageItem {
  kind: 'message';
  /**
   * Stable identity for rendering: the transaction id for messages this client sent (it survives
   * the remote echo), otherwise the event id.
   */
  key: string;
  /** Absent while a local echo has not been accepted by the server. */
  eventId?: string;
  txnId?: string;
  sender: string;
  /** Server timestamp (local clock for a local echo). */
  ts: number;
  /** `m.room.message`, `m.sticker`, … */
  type: string;
  /** The current content: the latest edit's `m.new_content` applied, else the original. */
  content: Record<string, unknown>;
  /** The content as first sent; set only when the message was edited. */
  original?: Record<string, unknown>;
  /** The latest edit that applies (by the original sender). */
  edit?: { eventId: string; ts: number };
  /** Set when the message was deleted; `content` is then `{}`. */
  redacted?: { by: string; reason?: string; ts: number };
  /** `m.relates_to.m.in_reply_to.event_id`, when the message is a reply. */
  replyTo?: string;
  /** Aggregated `m.annotation` reactions, in order of first appearance. */
  reactions: ReactionGroup[];
  /** Only for messages sent by this client. */
  sendState?: SendState;
  /** Why a send failed (`failed`/`unsent`). */
  error?: { code: string; message: string };
}

/** A state change worth showing (creation, name, topic, avatar, membership when enabled, …). */
export interface StateItem {
  kind: 'state';
  key: string;
  eventId: string;
  sender: string;
  ts: number;
  type: string;
  stateKey: string;
  content: Record<string, unknown>;
  prevContent?: Record<string, unknown>;
}

/**
 * Events the server has and this timeline does not: after a limited sync, or before the oldest
 * loaded event. `token` is the pagination token (`prev_batch`/`end`) to fetch backwards from.
 */
export interface GapItem {
  kind: 'gap';
  key: string;
  token: string;
  /** True while a fill request is in flight. */
  filling: boolean;
}

export type TimelineItem = MessageItem | StateItem | GapItem;

export interface RoomTimeline {
  /** Oldest first. */
  items: readonly TimelineItem[];
  /**
   * Token to paginate back from the oldest item; `null` once the room's creation was reached
   * (there is nothing older), `undefined` before anything was loaded.
   */
  backToken: string | null | undefined;
  /** True while a back-pagination is in flight. */
  paginating: boolean;
  /**
   * Every relation seen (edits, reactions, and redactions of either), keyed by target event id,
   * whether or not the target is loaded: an item's content and reactions are derived from its
   * original event plus these, so a later redaction of an edit or a reaction can be undone, and
   * relations that arrive before their target (back-pagination) apply when it arrives. A Map,
   * never a plain object: the keys come from other users' events (`__proto__` included).
   */
  relations: ReadonlyMap<string, readonly RawEvent[]>;
}

export interface TimelineOptions {
  /** The signed-in user, to fill `ownEventId` of reactions. */
  userId: string;
  /** Show `m.room.member` changes as state items. Default false. */
  showMembership?: boolean;
}

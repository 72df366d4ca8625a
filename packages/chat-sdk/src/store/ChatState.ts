import type { RoomTimeline } from '../timeline/types.js';

/**
 * `connecting`: first sync under way; `live`: in sync; `reconnecting`: lost the homeserver, retrying
 * with backoff; `offline`: the browser says there is no network; `fallback`: live through the
 * broker's SSE stream instead of the homeserver; `error`: stopped until something changes (see
 * `error.code`, e.g. `CHAT_UNAUTHORIZED`: the host must sign in again). `idle`: not connected yet
 * or closed.
 */
export type ConnectionStatus =
  | 'idle'
  | 'connecting'
  | 'live'
  | 'reconnecting'
  | 'offline'
  | 'fallback'
  | 'error';

export interface ConnectionState {
  status: ConnectionStatus;
  transport: 'direct' | 'sse';
  error?: { code: string; message: string };
  /** Messages waiting in the outbox (all rooms), for a "3 messages queued" banner. */
  queued: number;
}

export type RoomKind = 'group' | 'event' | 'dm' | 'other';
export type NotificationMode = 'all' | 'mentions' | 'mute';

export interface RoomSummary {
  roomId: string;
  membership: 'join' | 'invite' | 'leave' | 'ban';
  /** From the broker's `org.openmeet.room` state (and `m.direct` for DMs made elsewhere). */
  kind: RoomKind;
  /** The host entity a group or event room belongs to. */
  entity?: { kind: 'group' | 'event'; id: string };
  /** The room's name, else the other member's name for a DM, else a fallback. */
  name: string;
  topic?: string;
  /** `mxc://` URI. */
  avatarUrl?: string;
  /** The other member of a DM. */
  dmUserId?: string;
  /** Notifying messages since this user's read receipt (the server's count). */
  unread: number;
  /** Of those, highlights: mentions of this user or keywords. */
  mentions: number;
  notification: NotificationMode;
  /** Timestamp of the newest event, for sorting a room list. */
  lastActivityTs: number;
  /** This user's fully-read marker (`m.fully_read`): where the "new messages" line goes. */
  fullyReadEventId?: string;
  /** Users typing now, this user excluded. */
  typing: readonly string[];
  /** Set when the room was read-only for this user (e.g. an archived group or ended event). */
  readOnly: boolean;
}

export interface Member {
  userId: string;
  displayName?: string;
  avatarUrl?: string;
  membership: string;
  powerLevel: number;
}

/** The newest read receipt of one user in one room. */
export interface Receipt {
  eventId: string;
  ts: number;
}

export interface ChatState {
  connection: ConnectionState;
  /** The signed-in Matrix user once a session exists. */
  userId: string | undefined;
  /** By room id (ids always start with `!`, so a hostile key cannot reach the prototype). */
  rooms: Readonly<Record<string, RoomSummary>>;
  timelines: Readonly<Record<string, RoomTimeline>>;
  /** Room id → user id → member (lazy-loaded: senders and the room's heroes first). */
  members: Readonly<Record<string, Readonly<Record<string, Member>>>>;
  /** Room id → user id → that user's newest read receipt. */
  receipts: Readonly<Record<string, Readonly<Record<string, Receipt>>>>;
  /** Room id → the levels the SDK needs (who may post; members' levels are in `members`). */
  powerLevels: Readonly<Record<string, PowerLevels>>;
}

export interface PowerLevels {
  usersDefault: number;
  eventsDefault: number;
  /** Level needed to send `m.room.message` (the `events` override, else `eventsDefault`). */
  message: number;
  redact: number;
  /** Explicit levels by user id (a Map: the keys come from room state). */
  users: ReadonlyMap<string, number>;
}

export function initialChatState(): ChatState {
  return {
    connection: { status: 'idle', transport: 'direct', queued: 0 },
    userId: undefined,
    rooms: {},
    timelines: {},
    members: {},
    receipts: {},
    powerLevels: {},
  };
}

import type { RawEvent } from '../timeline/types.js';

/**
 * The parts of a `/sync` response the SDK reads (client-server API). Both transports deliver this
 * shape: the direct one from the homeserver, the SSE one from the broker.
 */
export interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<string, JoinedRoomSync>;
    invite?: Record<string, { invite_state?: { events?: StrippedEvent[] } }>;
    leave?: Record<string, LeftRoomSync>;
  };
  account_data?: { events?: AccountDataEvent[] };
}

export interface JoinedRoomSync {
  timeline?: { events?: RawEvent[]; limited?: boolean; prev_batch?: string };
  state?: { events?: RawEvent[] };
  ephemeral?: { events?: AccountDataEvent[] };
  account_data?: { events?: AccountDataEvent[] };
  unread_notifications?: { notification_count?: number; highlight_count?: number };
  summary?: {
    'm.heroes'?: string[];
    'm.joined_member_count'?: number;
    'm.invited_member_count'?: number;
  };
}

export interface LeftRoomSync {
  timeline?: { events?: RawEvent[]; limited?: boolean; prev_batch?: string };
  state?: { events?: RawEvent[] };
}

/** Ephemeral and account-data events: no id, no sender. */
export interface AccountDataEvent {
  type: string;
  content: Record<string, unknown>;
}

export interface StrippedEvent {
  type: string;
  state_key: string;
  sender: string;
  content: Record<string, unknown>;
}

import { BrokerError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { SynapseClient } from '../synapse/SynapseClient.js';
import type { EntityRooms } from './EntityRooms.js';

export const NOTICE_TYPES = ['time_changed', 'starts_soon', 'cancelled', 'details_changed'] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

/** The structured field of a notice, for UIs that render event updates specially. */
export const NOTICE_FIELD = 'org.openmeet.notice';

export interface EventNotice {
  /** The host's id for this update: the same id never posts twice. */
  updateId: string;
  type: NoticeType;
  /** Plain text every Matrix client shows (the host words and localises it). */
  body: string;
  /** Details for the UI, e.g. `{ startsAt: '2025-06-01T18:00:00Z' }` (integers, no floats). */
  data?: Record<string, string | number | boolean | null>;
}

export interface EventNoticesOptions {
  synapse: SynapseClient;
  store: Store;
  rooms: EntityRooms;
  /** How long a posted update id is remembered. Default 30 days. */
  rememberMs?: number;
}

const MAX_UPDATE_ID = 200;
const MAX_BODY = 4000;
const noticeKey = (roomId: string, updateId: string) => `notice:${roomId}:${updateId}`;

/**
 * Posts host event updates into the event's room as `m.notice` from the service user. Idempotent
 * per update id twice over: the update id is the Matrix transaction id (Synapse answers concurrent
 * and quick retries with the first event, but remembers appservice transactions only for 30
 * minutes and not across restarts), and the posted event id is kept in the store for later retries.
 */
export class EventNotices {
  constructor(private readonly options: EventNoticesOptions) {}

  async post(
    hostEventId: string,
    notice: EventNotice,
  ): Promise<{ eventId: string; outcome: 'posted' | 'duplicate' }> {
    checkNotice(notice);
    const { synapse, store } = this.options;
    const roomId = await this.options.rooms.roomIdFor({ kind: 'event', id: hostEventId });
    const key = noticeKey(roomId, notice.updateId);
    const known = await store.get(key);
    if (known !== undefined) return { eventId: known, outcome: 'duplicate' };
    const eventId = await synapse.sendEvent(roomId, 'm.room.message', `notice.${notice.updateId}`, {
      msgtype: 'm.notice',
      body: notice.body,
      // Updates inform; they never ping anyone by accident through names in the text.
      'm.mentions': {},
      [NOTICE_FIELD]: {
        type: notice.type,
        updateId: notice.updateId,
        event: { type: 'event', id: hostEventId },
        data: notice.data ?? {},
      },
    });
    await store.set(key, eventId, { ttlMs: this.options.rememberMs ?? 30 * 86_400_000 });
    return { eventId, outcome: 'posted' };
  }
}

function checkNotice(notice: EventNotice): void {
  const bad = (message: string) => new BrokerError('OM_BAD_REQUEST', { message });
  if (notice.updateId.length === 0 || notice.updateId.length > MAX_UPDATE_ID) {
    throw bad(`The update id must have 1 to ${MAX_UPDATE_ID} characters`);
  }
  if (!NOTICE_TYPES.includes(notice.type))
    throw bad(`The notice type must be one of ${NOTICE_TYPES.join(', ')}`);
  if (notice.body.trim().length === 0 || notice.body.length > MAX_BODY) {
    throw bad(`The notice text must have 1 to ${MAX_BODY} characters`);
  }
  for (const value of Object.values(notice.data ?? {})) {
    // Matrix events carry no floats (canonical JSON): numbers must be safe integers.
    const ok =
      value === null ||
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isSafeInteger(value));
    if (!ok) throw bad('Notice data values must be strings, integers, booleans or null');
  }
}

import type {
  MessageItem,
  RawEvent,
  RoomTimeline,
  TimelineItem,
  TimelineOptions,
} from '../../src/timeline/index.js';
import { applyLiveEvents, emptyTimeline } from '../../src/timeline/index.js';

export const ME = '@me:example.org';
export const ALICE = '@alice:example.org';
export const BOB = '@bob:example.org';
export const options: TimelineOptions = { userId: ME };

interface EventOptions {
  sender?: string;
  ts?: number;
  unsigned?: RawEvent['unsigned'];
}

function base(id: string, type: string, content: Record<string, unknown>, opts: EventOptions): RawEvent {
  const event: RawEvent = {
    event_id: id,
    type,
    sender: opts.sender ?? ALICE,
    origin_server_ts: opts.ts ?? 1000,
    content,
  };
  if (opts.unsigned !== undefined) event.unsigned = opts.unsigned;
  return event;
}

export function message(id: string, body: string, opts: EventOptions & { replyTo?: string } = {}): RawEvent {
  const content: Record<string, unknown> = { msgtype: 'm.text', body };
  if (opts.replyTo !== undefined) content['m.relates_to'] = { 'm.in_reply_to': { event_id: opts.replyTo } };
  return base(id, 'm.room.message', content, opts);
}

export function edit(id: string, target: string, body: string, opts: EventOptions = {}): RawEvent {
  return base(
    id,
    'm.room.message',
    {
      msgtype: 'm.text',
      body: `* ${body}`,
      'm.new_content': { msgtype: 'm.text', body },
      'm.relates_to': { rel_type: 'm.replace', event_id: target },
    },
    opts,
  );
}

export function reaction(id: string, target: string, key: string, opts: EventOptions = {}): RawEvent {
  return base(
    id,
    'm.reaction',
    { 'm.relates_to': { rel_type: 'm.annotation', event_id: target, key } },
    opts,
  );
}

export function redaction(
  id: string,
  redacts: string,
  opts: EventOptions & { reason?: string; inContent?: boolean } = {},
): RawEvent {
  const content: Record<string, unknown> = {};
  if (opts.reason !== undefined) content.reason = opts.reason;
  if (opts.inContent === true) content.redacts = redacts;
  const event = base(id, 'm.room.redaction', content, opts);
  if (opts.inContent !== true) event.redacts = redacts;
  return event;
}

export function stateEvent(
  id: string,
  type: string,
  content: Record<string, unknown>,
  opts: EventOptions & { stateKey?: string } = {},
): RawEvent {
  return { ...base(id, type, content, opts), state_key: opts.stateKey ?? '' };
}

/** A timeline after an initial sync with `events`. */
export function loaded(events: RawEvent[], prevBatch = 'start'): RoomTimeline {
  return applyLiveEvents(emptyTimeline(), events, { limited: true, prevBatch }, options);
}

export function live(timeline: RoomTimeline, events: RawEvent[], prevBatch?: string): RoomTimeline {
  const batch = prevBatch === undefined ? { limited: false } : { limited: true, prevBatch };
  return applyLiveEvents(timeline, events, batch, options);
}

/** A readable outline of the items: event ids, `gap:<token>`, or the key of a local echo. */
export function outline(timeline: RoomTimeline): string[] {
  return timeline.items.map((item: TimelineItem) =>
    item.kind === 'gap' ? `gap:${item.token}` : (item.eventId ?? `local:${item.key}`),
  );
}

export function messageItem(timeline: RoomTimeline, eventIdOrKey: string): MessageItem {
  const found = timeline.items.find(
    (item): item is MessageItem =>
      item.kind === 'message' && (item.eventId === eventIdOrKey || item.key === eventIdOrKey),
  );
  if (found === undefined) throw new Error(`no message ${eventIdOrKey} in ${outline(timeline).join(', ')}`);
  return found;
}

/** Every permutation, to show that the order of arrival does not matter. */
export function permutations<T>(values: readonly T[]): T[][] {
  if (values.length <= 1) return [[...values]];
  return values.flatMap((value, i) =>
    permutations([...values.slice(0, i), ...values.slice(i + 1)]).map((rest) => [value, ...rest]),
  );
}

import { baseOf, withBase } from './itemBase.js';
import {
  isRecord,
  type Redaction,
  redactedBecauseOf,
  redactionFrom,
  redactsOf,
  replyToOf,
} from './readEvent.js';
import { sameMessage, sameState } from './sameMessage.js';
import type { MessageItem, RawEvent, ReactionGroup, StateItem } from './types.js';

type Relations = ReadonlyMap<string, readonly RawEvent[]>;

const NONE: readonly RawEvent[] = [];

function byTs(a: RawEvent, b: RawEvent): number {
  return a.origin_server_ts - b.origin_server_ts;
}

/** The earliest redaction of `eventId` among its relations. */
function redactionOf(eventId: string | undefined, relations: Relations): Redaction | undefined {
  if (eventId === undefined || eventId === '') return undefined;
  let first: RawEvent | undefined;
  for (const event of relations.get(eventId) ?? NONE) {
    if (
      redactsOf(event) === eventId &&
      (first === undefined || event.origin_server_ts < first.origin_server_ts)
    ) {
      first = event;
    }
  }
  return first === undefined ? undefined : redactionFrom(first);
}

/** A relation stops applying once it is redacted (then it can also have lost its content). */
function isRedacted(event: RawEvent, relations: Relations): boolean {
  return redactedBecauseOf(event) !== undefined || redactionOf(event.event_id, relations) !== undefined;
}

function relatesTo(event: RawEvent): Record<string, unknown> | undefined {
  const value = event.content['m.relates_to'];
  return isRecord(value) ? value : undefined;
}

/** The latest edit by the original sender still standing, with its `m.new_content`. */
function latestEdit(
  eventId: string,
  sender: string,
  related: readonly RawEvent[],
  relations: Relations,
): { event: RawEvent; newContent: Record<string, unknown> } | undefined {
  let latest: { event: RawEvent; newContent: Record<string, unknown> } | undefined;
  for (const event of related) {
    const relation = relatesTo(event);
    const newContent = event.content['m.new_content'];
    if (
      relation?.rel_type !== 'm.replace' ||
      relation.event_id !== eventId ||
      event.sender !== sender ||
      !isRecord(newContent) ||
      isRedacted(event, relations)
    ) {
      continue;
    }
    const later =
      latest === undefined ||
      event.origin_server_ts > latest.event.origin_server_ts ||
      (event.origin_server_ts === latest.event.origin_server_ts && event.event_id > latest.event.event_id);
    if (later) latest = { event, newContent };
  }
  return latest;
}

/**
 * `m.new_content` with the original's relation kept: a reply stays a reply, and whatever relation the
 * edit's new content claims is ignored, as the spec says.
 */
function editedContent(original: Record<string, unknown>, newContent: Record<string, unknown>) {
  const kept = Object.entries(newContent).filter(([key]) => key !== 'm.relates_to');
  const relation = original['m.relates_to'];
  if (relation !== undefined) kept.push(['m.relates_to', relation]);
  // fromEntries defines properties (a `__proto__` key stays a plain key, no prototype is set).
  return Object.fromEntries(kept);
}

function aggregateReactions(
  eventId: string,
  related: readonly RawEvent[],
  relations: Relations,
  userId: string,
): ReactionGroup[] {
  const groups = new Map<string, { group: ReactionGroup; senders: Set<string> }>();
  // By server time, so the order does not depend on whether a reaction came by sync or pagination.
  for (const event of [...related].sort(byTs)) {
    const relation = relatesTo(event);
    const key = relation?.key;
    if (
      event.type !== 'm.reaction' ||
      relation?.rel_type !== 'm.annotation' ||
      relation.event_id !== eventId ||
      typeof key !== 'string' ||
      isRedacted(event, relations)
    ) {
      continue;
    }
    let entry = groups.get(key);
    if (entry === undefined) {
      entry = { group: { key, count: 0, senders: [] }, senders: new Set() };
      groups.set(key, entry);
    }
    if (!entry.senders.has(event.sender)) {
      entry.senders.add(event.sender);
      entry.group.senders.push(event.sender);
      entry.group.count += 1;
    }
    if (event.sender === userId && entry.group.ownEventId === undefined && event.event_id !== '') {
      entry.group.ownEventId = event.event_id;
    }
  }
  return [...groups.values()].map((entry) => entry.group);
}

function deriveMessage(item: MessageItem, relations: Relations, userId: string): MessageItem {
  const base = baseOf(item);
  const related = item.eventId === undefined ? NONE : (relations.get(item.eventId) ?? NONE);
  const next: MessageItem = {
    kind: 'message',
    key: item.key,
    sender: item.sender,
    ts: item.ts,
    type: item.type,
    content: base.content,
    reactions: [],
  };
  if (item.eventId !== undefined) next.eventId = item.eventId;
  if (item.txnId !== undefined) next.txnId = item.txnId;
  if (item.sendState !== undefined) next.sendState = item.sendState;
  if (item.error !== undefined) next.error = item.error;
  const redacted = base.redactedBecause ?? redactionOf(item.eventId, relations);
  if (redacted !== undefined) {
    next.content = {};
    next.redacted = redacted;
  } else {
    const replyTo = replyToOf(base.content);
    if (replyTo !== undefined) next.replyTo = replyTo;
    if (item.eventId !== undefined) {
      const edit = latestEdit(item.eventId, item.sender, related, relations);
      if (edit !== undefined) {
        next.content = editedContent(base.content, edit.newContent);
        next.original = base.content;
        next.edit = { eventId: edit.event.event_id, ts: edit.event.origin_server_ts };
      }
      next.reactions = aggregateReactions(item.eventId, related, relations, userId);
    }
  }
  return sameMessage(item, next) ? item : withBase(next, base);
}

/** What the redaction algorithm keeps of a state event's content (room version 11). */
const KEPT_AFTER_REDACTION: ReadonlyMap<string, readonly string[]> = new Map([
  ['m.room.member', ['membership', 'join_authorised_via_users_server']],
  ['m.room.join_rules', ['join_rule', 'allow']],
  ['m.room.history_visibility', ['history_visibility']],
]);

function deriveState(item: StateItem, relations: Relations): StateItem {
  const base = baseOf(item);
  let content = base.content;
  if (base.redactedBecause !== undefined || redactionOf(item.eventId, relations) !== undefined) {
    const kept = KEPT_AFTER_REDACTION.get(item.type) ?? [];
    content = Object.fromEntries(Object.entries(base.content).filter(([key]) => kept.includes(key)));
  }
  const next: StateItem = { ...item, content };
  return sameState(item, next) ? item : withBase(next, base);
}

/**
 * The item as its base and its relations say it should look. Returns `item` itself when that is
 * what it already shows, so unchanged items keep their identity.
 */
export function deriveItem(
  item: MessageItem | StateItem,
  relations: Relations,
  userId: string,
): MessageItem | StateItem {
  return item.kind === 'message' ? deriveMessage(item, relations, userId) : deriveState(item, relations);
}

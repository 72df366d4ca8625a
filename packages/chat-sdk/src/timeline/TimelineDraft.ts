import { deriveItem } from './deriveItem.js';
import { isPendingEcho } from './itemBase.js';
import { isLocalEcho, redactsOf, transactionIdOf } from './readEvent.js';
import type { RawEvent, RoomTimeline, TimelineItem } from './types.js';

/**
 * One update of a timeline: changes are recorded against the input's positions, then `commit`
 * builds the new timeline in one pass and re-derives only the items that are new or whose
 * relations changed. The lookups are rebuilt for every update (O(items + relations)) instead of
 * being kept beside the timeline, so they can never go stale, whoever built the timeline.
 */
export class TimelineDraft {
  backToken: string | null | undefined;
  paginating: boolean;
  readonly #source: RoomTimeline;
  readonly #byEventId = new Map<string, number>();
  readonly #byTxnId = new Map<string, number>();
  readonly #gapByToken = new Map<string, number>();
  /** Relation event id → the id it targets. */
  readonly #relationTargets = new Map<string, string>();
  /** Transaction id of a relation this client sent → the id it targets. */
  readonly #relationTxns = new Map<string, string>();
  /** Copied on the first change; lists are copied once each, then changed in place. */
  #relations: Map<string, readonly RawEvent[]> | undefined;
  readonly #ownLists = new Map<string, RawEvent[]>();
  readonly #removed = new Set<number>();
  readonly #replaced = new Map<number, TimelineItem>();
  readonly #inserted = new Map<number, TimelineItem[]>();
  readonly #touched = new Set<string>();
  readonly #fresh = new Set<TimelineItem>();

  constructor(source: RoomTimeline) {
    this.#source = source;
    this.backToken = source.backToken;
    this.paginating = source.paginating;
    source.items.forEach((item, position) => {
      if (item.kind === 'gap') {
        this.#gapByToken.set(item.token, position);
        return;
      }
      if (item.eventId !== undefined) this.#byEventId.set(item.eventId, position);
      if (item.kind === 'message' && item.txnId !== undefined) this.#byTxnId.set(item.txnId, position);
    });
    for (const [target, events] of source.relations) {
      for (const event of events) this.#indexRelation(target, event);
    }
  }

  get length(): number {
    return this.#source.items.length;
  }

  /** The item at an input position, as changed so far; `undefined` once removed. */
  itemAt(position: number): TimelineItem | undefined {
    if (this.#removed.has(position)) return undefined;
    return this.#replaced.get(position) ?? this.#source.items[position];
  }

  positionOfEvent(eventId: string): number | undefined {
    return this.#live(this.#byEventId.get(eventId));
  }

  positionOfTxn(txnId: string): number | undefined {
    return this.#live(this.#byTxnId.get(txnId));
  }

  positionOfGap(token: string): number | undefined {
    return this.#live(this.#gapByToken.get(token));
  }

  /** Where the local echoes not yet confirmed by a remote echo start (they stay at the bottom). */
  tailStart(): number {
    let start = this.length;
    for (;;) {
      const item = this.#source.items[start - 1];
      if (item === undefined || item.kind === 'gap' || !isPendingEcho(item)) return start;
      start -= 1;
    }
  }

  /** The last item before `position` that is still there. */
  lastBefore(position: number): { position: number; item: TimelineItem } | undefined {
    for (let at = position - 1; at >= 0; at -= 1) {
      const item = this.itemAt(at);
      if (item !== undefined) return { position: at, item };
    }
    return undefined;
  }

  /** Whether the server's event is already here (local echoes waiting for it do not count). */
  isKnown(event: RawEvent): boolean {
    const position = this.positionOfEvent(event.event_id);
    if (position !== undefined) {
      const item = this.itemAt(position);
      return item !== undefined && item.kind !== 'gap' && !isPendingEcho(item);
    }
    const target = this.#relationTargets.get(event.event_id);
    if (target === undefined) return false;
    const known = this.#relationList(target).find((related) => related.event_id === event.event_id);
    return known !== undefined && !isLocalEcho(known);
  }

  relationTarget(eventId: string): string | undefined {
    return this.#relationTargets.get(eventId);
  }

  /** The relation this client sent with `txnId`, local echo or remote echo. */
  relationByTxn(txnId: string): { target: string; event: RawEvent } | undefined {
    const target = this.#relationTxns.get(txnId);
    if (target === undefined) return undefined;
    const event = this.#relationList(target).find((related) => transactionIdOf(related) === txnId);
    return event === undefined ? undefined : { target, event };
  }

  relationById(eventId: string): { target: string; event: RawEvent } | undefined {
    const target = this.#relationTargets.get(eventId);
    if (target === undefined) return undefined;
    const event = this.#relationList(target).find((related) => related.event_id === eventId);
    return event === undefined ? undefined : { target, event };
  }

  remove(position: number): void {
    this.#removed.add(position);
  }

  replace(position: number, item: TimelineItem): void {
    this.#replaced.set(position, item);
    this.#fresh.add(item);
  }

  /** Inserts before the input's item at `position` (`length`: at the end). */
  insert(position: number, items: readonly TimelineItem[]): void {
    const list = this.#inserted.get(position) ?? [];
    list.push(...items);
    this.#inserted.set(position, list);
    for (const item of items) this.#fresh.add(item);
  }

  addRelation(target: string, event: RawEvent): void {
    this.#ownList(target).push(event);
    this.#indexRelation(target, event);
    this.#touchRelation(target, event);
  }

  removeRelation(target: string, event: RawEvent): void {
    if (!this.#relationList(target).includes(event)) return;
    const list = this.#ownList(target);
    list.splice(list.indexOf(event), 1);
    if (list.length === 0) {
      this.#ownLists.delete(target);
      this.#writableRelations().delete(target);
    }
    if (event.event_id !== '' && this.#relationTargets.get(event.event_id) === target) {
      this.#relationTargets.delete(event.event_id);
    }
    const txnId = transactionIdOf(event);
    if (txnId !== undefined && this.#relationTxns.get(txnId) === target) this.#relationTxns.delete(txnId);
    this.#touchRelation(target, event);
  }

  /** `userId`: the signed-in user, whose reactions get an `ownEventId`. */
  commit(userId: string): RoomTimeline {
    const relations = this.#relations ?? this.#source.relations;
    const derive = (item: TimelineItem) => (item.kind === 'gap' ? item : deriveItem(item, relations, userId));
    const items: TimelineItem[] = [];
    for (let position = 0; position <= this.length; position += 1) {
      for (const item of this.#inserted.get(position) ?? []) items.push(derive(item));
      const item = this.itemAt(position);
      if (item !== undefined) items.push(this.#needsDerivation(item) ? derive(item) : item);
    }
    const unchanged =
      this.#relations === undefined &&
      this.backToken === this.#source.backToken &&
      this.paginating === this.#source.paginating &&
      items.length === this.length &&
      items.every((item, i) => item === this.#source.items[i]);
    if (unchanged) return this.#source;
    return { items, backToken: this.backToken, paginating: this.paginating, relations };
  }

  #live(position: number | undefined): number | undefined {
    return position === undefined || this.#removed.has(position) ? undefined : position;
  }

  #needsDerivation(item: TimelineItem): boolean {
    if (this.#fresh.has(item)) return true;
    return item.kind !== 'gap' && item.eventId !== undefined && this.#touched.has(item.eventId);
  }

  #relationList(target: string): readonly RawEvent[] {
    return (this.#relations ?? this.#source.relations).get(target) ?? [];
  }

  #writableRelations(): Map<string, readonly RawEvent[]> {
    this.#relations ??= new Map(this.#source.relations);
    return this.#relations;
  }

  #ownList(target: string): RawEvent[] {
    let list = this.#ownLists.get(target);
    if (list === undefined) {
      list = [...this.#relationList(target)];
      this.#ownLists.set(target, list);
      this.#writableRelations().set(target, list);
    }
    return list;
  }

  #indexRelation(target: string, event: RawEvent): void {
    if (event.event_id !== '') this.#relationTargets.set(event.event_id, target);
    const txnId = transactionIdOf(event);
    if (txnId !== undefined) this.#relationTxns.set(txnId, target);
  }

  /** The items a relation changes: its target, and for a redaction of a relation, that one's target. */
  #touchRelation(target: string, event: RawEvent): void {
    this.#touched.add(target);
    const redacted = redactsOf(event);
    const redactedTarget = redacted === undefined ? undefined : this.#relationTargets.get(redacted);
    if (redactedTarget !== undefined) this.#touched.add(redactedTarget);
  }
}

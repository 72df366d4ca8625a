import { ChatSdkError } from '../ChatSdkError.js';
import { classifySendError } from './classifySendError.js';
import { eventSize, MAX_EVENT_BYTES } from './eventSize.js';
import {
  type OpenOutboxChannel,
  type OutboxChannel,
  type OutboxMessage,
  openBroadcastChannel,
} from './OutboxChannel.js';
import {
  compareEntries,
  isTxnId,
  newTxnId,
  type OutboxChange,
  type OutboxEntry,
  type OutboxEntryError,
  type OutboxInput,
} from './OutboxEntry.js';
import { defaultOutboxLeadership, type OutboxLeadership } from './OutboxLeadership.js';
import { backoffDelay, defaultOutboxPolicy, type OutboxPolicy } from './OutboxPolicy.js';
import type { OutboxStorage } from './OutboxStorage.js';
import { planOutbox } from './planOutbox.js';

/**
 * Makes one request for the entry: `PUT /rooms/{roomId}/send/{eventType}/{txnId}` or
 * `PUT /rooms/{roomId}/redact/{redacts}/{txnId}`. It must not retry on its own (the outbox does), must
 * honour `signal`, and should throw a `ChatSdkError` carrying `status`, `serverCode` and `retryAfterMs`.
 */
export type OutboxSend = (entry: OutboxEntry, signal: AbortSignal) => Promise<{ eventId: string }>;

export type TimerHandle = unknown;

export interface OutboxOptions {
  userId: string;
  storage: OutboxStorage;
  send: OutboxSend;
  policy?: Partial<OutboxPolicy>;
  /** Default: Web Locks when present, else every tab leads. */
  leadership?: OutboxLeadership;
  /** Default: a BroadcastChannel when present. */
  openChannel?: OpenOutboxChannel;
  /** Failures nobody awaits (a background storage write, a throwing listener). Default: `reportError`. */
  onError?: (error: unknown) => void;
  now?: () => number;
  random?: () => number;
  setTimer?: (callback: () => void, delayMs: number) => TimerHandle;
  clearTimer?: (handle: TimerHandle) => void;
}

type Phase = 'idle' | 'started' | 'stopped';

/**
 * A durable, per-room FIFO of outgoing events. Each entry gets a txnId at enqueue time (so the server
 * dedupes retries, reloads and tab crashes) and is written to storage; when this tab sends and the
 * room is free, its first request starts together with that write rather than after it (a write
 * costs a few milliseconds on every message). Entries are retried per `OutboxPolicy` and deleted
 * once accepted, before the room's next entry starts.
 *
 * Every tab keeps a view of the shared storage; only the leader tab sends. Writes made here are
 * announced on the channel, and the other tabs reload from storage on each announcement.
 */
export class Outbox {
  readonly #userId: string;
  readonly #storage: OutboxStorage;
  readonly #send: OutboxSend;
  readonly #policy: OutboxPolicy;
  readonly #leadership: OutboxLeadership;
  readonly #openChannel: OpenOutboxChannel;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #setTimer: (callback: () => void, delayMs: number) => TimerHandle;
  readonly #clearTimer: (handle: TimerHandle) => void;

  readonly #entries = new Map<string, OutboxEntry>();
  readonly #listeners = new Set<(change: OutboxChange) => void>();
  /** Requests of this tab in flight. */
  readonly #inFlight = new Map<string, AbortController>();
  /** Accepted by the server, being deleted: the room's next entry waits for that. */
  readonly #settling = new Set<string>();
  /** Ids with a write of this tab not yet in storage: a reload must not take storage's older copy. */
  readonly #pendingWrites = new Map<string, number>();
  /** Waiting for a 429's `retry_after_ms`, which `retryNow` respects. */
  readonly #rateLimited = new Set<string>();
  /** Sent by another tab, which is deleting them: a reload must not bring them back meanwhile. */
  readonly #sentElsewhere = new Set<string>();
  #lastSeq = 0;

  /** Storage operations and reloads run one after another, in order. */
  #tail: Promise<unknown> = Promise.resolve();
  #reloadQueued = false;
  #phase: Phase = 'idle';
  #leading = false;
  #timer: { handle: TimerHandle; at: number } | undefined;
  #channel: OutboxChannel | undefined;
  #unsubscribeChannel: (() => void) | undefined;
  #releaseLeadership: (() => void) | undefined;

  constructor(options: OutboxOptions) {
    this.#userId = options.userId;
    this.#storage = options.storage;
    this.#send = options.send;
    this.#policy = { ...defaultOutboxPolicy, ...options.policy };
    this.#leadership = options.leadership ?? defaultOutboxLeadership();
    this.#openChannel = options.openChannel ?? openBroadcastChannel;
    this.#onError = options.onError ?? reportError;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#setTimer = options.setTimer ?? ((callback, delayMs) => setTimeout(callback, delayMs));
    this.#clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as number));
  }

  /** Loads the persisted entries, then asks for leadership; the leader sends. */
  async start(): Promise<void> {
    if (this.#phase === 'stopped') throw closedError();
    if (this.#phase === 'started') return;
    this.#phase = 'started';
    const name = `openmeet-chat-outbox:${this.#userId}`;
    this.#channel = this.#openChannel(name);
    this.#unsubscribeChannel = this.#channel?.subscribe((message) => this.#onMessage(message));
    try {
      await this.#reload();
    } catch (error) {
      this.#phase = 'idle';
      this.#closeChannel();
      throw error;
    }
    if (this.#phase !== 'started') return;
    this.#releaseLeadership = this.#leadership.acquire(name, () => {
      if (this.#phase !== 'started') return;
      this.#leading = true;
      // The previous leader's last writes, and its `sending` entries, which nobody sends any more.
      this.#requestReload();
    });
  }

  /**
   * Aborts requests in flight (their entries are stored as `queued` again), clears timers and gives
   * leadership up. Nothing is lost; a later `start()` of a new Outbox continues.
   */
  async stop(): Promise<void> {
    if (this.#phase === 'stopped') return;
    this.#phase = 'stopped';
    this.#leading = false;
    this.#releaseLeadership?.();
    this.#cancelTimer();
    for (const id of [...this.#inFlight.keys()]) {
      this.#abort(id);
      const entry = this.#entries.get(id);
      if (entry?.state === 'sending') this.#commitInBackground({ ...entry, state: 'queued' });
    }
    await this.#tail;
    this.#closeChannel();
  }

  /**
   * Queues the entry and resolves once it is stored; its request may already be on its way. Rejects
   * with `CHAT_EVENT_TOO_LARGE` (nothing stored, nothing sent), `CHAT_BAD_INPUT`, `CHAT_CLOSED`, or
   * `CHAT_STORAGE` when the write failed before any request started (then nothing is kept). A write
   * that fails after the request started does not stop it: the entry goes on from memory (it would not
   * survive a reload) and the failure goes to `onError`.
   */
  async enqueue(input: OutboxInput): Promise<OutboxEntry> {
    this.#assertOpen();
    if (input.kind === 'redaction' && input.redacts === undefined) {
      throw new ChatSdkError('CHAT_BAD_INPUT', 'A redaction needs the id of the event it redacts');
    }
    if (input.txnId !== undefined && (!isTxnId(input.txnId) || this.#entries.has(input.txnId))) {
      throw new ChatSdkError('CHAT_BAD_INPUT', 'The transaction id is not a fresh one from newTxnId()');
    }
    const content = jsonCopy(input.content);
    const txnId = input.txnId ?? newTxnId();
    const redacts = input.redacts === undefined ? {} : { redacts: input.redacts };
    const size = eventSize({
      userId: this.#userId,
      roomId: input.roomId,
      eventType: input.eventType,
      content,
      txnId,
      ...redacts,
    });
    if (size > MAX_EVENT_BYTES) {
      throw new ChatSdkError(
        'CHAT_EVENT_TOO_LARGE',
        `The event would be about ${size} bytes; the limit is ${MAX_EVENT_BYTES}`,
      );
    }
    const now = this.#now();
    const entry: OutboxEntry = {
      id: txnId,
      userId: this.#userId,
      roomId: input.roomId,
      txnId,
      kind: input.kind,
      eventType: input.eventType,
      content,
      ...redacts,
      seq: this.#nextSeq(input.roomId, now),
      createdAt: now,
      queuedAt: now,
      state: 'queued',
      attempts: 0,
    };
    // A pending write keeps a reload from dropping the entry before storage has it.
    const stored = this.#write([entry.id], () => this.#storage.put(entry));
    this.#entries.set(entry.id, entry);
    this.#emit({ type: 'queued', entry });
    this.#pump();
    try {
      await stored;
    } catch (error) {
      const started = this.#inFlight.has(entry.id) || this.#settling.has(entry.id);
      if (started || !this.#entries.has(entry.id)) {
        this.#onError(error);
        return entry;
      }
      this.#entries.delete(entry.id);
      this.#emit({ type: 'removed', entry });
      throw error;
    }
    return entry;
  }

  /** A `failed` or `unsent` entry is queued again with a fresh 5-minute window; other states are left alone. */
  async resend(id: string): Promise<void> {
    this.#assertOpen();
    const entry = this.#entries.get(id);
    if (entry === undefined || (entry.state !== 'failed' && entry.state !== 'unsent')) return;
    try {
      await this.#commit({ ...withoutWait(entry), state: 'queued', attempts: 0, queuedAt: this.#now() });
    } finally {
      this.#pump();
    }
  }

  /**
   * Removes the entry. One in flight is aborted, though the server may have received it already (its
   * event then arrives through sync). Unknown ids resolve too: another tab may have acted first.
   */
  async discard(id: string): Promise<void> {
    this.#assertOpen();
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#abort(id);
    this.#entries.delete(id);
    this.#emit({ type: 'removed', entry });
    try {
      await this.#write([id], () => this.#storage.delete(id));
    } finally {
      this.#pump();
    }
  }

  /**
   * Ends the backoff waits now: call it on the browser's `online` event or when sync recovers.
   * A server's `retry_after_ms` is still respected. Only the leader tab acts on it.
   */
  retryNow(): void {
    if (!this.#leading) return;
    for (const entry of this.#entries.values()) {
      if (entry.state === 'queued' && entry.nextAttemptAt !== undefined && !this.#rateLimited.has(entry.id)) {
        this.#commitInBackground(withoutWait(entry));
      }
    }
    this.#pump();
  }

  /** Removes every entry of this user, in storage too (the host signed out). */
  async clear(): Promise<void> {
    const removed = this.entries();
    for (const id of [...this.#inFlight.keys()]) this.#abort(id);
    this.#entries.clear();
    this.#rateLimited.clear();
    for (const entry of removed) this.#emit({ type: 'removed', entry });
    await this.#write(
      removed.map((entry) => entry.id),
      () => this.#storage.clear(this.#userId),
    );
  }

  /** The current entries, of one room or all, in send order. */
  entries(roomId?: string): OutboxEntry[] {
    const all = [...this.#entries.values()];
    return (roomId === undefined ? all : all.filter((entry) => entry.roomId === roomId)).sort(compareEntries);
  }

  subscribe(listener: (change: OutboxChange) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  #pump(): void {
    if (!this.#leading || this.#phase !== 'started') return;
    const plan = planOutbox(this.#entries.values(), {
      now: this.#now(),
      inFlight: new Set([...this.#inFlight.keys(), ...this.#settling]),
      sendTimeoutMs: this.#policy.sendTimeoutMs,
      concurrency: this.#policy.concurrency,
    });
    for (const entry of plan.expire) this.#expire(entry);
    for (const entry of plan.start) void this.#attempt(entry);
    this.#schedule(plan.wakeAt);
  }

  async #attempt(entry: OutboxEntry): Promise<void> {
    const controller = new AbortController();
    this.#inFlight.set(entry.id, controller);
    this.#rateLimited.delete(entry.id);
    const sending: OutboxEntry = { ...withoutWait(entry), state: 'sending', attempts: entry.attempts + 1 };
    this.#commitInBackground(sending);
    let outcome: { eventId: string } | { error: unknown };
    try {
      outcome = await this.#send(sending, controller.signal);
    } catch (error) {
      outcome = { error };
    }
    // Whoever aborted it (stop, discard, clear, timeout) has already decided the entry's fate.
    if (this.#inFlight.get(entry.id) !== controller) return;
    this.#inFlight.delete(entry.id);
    if ('eventId' in outcome) await this.#settle(sending, outcome.eventId);
    else this.#retryOrFail(sending, outcome.error);
    this.#pump();
  }

  /** Exactly once: the entry leaves storage before its room's next entry may start. */
  async #settle(entry: OutboxEntry, eventId: string): Promise<void> {
    this.#settling.add(entry.id);
    this.#channel?.post({ type: 'sent', id: entry.id, eventId });
    try {
      await this.#write([entry.id], () => this.#storage.delete(entry.id));
    } catch (error) {
      // Still in storage: after a reload it is sent again with the same txnId and the server answers
      // with the same event, so nothing is duplicated.
      this.#onError(error);
    }
    this.#settling.delete(entry.id);
    const current = this.#entries.get(entry.id);
    if (current === undefined) return;
    this.#entries.delete(entry.id);
    this.#emit({ type: 'sent', entry: current, eventId });
  }

  #retryOrFail(entry: OutboxEntry, error: unknown): void {
    const verdict = classifySendError(error);
    if (verdict.action === 'fail') {
      this.#commitInBackground({ ...entry, state: 'failed', error: describeError(verdict.code, error) });
      return;
    }
    if (verdict.rateLimited) this.#rateLimited.add(entry.id);
    const delay = verdict.afterMs ?? backoffDelay(this.#policy, entry.attempts, this.#random);
    // Past its deadline by then? The next pump turns it `unsent`.
    this.#commitInBackground({ ...entry, state: 'queued', nextAttemptAt: this.#now() + delay });
  }

  #expire(entry: OutboxEntry): void {
    if (this.#settling.has(entry.id)) return;
    // A request that does not answer within the window must not hold its room: give up on it too.
    this.#abort(entry.id);
    const minutes = Math.round(this.#policy.sendTimeoutMs / 60_000);
    const error: OutboxEntryError = {
      code: 'CHAT_SEND_TIMEOUT',
      message: `Not sent within ${minutes} minutes`,
    };
    this.#commitInBackground({ ...withoutWait(entry), state: 'unsent', error });
  }

  #abort(id: string): void {
    const controller = this.#inFlight.get(id);
    if (controller === undefined) return;
    this.#inFlight.delete(id);
    controller.abort(new ChatSdkError('CHAT_ABORTED', 'The outbox stopped this request'));
  }

  #schedule(wakeAt: number | undefined): void {
    if (this.#timer?.at === wakeAt) return;
    this.#cancelTimer();
    if (wakeAt === undefined) return;
    const handle = this.#setTimer(
      () => {
        this.#timer = undefined;
        this.#pump();
      },
      Math.max(0, wakeAt - this.#now()),
    );
    this.#timer = { handle, at: wakeAt };
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    this.#clearTimer(this.#timer.handle);
    this.#timer = undefined;
  }

  #onMessage(message: OutboxMessage): void {
    if (this.#phase !== 'started') return;
    if (message.type === 'changed') {
      this.#requestReload();
      return;
    }
    if (this.#isBusy(message.id)) return;
    this.#sentElsewhere.add(message.id);
    const entry = this.#entries.get(message.id);
    if (entry === undefined) return;
    this.#entries.delete(message.id);
    this.#emit({ type: 'sent', entry, eventId: message.eventId });
  }

  #requestReload(): void {
    if (this.#reloadQueued) return;
    this.#reload().catch((error: unknown) => this.#onError(error));
  }

  async #reload(): Promise<void> {
    this.#reloadQueued = true;
    await this.#serial(async () => {
      this.#reloadQueued = false;
      this.#merge(await this.#storage.load(this.#userId));
    });
    this.#pump();
  }

  /** Takes storage's version of every entry this tab is not working on, and reports the differences. */
  #merge(stored: readonly OutboxEntry[]): void {
    const inStorage = new Set(stored.map((entry) => entry.id));
    for (const id of this.#sentElsewhere) if (!inStorage.has(id)) this.#sentElsewhere.delete(id);
    // In send order: storage returns entries in any order (IndexedDB: by random txnId), and the
    // listeners show each new one at the bottom of its room, so a restored queue reads as written.
    for (const entry of [...stored].sort(compareEntries)) {
      if (this.#isBusy(entry.id) || this.#sentElsewhere.has(entry.id)) continue;
      const current = this.#entries.get(entry.id);
      if (current !== undefined && sameEntry(current, entry)) continue;
      this.#entries.set(entry.id, entry);
      this.#emit({ type: current === undefined ? 'queued' : 'state', entry });
    }
    for (const entry of [...this.#entries.values()]) {
      if (inStorage.has(entry.id) || this.#isBusy(entry.id)) continue;
      this.#entries.delete(entry.id);
      this.#emit({ type: 'removed', entry });
    }
  }

  #isBusy(id: string): boolean {
    return this.#inFlight.has(id) || this.#settling.has(id) || this.#pendingWrites.has(id);
  }

  /** Memory first (the caller's decisions are synchronous), storage after, in order. */
  #commit(next: OutboxEntry): Promise<void> {
    this.#entries.set(next.id, next);
    this.#emit({ type: 'state', entry: next });
    return this.#write([next.id], () => this.#storage.put(next));
  }

  #commitInBackground(next: OutboxEntry): void {
    this.#commit(next).catch((error: unknown) => this.#onError(error));
  }

  async #write(ids: readonly string[], operation: () => Promise<void>): Promise<void> {
    for (const id of ids) this.#pendingWrites.set(id, (this.#pendingWrites.get(id) ?? 0) + 1);
    try {
      await this.#serial(operation);
    } finally {
      for (const id of ids) {
        const left = (this.#pendingWrites.get(id) ?? 1) - 1;
        if (left === 0) this.#pendingWrites.delete(id);
        else this.#pendingWrites.set(id, left);
      }
      this.#announce();
    }
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  #announce(): void {
    this.#channel?.post({ type: 'changed' });
  }

  #closeChannel(): void {
    this.#unsubscribeChannel?.();
    this.#unsubscribeChannel = undefined;
    this.#channel?.close();
    this.#channel = undefined;
  }

  #emit(change: OutboxChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.#onError(error);
      }
    }
  }

  /**
   * Increasing over all rooms of this tab (so `entries()` follows enqueue order), never below the
   * room's known entries, and close to wall-clock time so that entries queued in two tabs interleave
   * by time.
   */
  #nextSeq(roomId: string, now: number): number {
    let last = this.#lastSeq;
    for (const entry of this.#entries.values()) if (entry.roomId === roomId) last = Math.max(last, entry.seq);
    this.#lastSeq = Math.max(now, last + 1);
    return this.#lastSeq;
  }

  #assertOpen(): void {
    if (this.#phase === 'stopped') throw closedError();
  }
}

function withoutWait(entry: OutboxEntry): OutboxEntry {
  const { nextAttemptAt: _nextAttemptAt, error: _error, ...rest } = entry;
  return rest;
}

function sameEntry(a: OutboxEntry, b: OutboxEntry): boolean {
  return (
    a.state === b.state &&
    a.attempts === b.attempts &&
    a.queuedAt === b.queuedAt &&
    a.nextAttemptAt === b.nextAttemptAt &&
    a.error?.code === b.error?.code
  );
}

function describeError(code: OutboxEntryError['code'], error: unknown): OutboxEntryError {
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof ChatSdkError && error.status !== undefined ? { status: error.status } : {};
  const serverCode =
    error instanceof ChatSdkError && error.serverCode !== undefined ? { serverCode: error.serverCode } : {};
  return { code, message, ...status, ...serverCode };
}

function jsonCopy(content: Record<string, unknown>): Record<string, unknown> {
  try {
    // What the server will receive, and safe from the caller changing its object afterwards.
    return JSON.parse(JSON.stringify(content)) as Record<string, unknown>;
  } catch (cause) {
    throw new ChatSdkError('CHAT_BAD_INPUT', 'The event content is not JSON', { cause });
  }
}

function closedError(): ChatSdkError {
  return new ChatSdkError('CHAT_CLOSED', 'The outbox was stopped');
}

function reportError(error: unknown): void {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else console.error(error);
}

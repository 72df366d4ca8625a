import type { OutboxChannel, OutboxMessage } from '../../src/outbox/OutboxChannel.js';
import type { OutboxEntry } from '../../src/outbox/OutboxEntry.js';
import type { LockRequester } from '../../src/outbox/OutboxLeadership.js';
import type { OutboxStorage } from '../../src/outbox/OutboxStorage.js';

/** Lets pending promise chains and fake-indexeddb's setImmediate tasks run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** The injectable clock: time moves only when a test says so. */
export class FakeClock {
  time = 1_700_000_000_000;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  readonly now = (): number => this.time;
  readonly setTimer = (callback: () => void, delayMs: number): number => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.time + delayMs, callback });
    return id;
  };
  readonly clearTimer = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** The earliest timer's due time. */
  get nextTimerAt(): number | undefined {
    const times = [...this.#timers.values()].map((timer) => timer.at);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** Moves time forward, firing due timers in order and letting their work settle in between. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const due = [...this.#timers.entries()]
        .filter(([, timer]) => timer.at <= target)
        .sort(([, a], [, b]) => a.at - b.at)[0];
      if (due === undefined) break;
      const [id, timer] = due;
      this.#timers.delete(id);
      this.time = Math.max(this.time, timer.at);
      timer.callback();
      await settle();
    }
    this.time = target;
    await settle();
  }

  /** Jumps to the next timer and fires it. */
  async fireNext(): Promise<void> {
    const at = this.nextTimerAt;
    if (at === undefined) throw new Error('no timer pending');
    await this.advance(at - this.time);
  }
}

export interface Call {
  readonly txnId: string;
  readonly roomId: string;
  readonly at: number;
  readonly signal: AbortSignal;
  /** Answered, or aborted by the client. */
  readonly settled: boolean;
  accept(): void;
  /** The server stores the event but the answer never arrives (a tab crash, a dropped connection). */
  acceptSilently(): void;
  reject(error: unknown): void;
}

/**
 * A homeserver's send endpoint that dedupes on txnId like Synapse: the same txnId gets the same
 * event id and is stored once. Each request waits until the test answers it, unless `respond` does.
 */
export class FakeServer {
  readonly calls: Call[] = [];
  /** txnIds in the order their event was created: each message must appear exactly once. */
  readonly delivered: string[] = [];
  /** Answers every new request at once, e.g. `(call) => call.reject(error500)`. */
  respond: ((call: Call) => void) | undefined;
  readonly #eventIds = new Map<string, string>();

  constructor(private readonly clock: { now(): number } = { now: () => 0 }) {}

  readonly send = (entry: OutboxEntry, signal: AbortSignal): Promise<{ eventId: string }> =>
    new Promise((resolve, reject) => {
      let settled = false;
      const answer = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
      };
      const call: Call = {
        txnId: entry.txnId,
        roomId: entry.roomId,
        at: this.clock.now(),
        signal,
        get settled() {
          return settled;
        },
        accept: () => answer(() => resolve({ eventId: this.#store(entry.txnId) })),
        acceptSilently: () => answer(() => this.#store(entry.txnId)),
        reject: (error) => answer(() => reject(error)),
      };
      signal.addEventListener('abort', () => answer(() => reject(signal.reason)));
      this.calls.push(call);
      this.respond?.(call);
    });

  /** Calls not answered yet. */
  get open(): Call[] {
    return this.calls.filter((call) => !call.settled);
  }

  /** The oldest open call of the room (or of any room). */
  next(roomId?: string): Call {
    const call = this.open.find((c) => roomId === undefined || c.roomId === roomId);
    if (call === undefined) throw new Error(`no open call${roomId === undefined ? '' : ` for ${roomId}`}`);
    return call;
  }

  eventIdOf(txnId: string): string | undefined {
    return this.#eventIds.get(txnId);
  }

  #store(txnId: string): string {
    let eventId = this.#eventIds.get(txnId);
    if (eventId === undefined) {
      eventId = `$event${this.#eventIds.size + 1}`;
      this.#eventIds.set(txnId, eventId);
      this.delivered.push(txnId);
    }
    return eventId;
  }
}

/** BroadcastChannel semantics in one process: a message reaches every other channel of the same name. */
export class ChannelHub {
  readonly #channels = new Set<{ name: string; listeners: Set<(message: OutboxMessage) => void> }>();

  readonly open = (name: string): OutboxChannel => {
    const self = { name, listeners: new Set<(message: OutboxMessage) => void>() };
    this.#channels.add(self);
    return {
      post: (message) => {
        for (const other of this.#channels) {
          if (other === self || other.name !== name) continue;
          // Structured-cloned and delivered asynchronously, as BroadcastChannel does.
          const copy = structuredClone(message);
          setTimeout(() => {
            for (const listener of other.listeners) listener(copy);
          }, 0);
        }
      },
      subscribe: (listener) => {
        self.listeners.add(listener);
        return () => self.listeners.delete(listener);
      },
      close: () => {
        this.#channels.delete(self);
      },
    };
  };

  get openChannels(): number {
    return this.#channels.size;
  }
}

/** navigator.locks for exclusive locks: granted in request order, handed on when the holder's callback settles. */
export class FakeLocks implements LockRequester {
  readonly #queues = new Map<
    string,
    Array<{ callback: () => Promise<void>; done: (value: unknown) => void }>
  >();
  readonly #held = new Set<string>();

  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const waiter = { callback, done: resolve };
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      queue.push(waiter);
      options.signal.addEventListener('abort', () => {
        const index = queue.indexOf(waiter);
        if (index < 0) return;
        queue.splice(index, 1);
        reject(new DOMException('aborted', 'AbortError'));
      });
      this.#grant(name);
    });
  }

  isHeld(name: string): boolean {
    return this.#held.has(name);
  }

  #grant(name: string): void {
    if (this.#held.has(name)) return;
    const waiter = this.#queues.get(name)?.shift();
    if (waiter === undefined) return;
    this.#held.add(name);
    void waiter
      .callback()
      .then(waiter.done)
      .finally(() => {
        this.#held.delete(name);
        this.#grant(name);
      });
  }
}

/** Wraps a storage to make chosen operations fail or hang, as a dying tab or a full disk would. */
export class FlakyStorage implements OutboxStorage {
  failDelete = false;
  constructor(private readonly inner: OutboxStorage) {}
  load(userId: string) {
    return this.inner.load(userId);
  }
  put(entry: OutboxEntry) {
    return this.inner.put(entry);
  }
  delete(id: string) {
    return this.failDelete ? Promise.reject(new Error('disk gone')) : this.inner.delete(id);
  }
  clear(userId: string) {
    return this.inner.clear(userId);
  }
}

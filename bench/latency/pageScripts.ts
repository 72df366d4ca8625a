/**
 * Functions run inside the pages (`page.evaluate`): self-contained, nothing imported. Times are
 * epoch ms from the page's monotonic clock (`performance.timeOrigin + performance.now()`).
 */

interface BenchWindow {
  /** Send times by sequence number, filled by `stampSends`. */
  benchSent?: Record<string, number>;
  /** Every IndexedDB `put` in the sender's page: when it was asked for and its transaction done. */
  benchWrites?: RequestSpan[];
  /** Exposed by the bench (`page.exposeFunction`): one message was rendered. */
  benchArrived?: (seq: number, at: number) => Promise<void>;
}

/**
 * In the sender's page: notes the moment Enter goes down in the composer holding a bench message of
 * `run`, before React sees the key (a capturing listener on the window runs first).
 */
export function stampSends({ pattern, run }: { pattern: string; run: string }): void {
  const expression = new RegExp(`^${pattern}$`);
  const sent: Record<string, number> = {};
  (window as BenchWindow).benchSent = sent;
  // Every request of the run stays listed, for the breakdown of where the time goes.
  performance.setResourceTimingBufferSize(100_000);
  // The outbox stores each message before sending it: note when each write starts and commits.
  const writes: RequestSpan[] = [];
  (window as BenchWindow).benchWrites = writes;
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    const write = { start: performance.timeOrigin + performance.now(), end: Number.NaN };
    writes.push(write);
    this.transaction.addEventListener('complete', () => {
      write.end = performance.timeOrigin + performance.now();
    });
    return put.apply(this, args);
  };
  window.addEventListener(
    'keydown',
    (event) => {
      const at = performance.timeOrigin + performance.now();
      if (event.key !== 'Enter' || !(event.target instanceof HTMLTextAreaElement)) return;
      const match = expression.exec(event.target.value);
      if (match?.[1] === run && match[2] !== undefined) sent[match[2]] = at;
    },
    true,
  );
}

/**
 * In the receiver's page: a MutationObserver on the document reports each bench message of `run`
 * the moment its row is inserted into the timeline (`role="log"`), i.e. when React has committed
 * it to the DOM (before layout and paint).
 */
export function observeArrivals({ pattern, run }: { pattern: string; run: string }): void {
  const expression = new RegExp(pattern, 'g');
  const seen = new Set<string>();
  const notify = (window as BenchWindow).benchArrived;
  if (!notify) throw new Error('benchArrived is not exposed');
  performance.setResourceTimingBufferSize(100_000);
  new MutationObserver((records) => {
    const at = performance.timeOrigin + performance.now();
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!(node instanceof Element) || !node.closest('[role="log"]')) continue;
        for (const match of (node.textContent ?? '').matchAll(expression)) {
          const seq = match[2];
          if (match[1] !== run || seq === undefined || seen.has(seq)) continue;
          seen.add(seq);
          void notify(Number(seq), at);
        }
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
}

/** The page's clock now. */
export const pageNow = (): number => performance.timeOrigin + performance.now();

/** Whether the page fetched a URL containing `part` (resource timing). */
export const fetched = (part: string): boolean =>
  performance.getEntriesByType('resource').some((entry) => entry.name.includes(part));

/** A request's start and end (epoch ms on the page's clock). */
export interface RequestSpan {
  start: number;
  end: number;
}

/** The requests whose URL contains `part`, from resource timing (a CORS preflight is inside its span). */
export const requestsTo = (part: string): RequestSpan[] =>
  performance
    .getEntriesByType('resource')
    .filter((entry) => entry.name.includes(part))
    .map((entry) => ({
      start: performance.timeOrigin + entry.startTime,
      end: performance.timeOrigin + (entry as PerformanceResourceTiming).responseEnd,
    }));

/** The sender's IndexedDB writes (see `stampSends`). */
export const storageWrites = (): RequestSpan[] =>
  ((window as BenchWindow).benchWrites ?? []).filter((write) => Number.isFinite(write.end));

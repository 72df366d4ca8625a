import type { RequestSpan } from './pageScripts.js';

/** Per message, on the receiver's clock (ms); undefined where no matching request was seen. */
export interface MessageTimes {
  enter: number;
  rendered: number;
  /** The sender's PUT: first send request that started after Enter. */
  put: RequestSpan | undefined;
  /** The outbox's write of the message: the first IndexedDB put after Enter. */
  write: RequestSpan | undefined;
  /** The receiver's /sync that brought it: the last one answered before it was rendered (direct only). */
  sync: RequestSpan | undefined;
}

export type Breakdown = Record<string, number[]>;

/** Matches each message to the requests around it, from the pages' resource timing. */
export function matchRequests(
  times: Array<{ enter: number; rendered: number }>,
  puts: RequestSpan[],
  syncs: RequestSpan[],
  writes: RequestSpan[],
): MessageTimes[] {
  const byStart = [...puts].sort((a, b) => a.start - b.start);
  const writesByStart = [...writes].sort((a, b) => a.start - b.start);
  return times.map(({ enter, rendered }) => {
    const put = byStart.find((span) => span.start >= enter);
    const write = writesByStart.find((span) => span.start >= enter);
    let sync: RequestSpan | undefined;
    for (const span of syncs) if (span.end <= rendered && (!sync || span.end > sync.end)) sync = span;
    return { enter, rendered, put, sync, write };
  });
}

/** The steps of each message's trip, as lists of ms to take medians of. */
export function breakdown(messages: MessageTimes[]): Breakdown {
  const steps: Breakdown = {};
  const add = (name: string, value: number | undefined) => {
    if (value === undefined) return;
    steps[name] = [...(steps[name] ?? []), value];
  };
  for (const { enter, rendered, put, sync, write } of messages) {
    add('Enter → PUT starts', put && put.start - enter);
    if (write && put && write.end <= put.start) {
      add('… Enter → outbox write starts (React, Markdown)', write.start - enter);
      add('… outbox write (IndexedDB transaction)', write.end - write.start);
      add('… write committed → PUT starts', put.start - write.end);
    } else if (write && put && write.start < put.end) {
      // The outbox starts the request beside its write: the write is off the critical path.
      add('… outbox write, beside the PUT (IndexedDB transaction)', write.end - write.start);
    }
    // The SDK preflights the next send's URL while the user types: a warmed PUT has no preflight.
    add('PUT (a preflight included if not warmed)', put && put.end - put.start);
    if (sync && put) {
      add("PUT starts → receiver's /sync answered", sync.end - put.start);
      add('/sync answered → row in the DOM', rendered - sync.end);
      // Woken by something else first (the typing notice ending, a receipt), the receiver had
      // to ask again: with a new `since`, so a new CORS preflight, while the message was on its way.
      if (sync.start > enter)
        add('… of which /sync polled again after Enter (start → answered)', sync.end - sync.start);
    } else {
      add('PUT answered → row in the DOM', put && rendered - put.end);
    }
  }
  return steps;
}

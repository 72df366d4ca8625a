export interface RawPairInput {
  homeserverUrl: string;
  roomId: string;
  tokens: { sender: string; receiver: string };
  /** Names this run's messages (see `MESSAGE_PATTERN`). */
  run: string;
  /** The text of each message, `warmup + messages` of them. */
  texts: string[];
  /** `MESSAGE_PATTERN`'s source: group 1 the run, group 2 the sequence number. */
  pattern: string;
  /** The sync filter, as JSON. */
  filter: string;
  warmup: number;
  messages: number;
  gapMs: number;
  /** A long-polls `/sync` too, as every chat client does: Synapse then answers two syncs per message. */
  senderSyncs: boolean;
}

export interface RawPairOutput {
  /** `PUT` starts → B's `/sync` answer parsed, per measured message, ms. */
  latencies: number[];
  /** How long each measured `PUT` took, ms. */
  puts: number[];
}

/**
 * Two bare Matrix clients on plain `fetch`: B long-polls `/sync` and notes when each message is in
 * a parsed answer; A `PUT`s the messages one at a time, `gapMs` apart, each after the previous one
 * arrived. Self-contained (web APIs only, no imports or outer names), so the same function runs in
 * Node and, through `page.evaluate` (which sends its source), inside a browser page.
 */
export async function rawPairLoop(input: RawPairInput): Promise<RawPairOutput> {
  const now = () => performance.timeOrigin + performance.now();
  const base = `${input.homeserverUrl}/_matrix/client/v3`;
  const pattern = new RegExp(input.pattern);
  const stop = new AbortController();
  type Body = {
    next_batch: string;
    rooms?: { join?: Record<string, { timeline?: { events?: Array<{ content?: { body?: unknown } }> } }> };
  };
  const sync = async (since: string | undefined, timeout: number, token: string): Promise<Body> => {
    const query = new URLSearchParams({ timeout: String(timeout), filter: input.filter });
    if (since) query.set('since', since);
    const response = await fetch(`${base}/sync?${query}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: stop.signal,
    });
    if (!response.ok) throw new Error(`sync: ${response.status} ${await response.text()}`);
    return (await response.json()) as Body;
  };

  const arrived = new Map<number, number>();
  const waiters = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  let failure: Error | undefined;
  let since = (await sync(undefined, 0, input.tokens.receiver)).next_batch;
  const receiver = (async () => {
    while (!stop.signal.aborted) {
      const body = await sync(since, 30_000, input.tokens.receiver);
      const at = now();
      for (const event of body.rooms?.join?.[input.roomId]?.timeline?.events ?? []) {
        const text = event.content?.body;
        const match = typeof text === 'string' ? pattern.exec(text) : null;
        if (match?.[1] !== input.run) continue;
        const seq = Number(match[2]);
        if (!arrived.has(seq)) arrived.set(seq, at);
        waiters.get(seq)?.resolve();
      }
      since = body.next_batch;
    }
  })().catch((error: unknown) => {
    if (stop.signal.aborted) return;
    failure = error instanceof Error ? error : new Error(String(error));
    for (const waiter of waiters.values()) waiter.reject(failure);
  });
  const senderLoop = input.senderSyncs
    ? (async () => {
        let position = (await sync(undefined, 0, input.tokens.sender)).next_batch;
        while (!stop.signal.aborted)
          position = (await sync(position, 30_000, input.tokens.sender)).next_batch;
      })().catch(() => undefined)
    : Promise.resolve();

  const latencies: number[] = [];
  const puts: number[] = [];
  try {
    for (let seq = 0; seq < input.warmup + input.messages; seq++) {
      await new Promise((resolve) => setTimeout(resolve, input.gapMs));
      if (failure) throw failure;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arrival = new Promise<void>((resolve, reject) => {
        waiters.set(seq, { resolve, reject });
        timer = setTimeout(() => reject(new Error(`message ${seq} did not arrive within 15 s`)), 15_000);
      }).finally(() => clearTimeout(timer));
      const sentAt = now();
      const response = await fetch(
        `${base}/rooms/${encodeURIComponent(input.roomId)}/send/m.room.message/${input.run}-${seq}`,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${input.tokens.sender}`, 'content-type': 'application/json' },
          body: JSON.stringify({ msgtype: 'm.text', body: input.texts[seq] }),
        },
      );
      if (!response.ok) throw new Error(`send ${seq}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      const putMs = now() - sentAt;
      await arrival;
      if (seq >= input.warmup) {
        puts.push(putMs);
        latencies.push((arrived.get(seq) as number) - sentAt);
      }
    }
  } finally {
    stop.abort();
    await Promise.all([receiver, senderLoop]);
  }
  return { latencies, puts };
}

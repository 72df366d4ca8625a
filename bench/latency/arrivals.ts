/** How long one message may take to arrive before the row fails. */
const ARRIVAL_TIMEOUT_MS = 15_000;

/** The bench's message text: the row's run id and the message's sequence number. */
export const messageText = (run: string, seq: number) => `latency ${run} ${seq}`;

/** Matches `messageText` (as a source string, so page scripts can build it too). */
export const MESSAGE_PATTERN = 'latency (\\w+) (\\d+)';

/**
 * Pairs each message's send time with its arrival time (epoch ms, one clock), and lets the
 * sender wait for one message to arrive before sending the next.
 */
export class Arrivals {
  readonly #sent = new Map<number, number>();
  readonly #arrived = new Map<number, number>();
  readonly #waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();

  constructor(readonly run: string) {}

  sent(seq: number, at: number): void {
    this.#sent.set(seq, at);
  }

  arrived(seq: number, at: number): void {
    if (this.#arrived.has(seq)) return;
    this.#arrived.set(seq, at);
    this.#waiting.get(seq)?.resolve();
  }

  /** Resolves once message `seq` has arrived. */
  async wait(seq: number): Promise<void> {
    if (!this.#arrived.has(seq)) {
      await new Promise<void>((resolve, reject) => {
        const settle = (error?: Error) => {
          clearTimeout(timer);
          this.#waiting.delete(seq);
          if (error) reject(error);
          else resolve();
        };
        const timer = setTimeout(
          () =>
            settle(
              new Error(`message ${seq} of run ${this.run} did not arrive within ${ARRIVAL_TIMEOUT_MS} ms`),
            ),
          ARRIVAL_TIMEOUT_MS,
        );
        this.#waiting.set(seq, { resolve: () => settle(), reject: settle });
      });
    }
  }

  /** Send and arrival times of messages `from` to `to` − 1 (the warm-up excluded); throws if one is missing. */
  times(from: number, to: number): Array<{ sent: number; arrived: number }> {
    const out: Array<{ sent: number; arrived: number }> = [];
    for (let seq = from; seq < to; seq++) {
      const sent = this.#sent.get(seq);
      const arrived = this.#arrived.get(seq);
      if (sent === undefined || arrived === undefined) {
        throw new Error(
          `message ${seq} of run ${this.run}: no ${sent === undefined ? 'send' : 'arrival'} time`,
        );
      }
      out.push({ sent, arrived });
    }
    return out;
  }
}

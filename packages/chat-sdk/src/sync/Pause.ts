/**
 * A wait between attempts that can be cut short: a reconnecting loop sleeps through its backoff,
 * and the browser's `online` event, a caller's `retryNow()` or `stop()` wakes it at once.
 */
export class Pause {
  #wakeUp: (() => void) | undefined;

  /** Resolves after `ms`, or as soon as `wake()` is called. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = () => {
        this.#wakeUp = undefined;
        done();
      };
    });
  }

  wake(): void {
    this.#wakeUp?.();
  }
}

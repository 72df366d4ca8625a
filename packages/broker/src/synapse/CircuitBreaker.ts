/**
 * Opens after `failureThreshold` consecutive upstream failures, so a dead homeserver costs callers
 * an immediate 503 instead of a timeout each; after `openMs` one probe is let through
 * (half-open) and its outcome closes or re-opens the circuit.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private probing = false;

  constructor(
    private readonly options: { failureThreshold: number; openMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds until a call may be attempted; 0 when it may go now. */
  blockedForMs(): number {
    if (this.openedAt === undefined) return 0;
    const remaining = this.openedAt + this.options.openMs - this.now();
    if (remaining > 0) return remaining;
    if (this.probing) return Math.min(1000, this.options.openMs);
    this.probing = true;
    return 0;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.openedAt + this.options.openMs > this.now() ? 'open' : 'half-open';
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.probing = false;
  }

  recordFailure(): void {
    this.failures++;
    this.probing = false;
    if (this.openedAt !== undefined || this.failures >= this.options.failureThreshold)
      this.openedAt = this.now();
  }
}

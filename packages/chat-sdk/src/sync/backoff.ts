/** Milliseconds to wait before attempt `n + 1`, given `n` failures so far. */
export type Backoff = (failures: number) => number;

/**
 * Exponential backoff with full jitter (AWS's "Exponential Backoff And Jitter"): a uniformly
 * random wait up to `base · 2ⁿ`, capped, so many clients coming back at once spread out.
 * Never below `minMs`, so a zero draw does not turn into a busy loop.
 */
export function jitteredBackoff(options: {
  baseMs: number;
  capMs: number;
  minMs?: number;
  random?: () => number;
}): Backoff {
  const random = options.random ?? Math.random;
  const min = options.minMs ?? Math.min(250, options.baseMs);
  return (failures) => {
    const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(failures, 30));
    return Math.max(min, Math.floor(random() * ceiling));
  };
}

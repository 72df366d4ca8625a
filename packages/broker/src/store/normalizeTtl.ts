/**
 * Both backends take whole positive milliseconds (Redis rejects `PX 0` and fractions), so every TTL
 * passes through here: a fraction is rounded up rather than expiring early.
 */
export function normalizeTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}

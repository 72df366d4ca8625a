import { describe, expect, it } from 'vitest';
import { jitteredBackoff } from '../../src/sync/backoff.js';

describe('jitteredBackoff', () => {
  it('doubles its ceiling with each failure up to the cap', () => {
    const highest = jitteredBackoff({ baseMs: 1000, capMs: 30_000, random: () => 0.999_999 });
    expect([0, 1, 2, 3, 4, 5, 6, 40].map(highest)).toEqual([
      999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999,
    ]);
  });

  it('draws uniformly below the ceiling', () => {
    const half = jitteredBackoff({ baseMs: 1000, capMs: 30_000, random: () => 0.5 });
    expect(half(3)).toBe(4000);
  });

  it('never waits less than minMs, so a zero draw is no busy loop', () => {
    expect(jitteredBackoff({ baseMs: 1000, capMs: 30_000, random: () => 0 })(0)).toBe(250);
    expect(jitteredBackoff({ baseMs: 100, capMs: 30_000, random: () => 0 })(0)).toBe(100);
    expect(jitteredBackoff({ baseMs: 1000, capMs: 30_000, minMs: 700, random: () => 0 })(5)).toBe(700);
  });

  it('stays finite for huge failure counts', () => {
    const highest = jitteredBackoff({ baseMs: 1000, capMs: 30_000, random: () => 0.999_999 });
    expect(highest(Number.MAX_SAFE_INTEGER)).toBe(29_999);
  });
});

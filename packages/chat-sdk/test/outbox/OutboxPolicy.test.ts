import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultOutboxPolicy } from '../../src/outbox/OutboxPolicy.js';

describe('backoffDelay (full jitter)', () => {
  const policy = defaultOutboxPolicy;
  const almostOne = () => 0.999_999;

  it('grows by the factor from the base and stops at the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 10].map((attempt) => backoffDelay(policy, attempt, almostOne));
    expect(ceilings).toEqual([999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999]);
  });

  it('stays within [0, ceiling) for any random value', () => {
    for (const attempt of [1, 3, 8]) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      expect(backoffDelay(policy, attempt, () => 0)).toBe(0);
      expect(backoffDelay(policy, attempt, () => 0.5)).toBe(ceiling / 2);
      expect(backoffDelay(policy, attempt, almostOne)).toBeLessThan(ceiling);
    }
  });

  it('follows the policy it is given', () => {
    const custom = { ...policy, baseDelayMs: 100, factor: 3, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(custom, attempt, () => 0.5))).toEqual([
      50, 150, 450, 500,
    ]);
  });
});

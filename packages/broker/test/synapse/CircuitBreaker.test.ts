import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/synapse/CircuitBreaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one probe through after openMs, and closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 }, () => now);
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.blockedForMs()).toBe(0);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.blockedForMs()).toBe(1000);
    now = 1000;
    expect(breaker.blockedForMs()).toBe(0); // the probe
    expect(breaker.blockedForMs()).toBeGreaterThan(0); // others wait for its outcome
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.blockedForMs()).toBe(0);
  });

  it('re-opens when the probe fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 500 }, () => now);
    breaker.recordFailure();
    now = 600;
    expect(breaker.blockedForMs()).toBe(0);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.blockedForMs()).toBe(500);
  });
});

import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkSignals } from '../src/linkSignals.js';

describe('linkSignals', () => {
  it('aborts with the reason of whichever source aborts first', () => {
    const a = new AbortController();
    const b = new AbortController();
    const linked = linkSignals([a.signal, b.signal]);
    expect(linked.signal.aborted).toBe(false);
    b.abort(new Error('b went first'));
    expect(linked.signal.aborted).toBe(true);
    expect((linked.signal.reason as Error).message).toBe('b went first');
    a.abort(new Error('too late'));
    expect((linked.signal.reason as Error).message).toBe('b went first');
  });

  it('starts aborted when a source already is', () => {
    const done = AbortSignal.abort('gone');
    expect(linkSignals([new AbortController().signal, done]).signal.reason).toBe('gone');
  });

  it('leaves nothing attached to a long-lived source once disposed, however often it is linked', () => {
    const longLived = new AbortController();
    for (let i = 0; i < 1000; i++) {
      const linked = linkSignals([longLived.signal, AbortSignal.timeout(60_000)]);
      linked.dispose();
    }
    expect(getEventListeners(longLived.signal, 'abort')).toHaveLength(0);
    const linked = linkSignals([longLived.signal]);
    linked.dispose();
    longLived.abort();
    expect(linked.signal.aborted).toBe(false);
  });
});

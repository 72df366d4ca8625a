import { describe, expect, it } from 'vitest';
import {
  alwaysLeader,
  defaultOutboxLeadership,
  webLocksLeadership,
} from '../../src/outbox/OutboxLeadership.js';
import { FakeLocks, settle } from './fakes.js';

describe('webLocksLeadership', () => {
  it('lets one holder lead at a time and hands over on release', async () => {
    const locks = new FakeLocks();
    const leadership = webLocksLeadership(locks);
    const led: string[] = [];
    const releaseA = leadership.acquire('outbox', () => led.push('a'));
    const releaseB = leadership.acquire('outbox', () => led.push('b'));
    await settle();
    expect(led).toEqual(['a']);

    releaseA();
    await settle();
    expect(led).toEqual(['a', 'b']);
    releaseB();
    await settle();
    expect(locks.isHeld('outbox')).toBe(false);
  });

  it('never calls back once released while still waiting', async () => {
    const locks = new FakeLocks();
    const leadership = webLocksLeadership(locks);
    const led: string[] = [];
    const releaseA = leadership.acquire('outbox', () => led.push('a'));
    const releaseB = leadership.acquire('outbox', () => led.push('b'));
    await settle();
    releaseB();
    releaseA();
    await settle();
    expect(led).toEqual(['a']);
    expect(locks.isHeld('outbox')).toBe(false);
  });
});

describe('alwaysLeader', () => {
  it('leads at once unless released first', async () => {
    const led: string[] = [];
    alwaysLeader.acquire('outbox', () => led.push('kept'));
    const release = alwaysLeader.acquire('outbox', () => led.push('released'));
    release();
    await settle();
    expect(led).toEqual(['kept']);
  });
});

describe('defaultOutboxLeadership', () => {
  it('falls back to always leading where navigator.locks is missing (Node)', () => {
    expect((globalThis.navigator as { locks?: unknown } | undefined)?.locks).toBeUndefined();
    expect(defaultOutboxLeadership()).toBe(alwaysLeader);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerError } from '../../src/errors.js';
import type { Store } from '../../src/store/Store.js';
import { withLock } from '../../src/store/withLock.js';

async function expectLockTimeout(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(BrokerError);
  expect((error as BrokerError).code).toBe('OM_LOCK_TIMEOUT');
}

async function expectUnavailable(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(BrokerError);
  expect((error as BrokerError).code).toBe('OM_STORE_UNAVAILABLE');
}

/** One suite for every `Store`: a backend passes it or it is not a `Store`. */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} (Store contract)`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('strings', () => {
      it('reads back what was set, undefined for a missing key', async () => {
        expect(await store.get('missing')).toBeUndefined();
        await store.set('a', 'one');
        expect(await store.get('a')).toBe('one');
        await store.set('a', 'two');
        expect(await store.get('a')).toBe('two');
      });

      it('keeps empty strings and unicode exactly', async () => {
        await store.set('empty', '');
        await store.set('text', 'héllo ✓ 𝄞');
        expect(await store.get('empty')).toBe('');
        expect(await store.get('text')).toBe('héllo ✓ 𝄞');
      });

      it('deletes, and deleting a missing key is fine', async () => {
        await store.set('a', 'one');
        await store.delete('a');
        expect(await store.get('a')).toBeUndefined();
        await store.delete('a');
      });

      it('expires a value after its TTL', async () => {
        await store.set('short', 'v', { ttlMs: 80 });
        await store.set('long', 'v', { ttlMs: 5000 });
        expect(await store.get('short')).toBe('v');
        await sleep(150);
        expect(await store.get('short')).toBeUndefined();
        expect(await store.get('long')).toBe('v');
      });

      it('drops the TTL when a value is set again without one', async () => {
        await store.set('a', 'v1', { ttlMs: 80 });
        await store.set('a', 'v2');
        await sleep(150);
        expect(await store.get('a')).toBe('v2');
      });

      it('rejects a TTL that is not a positive number', async () => {
        await expect(store.set('a', 'v', { ttlMs: 0 })).rejects.toBeInstanceOf(RangeError);
        await expect(store.setIfAbsent('a', 'v', -1)).rejects.toBeInstanceOf(RangeError);
        await expect(store.increment('a', Number.NaN)).rejects.toBeInstanceOf(RangeError);
        expect(await store.get('a')).toBeUndefined();
      });
    });

    describe('setIfAbsent', () => {
      it('sets only when the key is absent', async () => {
        expect(await store.setIfAbsent('lock', 'first', 5000)).toBe(true);
        expect(await store.setIfAbsent('lock', 'second', 5000)).toBe(false);
        expect(await store.get('lock')).toBe('first');
      });

      it('treats an expired key as absent', async () => {
        expect(await store.setIfAbsent('lock', 'first', 60)).toBe(true);
        await sleep(120);
        expect(await store.setIfAbsent('lock', 'second', 5000)).toBe(true);
        expect(await store.get('lock')).toBe('second');
      });

      it('lets exactly one of 20 concurrent callers win', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.setIfAbsent('race', `caller-${i}`, 5000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await store.get('race')).toBe(`caller-${winner}`);
      });
    });

    describe('deleteIfEquals', () => {
      it('deletes only when the value matches', async () => {
        await store.set('lock', 'mine');
        expect(await store.deleteIfEquals('lock', 'theirs')).toBe(false);
        expect(await store.get('lock')).toBe('mine');
        expect(await store.deleteIfEquals('lock', 'mine')).toBe(true);
        expect(await store.get('lock')).toBeUndefined();
        expect(await store.deleteIfEquals('lock', 'mine')).toBe(false);
      });

      it('does not delete a value that has expired', async () => {
        await store.set('lock', 'mine', { ttlMs: 50 });
        await sleep(100);
        expect(await store.deleteIfEquals('lock', 'mine')).toBe(false);
      });
    });

    describe('hashes', () => {
      it('sets, reads, lists and deletes fields', async () => {
        expect(await store.hashGet('h', 'f')).toBeUndefined();
        expect(Object.entries(await store.hashGetAll('h'))).toEqual([]);
        await store.hashSet('h', 'f1', 'v1');
        await store.hashSet('h', 'f2', 'v2');
        await store.hashSet('h', 'f1', 'v1b');
        expect(await store.hashGet('h', 'f1')).toBe('v1b');
        expect(await store.hashGet('h', 'nope')).toBeUndefined();
        expect(Object.entries(await store.hashGetAll('h')).sort()).toEqual([
          ['f1', 'v1b'],
          ['f2', 'v2'],
        ]);
        await store.hashDelete('h', 'f1');
        await store.hashDelete('h', 'never-there');
        expect(Object.entries(await store.hashGetAll('h'))).toEqual([['f2', 'v2']]);
      });

      it('removes the key with its last field', async () => {
        await store.hashSet('h', 'only', 'v');
        await store.hashDelete('h', 'only');
        expect(await store.setIfAbsent('h', 'now-a-string', 5000)).toBe(true);
      });

      it('deletes a whole hash with delete', async () => {
        await store.hashSet('h', 'f', 'v');
        await store.delete('h');
        expect(await store.hashGet('h', 'f')).toBeUndefined();
      });

      it('round-trips fields named like Object.prototype members as plain data', async () => {
        await store.hashSet('h', '__proto__', '{"polluted":true}');
        await store.hashSet('h', 'constructor', 'c');
        await store.hashSet('h', 'toString', 't');
        expect(await store.hashGet('h', '__proto__')).toBe('{"polluted":true}');
        const all = await store.hashGetAll('h');
        expect(Object.entries(all).sort()).toEqual([
          ['__proto__', '{"polluted":true}'],
          ['constructor', 'c'],
          ['toString', 't'],
        ]);
        expect(Object.hasOwn(all, '__proto__')).toBe(true);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
      });

      it('keeps string keys and hash keys as separate types', async () => {
        await store.set('s', 'v');
        await store.hashSet('h', 'f', 'v');
        await expectUnavailable(store.hashSet('s', 'f', 'v'));
        await expectUnavailable(store.hashGet('s', 'f'));
        await expectUnavailable(store.get('h'));
        await expectUnavailable(store.increment('h'));
        // Like Redis SET, a plain set replaces a hash.
        await store.set('h', 'now-a-string');
        expect(await store.get('h')).toBe('now-a-string');
      });
    });

    describe('increment', () => {
      it('starts at 1 and counts up', async () => {
        expect(await store.increment('n')).toBe(1);
        expect(await store.increment('n')).toBe(2);
        expect(await store.get('n')).toBe('2');
      });

      it('counts every one of 20 concurrent increments', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, () => store.increment('n', 5000)));
        expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(await store.get('n')).toBe('20');
      });

      it('sets the TTL on creation and does not extend it', async () => {
        expect(await store.increment('window', 150)).toBe(1);
        await sleep(60);
        expect(await store.increment('window', 150)).toBe(2);
        await sleep(150);
        expect(await store.get('window')).toBeUndefined();
        expect(await store.increment('window', 150)).toBe(1);
      });

      it('increments a value written with set, and rejects a non-integer', async () => {
        await store.set('n', '41');
        expect(await store.increment('n')).toBe(42);
        await store.set('text', 'abc');
        await expectUnavailable(store.increment('text'));
      });
    });

    describe('lifecycle', () => {
      it('answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('rejects calls after close, and closes twice safely', async () => {
        await store.close();
        await store.close();
        await expectUnavailable(store.get('a'));
        await expectUnavailable(store.ping());
      });
    });

    describe('withLock', () => {
      it('never lets critical sections overlap', async () => {
        let inside = 0;
        let maxInside = 0;
        const order: number[] = [];
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            withLock(
              store,
              'lock',
              5000,
              async () => {
                inside += 1;
                maxInside = Math.max(maxInside, inside);
                await sleep(10);
                order.push(i);
                inside -= 1;
              },
              { waitMs: 5000 },
            ),
          ),
        );
        expect(maxInside).toBe(1);
        expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
        expect(await store.get('lock')).toBeUndefined();
      });

      it('returns what the work returns and releases the lock', async () => {
        expect(await withLock(store, 'lock', 5000, async () => 'done', { waitMs: 0 })).toBe('done');
        expect(await store.get('lock')).toBeUndefined();
      });

      it('releases the lock when the work throws', async () => {
        const failure = new Error('boom');
        await expect(
          withLock(
            store,
            'lock',
            5000,
            async () => {
              throw failure;
            },
            { waitMs: 0 },
          ),
        ).rejects.toBe(failure);
        expect(await store.get('lock')).toBeUndefined();
        expect(await withLock(store, 'lock', 5000, async () => 'again', { waitMs: 0 })).toBe('again');
      });

      it('gives up with OM_LOCK_TIMEOUT when the lock stays held', async () => {
        await store.set('lock', 'someone-else', { ttlMs: 5000 });
        let ran = false;
        const started = performance.now();
        await expectLockTimeout(
          withLock(
            store,
            'lock',
            5000,
            async () => {
              ran = true;
            },
            { waitMs: 100 },
          ),
        );
        expect(performance.now() - started).toBeGreaterThanOrEqual(95);
        expect(ran).toBe(false);
        expect(await store.get('lock')).toBe('someone-else');
      });

      it('does not release a lock it no longer holds', async () => {
        await withLock(
          store,
          'lock',
          50,
          async () => {
            await sleep(100);
            // Our lock expired; someone else took it.
            expect(await store.setIfAbsent('lock', 'next-holder', 5000)).toBe(true);
          },
          { waitMs: 0 },
        );
        expect(await store.get('lock')).toBe('next-holder');
      });
    });
  });
}

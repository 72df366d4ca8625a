import { afterEach, describe, expect, it, vi } from 'vitest';
import { MediaCache, type Thumbnail } from '../../src/media/MediaCache.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const blob = (bytes: number) => new Blob([new Uint8Array(bytes)]);

function setup(options: { maxEntries?: number; maxBytes?: number } = {}, sizes: Record<string, number> = {}) {
  const fetchMedia = vi.fn(async (_server: string, mediaId: string, _thumbnail?: Thumbnail) =>
    blob(sizes[mediaId] ?? 1),
  );
  const revoke = vi.spyOn(URL, 'revokeObjectURL');
  const cache = new MediaCache(fetchMedia, options);
  caches.push(cache);
  return { cache, fetchMedia, revoke };
}

const caches: MediaCache[] = [];
afterEach(() => {
  for (const cache of caches.splice(0)) cache.clear();
  vi.restoreAllMocks();
});

describe('MediaCache', () => {
  it('fetches once for concurrent requests and serves the blob URL from cache after', async () => {
    const { cache, fetchMedia } = setup();
    const answer = deferred<Blob>();
    fetchMedia.mockReturnValueOnce(answer.promise);
    const a = cache.url('mxc://example.org/abc');
    const b = cache.url('mxc://example.org/abc');
    answer.resolve(blob(3));
    const [urlA, urlB] = await Promise.all([a, b]);

    expect(urlA).toMatch(/^blob:/);
    expect(urlB).toBe(urlA);
    await expect(cache.url('mxc://example.org/abc')).resolves.toBe(urlA);
    expect(fetchMedia).toHaveBeenCalledTimes(1);
    expect(fetchMedia).toHaveBeenCalledWith('example.org', 'abc', undefined);
  });

  it('caches a thumbnail apart from the full image', async () => {
    const { cache, fetchMedia } = setup();
    const full = await cache.url('mxc://example.org/abc');
    const thumbnail = { width: 64, height: 64, method: 'crop' as const };
    const small = await cache.url('mxc://example.org/abc', thumbnail);
    expect(small).not.toBe(full);
    expect(fetchMedia).toHaveBeenLastCalledWith('example.org', 'abc', thumbnail);
    await cache.url('mxc://example.org/abc', { width: 64, height: 64, method: 'crop' });
    expect(fetchMedia).toHaveBeenCalledTimes(2);
  });

  it.each(['https://example.org/a.png', 'mxc://example.org', 'mxc://example.org/../x', 'MXC://a/b', ''])(
    'refuses %j without fetching',
    async (uri) => {
      const { cache, fetchMedia } = setup();
      await expect(cache.url(uri)).rejects.toMatchObject({ code: 'CHAT_BAD_INPUT' });
      expect(fetchMedia).not.toHaveBeenCalled();
    },
  );

  it('evicts the least recently used URL over the count, revoking it', async () => {
    const { cache, fetchMedia, revoke } = setup({ maxEntries: 2 });
    const a = await cache.url('mxc://x/a');
    const b = await cache.url('mxc://x/b');
    await cache.url('mxc://x/a');
    await cache.url('mxc://x/c');

    expect(revoke.mock.calls).toEqual([[b]]);
    await expect(cache.url('mxc://x/a')).resolves.toBe(a);
    expect(fetchMedia).toHaveBeenCalledTimes(3);
    const again = await cache.url('mxc://x/b');
    expect(again).not.toBe(b);
    expect(fetchMedia).toHaveBeenCalledTimes(4);
  });

  it('evicts by bytes, but keeps the newest even when it alone is over the budget', async () => {
    const { cache, revoke } = setup({ maxBytes: 10 }, { a: 4, b: 4, c: 4, huge: 50 });
    const a = await cache.url('mxc://x/a');
    const b = await cache.url('mxc://x/b');
    const c = await cache.url('mxc://x/c');
    expect(revoke.mock.calls).toEqual([[a]]);

    const huge = await cache.url('mxc://x/huge');
    expect(revoke.mock.calls).toEqual([[a], [b], [c]]);
    expect(revoke).not.toHaveBeenCalledWith(huge);
  });

  it('does not cache a failed fetch', async () => {
    const { cache, fetchMedia } = setup();
    fetchMedia.mockRejectedValueOnce(new Error('404'));
    await expect(cache.url('mxc://x/a')).rejects.toThrow('404');
    await expect(cache.url('mxc://x/a')).resolves.toMatch(/^blob:/);
    expect(fetchMedia).toHaveBeenCalledTimes(2);
  });

  it('clear() revokes every URL', async () => {
    const { cache, fetchMedia, revoke } = setup();
    const a = await cache.url('mxc://x/a');
    const b = await cache.url('mxc://x/b');
    cache.clear();
    expect(revoke.mock.calls.flat().sort()).toEqual([a, b].sort());
    await cache.url('mxc://x/a');
    expect(fetchMedia).toHaveBeenCalledTimes(3);
  });

  it('clear() while a fetch runs: its URL never enters the emptied cache', async () => {
    const { cache, fetchMedia } = setup();
    const pending = deferred<Blob>();
    fetchMedia.mockReturnValueOnce(pending.promise);
    const created = vi.spyOn(URL, 'createObjectURL');
    const url = cache.url('mxc://x/late');
    cache.clear();
    pending.resolve(blob(10));
    await expect(url).rejects.toMatchObject({ code: 'CHAT_CLOSED' });
    expect(created).not.toHaveBeenCalled();
    // A later request fetches afresh.
    await expect(cache.url('mxc://x/late')).resolves.toMatch(/^blob:/);
    expect(fetchMedia).toHaveBeenCalledTimes(2);
  });
});

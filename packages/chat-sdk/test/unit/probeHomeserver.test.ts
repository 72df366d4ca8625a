import { describe, expect, it, vi } from 'vitest';
import { probeHomeserver } from '../../src/client/probeHomeserver.js';

type FetchArgs = [url: string, init: RequestInit];

function fakeFetch(answer: () => Promise<Response>) {
  const fetch = vi.fn(async (..._args: FetchArgs) => answer());
  return { fetch, probe: (url: string) => probeHomeserver(url, fetch as unknown as typeof globalThis.fetch) };
}

describe('probeHomeserver', () => {
  it('asks /_matrix/client/versions, past the HTTP cache, and says yes when it answers', async () => {
    const { fetch, probe } = fakeFetch(async () => new Response('{"versions":["v1.11"]}'));
    expect(await probe('https://matrix.example.org/')).toBe(true);
    const [url, init] = fetch.mock.calls[0] as FetchArgs;
    expect(url).toBe('https://matrix.example.org/_matrix/client/versions');
    // A cached answer (Synapse allows caching it) would claim a blocked homeserver is reachable.
    expect(init.cache).toBe('no-store');
    expect(init.signal).toBeInstanceOf(AbortSignal);
  });

  it('says no when the request fails or the answer is an error', async () => {
    expect(
      await fakeFetch(() => Promise.reject(new TypeError('Failed to fetch'))).probe('https://m.example'),
    ).toBe(false);
    expect(await fakeFetch(async () => new Response('', { status: 502 })).probe('https://m.example')).toBe(
      false,
    );
  });
});

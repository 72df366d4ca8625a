import { describe, expect, it, vi } from 'vitest';
import { BrokerApi, type BrokerApiOptions } from '../../src/broker/BrokerApi.js';
import { ChatSdkError } from '../../src/ChatSdkError.js';

type FetchArgs = [url: string, init: RequestInit];

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function setup(answer: () => Response | Promise<Response>, options: Partial<BrokerApiOptions> = {}) {
  const fetch = vi.fn(async (..._args: FetchArgs) => answer());
  const api = new BrokerApi({
    brokerUrl: 'https://chat.example.org/',
    fetch: fetch as unknown as typeof globalThis.fetch,
    ...options,
  });
  const request = (i = 0) => {
    const call = fetch.mock.calls[i];
    if (!call) throw new Error(`no request ${i}`);
    const [url, init] = call;
    return { url, init, headers: init.headers as Record<string, string> };
  };
  return { api, fetch, request };
}

const SESSION = {
  userId: '@me:example.org',
  deviceId: 'OMB_abc',
  accessToken: 'tok',
  expiresAt: 1,
  homeserverUrl: 'https://matrix.example.org',
};

async function failure(promise: Promise<unknown>): Promise<ChatSdkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChatSdkError);
  return error as ChatSdkError;
}

describe('BrokerApi requests', () => {
  it('posts the device key with a Bearer host token and no cookies', async () => {
    const { api, request } = setup(() => json(200, SESSION), { getHostToken: async () => 'host-jwt' });
    await expect(api.session('device-key-1')).resolves.toEqual(SESSION);

    const { url, init, headers } = request();
    expect(url).toBe('https://chat.example.org/v1/session');
    expect(init.method).toBe('POST');
    expect(headers.authorization).toBe('Bearer host-jwt');
    expect(headers['content-type']).toBe('application/json');
    expect(init.credentials).toBe('omit');
    expect(JSON.parse(String(init.body))).toEqual({ deviceKey: 'device-key-1' });
  });

  it('sends the stale token when refreshing a refused one', async () => {
    const { api, request } = setup(() => json(200, SESSION));
    await api.session('device-key-1', 'old-token');
    expect(JSON.parse(String(request().init.body))).toEqual({
      deviceKey: 'device-key-1',
      staleAccessToken: 'old-token',
    });
  });

  it.each([
    ['no getHostToken', undefined],
    ['getHostToken answering nothing', () => undefined],
  ])('sends the host cookie with %s', async (_label, getHostToken) => {
    const { api, request } = setup(() => json(200, SESSION), getHostToken ? { getHostToken } : {});
    await api.session('device-key-1');
    expect(request().headers.authorization).toBeUndefined();
    expect(request().init.credentials).toBe('include');
  });

  it('asks for the current host token before every request', async () => {
    let jwt = 'first';
    const { api, request } = setup(() => json(200, SESSION), { getHostToken: () => jwt });
    await api.session('device-key-1');
    jwt = 'second';
    await api.session('device-key-1');
    expect(request(0).headers.authorization).toBe('Bearer first');
    expect(request(1).headers.authorization).toBe('Bearer second');
  });

  it('looks rooms up by id or slug, encoded in the query', async () => {
    const { api, request } = setup(() => json(200, { roomId: '!r:example.org', alias: '#g:example.org' }));
    await expect(api.lookupRoom({ kind: 'group', id: '42' })).resolves.toEqual({
      roomId: '!r:example.org',
      alias: '#g:example.org',
    });
    await api.lookupRoom({ kind: 'event', slug: 'hike & bike/2025' });

    const byId = new URL(request(0).url);
    expect(byId.pathname).toBe('/v1/rooms/lookup');
    expect(Object.fromEntries(byId.searchParams)).toEqual({ kind: 'group', id: '42' });
    expect(request(0).init.method).toBe('GET');
    expect(request(0).init.body).toBeUndefined();
    const bySlug = new URL(request(1).url);
    expect(Object.fromEntries(bySlug.searchParams)).toEqual({ kind: 'event', slug: 'hike & bike/2025' });
  });

  it('opens a DM by host user id', async () => {
    const { api, request } = setup(() => json(200, { roomId: '!dm:example.org', created: true }));
    await expect(api.directRoom('user-7')).resolves.toEqual({ roomId: '!dm:example.org', created: true });
    expect(request().url).toBe('https://chat.example.org/v1/rooms/dm');
    expect(JSON.parse(String(request().init.body))).toEqual({ userId: 'user-7' });
  });
});

describe('BrokerApi errors', () => {
  it.each([
    [401, 'OM_UNAUTHORIZED', 'CHAT_UNAUTHORIZED'],
    [403, 'OM_FORBIDDEN', 'CHAT_FORBIDDEN'],
    [404, 'OM_ROOM_NOT_FOUND', 'CHAT_ROOM_NOT_FOUND'],
    [404, 'OM_USER_NOT_FOUND', 'CHAT_USER_NOT_FOUND'],
    [400, 'OM_BAD_REQUEST', 'CHAT_BAD_INPUT'],
    [500, 'OM_INTERNAL', 'CHAT_BROKER_UNREACHABLE'],
    [503, undefined, 'CHAT_BROKER_UNREACHABLE'],
    [409, 'OM_CONFLICT', 'CHAT_SERVER_ERROR'],
  ])('maps %i %s to %s', async (status, serverCode, code) => {
    const body = serverCode ? { error: { code: serverCode, message: 'the broker says no' } } : {};
    const { api } = setup(() => json(status, body));
    const error = await failure(api.lookupRoom({ kind: 'group', id: '1' }));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.serverCode).toBe(serverCode);
    expect(error.message).toBe(serverCode ? 'the broker says no' : `HTTP ${status}`);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('turns a 429 with Retry-After into CHAT_RATE_LIMITED with retryAfterMs', async () => {
    const { api } = setup(() =>
      json(429, { error: { code: 'OM_RATE_LIMITED', message: 'slow down' } }, { 'retry-after': '3' }),
    );
    const error = await failure(api.session('device-key-1'));
    expect(error).toMatchObject({ code: 'CHAT_RATE_LIMITED', retryAfterMs: 3000, status: 429 });
  });

  it('ignores a Retry-After it cannot read', async () => {
    const { api } = setup(() => json(429, {}, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }));
    const error = await failure(api.session('device-key-1'));
    expect(error.code).toBe('CHAT_RATE_LIMITED');
    expect(error.retryAfterMs).toBeUndefined();
  });

  it('survives a non-JSON error body', async () => {
    const { api } = setup(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const error = await failure(api.session('device-key-1'));
    expect(error).toMatchObject({ code: 'CHAT_BROKER_UNREACHABLE', status: 502, message: 'HTTP 502' });
  });

  it('turns a network failure into CHAT_BROKER_UNREACHABLE', async () => {
    const cause = new TypeError('fetch failed');
    const { api } = setup(() => {
      throw cause;
    });
    const error = await failure(api.session('device-key-1'));
    expect(error.code).toBe('CHAT_BROKER_UNREACHABLE');
    expect(error.cause).toBe(cause);
    expect(error.status).toBeUndefined();
  });

  it('turns an aborted request into CHAT_ABORTED', async () => {
    const controller = new AbortController();
    const { api, request } = setup(() => {
      controller.abort();
      throw new DOMException('aborted', 'AbortError');
    });
    const error = await failure(api.session('device-key-1', undefined, controller.signal));
    expect(error.code).toBe('CHAT_ABORTED');
    expect(request().init.signal).toBe(controller.signal);
  });
});

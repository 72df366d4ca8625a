import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type Server as TlsServer } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LongPollClient, LongPollError } from '../../src/synapse/LongPollClient.js';
import { TEST_TLS_CERT, TEST_TLS_KEY } from '../support/tlsFixture.js';

// A scripted TCP peer, byte for byte: the framings, keep-alive and failures a homeserver (or a proxy
// in front of it) may produce. Real-Synapse long-polls run through this client in the SSE suites.

interface Peer {
  socket: Socket;
  /** The request heads received so far on this connection. */
  requests: string[];
}
type Script = (peer: Peer, request: string) => void;

let server: Server;
let origin: string;
let scripts: Script[] = [];
const peers: Peer[] = [];
const clients: LongPollClient[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    const peer: Peer = { socket, requests: [] };
    peers.push(peer);
    let buffered = '';
    socket.setEncoding('latin1');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const request = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        peer.requests.push(request);
        (scripts.shift() ?? ((p) => p.socket.destroy()))(peer, request);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  origin = `http://127.0.0.1:${address.port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const peer of peers.splice(0)) peer.socket.destroy();
  scripts = [];
});

function client(options: { maxConnections?: number; maxBodyBytes?: number } = {}): LongPollClient {
  const made = new LongPollClient({ origin, maxConnections: options.maxConnections ?? 8, ...options });
  clients.push(made);
  return made;
}
const answer =
  (...pieces: string[]): Script =>
  ({ socket }) => {
    for (const piece of pieces) socket.write(Buffer.from(piece, 'utf8'));
  };
const withLength = (body: string, head = 'HTTP/1.1 200 OK') =>
  `${head}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LongPollClient', () => {
  it('sends a GET with the path and credentials, and keeps the connection for the next call', async () => {
    scripts.push(answer(withLength('{"next_batch":"s1"}')), answer(withLength('{"next_batch":"s2"}')));
    const polls = client();
    expect(await polls.get('/_matrix/client/v3/sync?since=s0', 'Bearer secret', 5000)).toEqual({
      status: 200,
      text: '{"next_batch":"s1"}',
      retryAfter: undefined,
    });
    expect((await polls.get('/_matrix/client/v3/sync?since=s1', 'Bearer secret', 5000)).text).toBe(
      '{"next_batch":"s2"}',
    );
    expect(peers).toHaveLength(1);
    const [first, second] = peers[0]?.requests ?? [];
    expect(first?.split('\r\n')).toEqual([
      'GET /_matrix/client/v3/sync?since=s0 HTTP/1.1',
      `Host: ${new URL(origin).host}`,
      'Authorization: Bearer secret',
      'Accept: application/json',
    ]);
    expect(second).toMatch(/^GET \/_matrix\/client\/v3\/sync\?since=s1 /);
  });

  it('reads chunked answers split anywhere, with extensions and trailers, and UTF-8 cut mid-character', async () => {
    const body = '{"body":"grüße ✓"}';
    const bytes = Buffer.from(body, 'utf8');
    const cut = bytes.indexOf(Buffer.from('✓')) + 1;
    scripts.push(({ socket }) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nRetry-After: 3\r\n\r\n');
      socket.write(`${cut.toString(16)};ext=1\r\n`);
      socket.write(bytes.subarray(0, cut));
      socket.write(`\r\n${(bytes.length - cut).toString(16)}\r`);
      setTimeout(() => {
        socket.write(Buffer.concat([Buffer.from('\n'), bytes.subarray(cut), Buffer.from('\r\n0\r\nX-T')]));
        socket.write('railer: 1\r\n\r\n');
      }, 20);
    });
    scripts.push(answer(withLength('{}')));
    const polls = client();
    expect(await polls.get('/sync', 'Bearer t', 5000)).toEqual({ status: 200, text: body, retryAfter: '3' });
    // The chunked answer ended in-band: the connection is reused.
    expect((await polls.get('/sync', 'Bearer t', 5000)).text).toBe('{}');
    expect(peers).toHaveLength(1);
  });

  it('reads an answer that runs until the connection closes, then opens a new connection', async () => {
    scripts.push(({ socket }) => {
      socket.write('HTTP/1.1 200 OK\r\n\r\n{"a":');
      setTimeout(() => socket.end('1}'), 20);
    });
    scripts.push(answer(withLength('{"b":2}', 'HTTP/1.0 200 OK')));
    scripts.push(answer(withLength('{"c":3}')));
    const polls = client();
    expect((await polls.get('/sync', 'Bearer t', 5000)).text).toBe('{"a":1}');
    // HTTP/1.0: not kept either.
    expect((await polls.get('/sync', 'Bearer t', 5000)).text).toBe('{"b":2}');
    expect((await polls.get('/sync', 'Bearer t', 5000)).text).toBe('{"c":3}');
    expect(peers).toHaveLength(3);
  });

  it('skips informational answers and passes errors through with their status and Retry-After', async () => {
    scripts.push(
      answer(
        'HTTP/1.1 100 Continue\r\n\r\n',
        withLength('{"errcode":"M_LIMIT_EXCEEDED"}', 'HTTP/1.1 429 Too Many Requests').replace(
          '\r\n\r\n',
          '\r\nRetry-After: 7\r\n\r\n',
        ),
      ),
    );
    scripts.push(answer('HTTP/1.1 204 No Content\r\n\r\n'));
    const polls = client();
    expect(await polls.get('/sync', 'Bearer t', 5000)).toEqual({
      status: 429,
      text: '{"errcode":"M_LIMIT_EXCEEDED"}',
      retryAfter: '7',
    });
    expect(await polls.get('/sync', 'Bearer t', 5000)).toEqual({
      status: 204,
      text: '',
      retryAfter: undefined,
    });
    expect(peers).toHaveLength(1);
  });

  it('retries once on a new connection when a kept-alive one turns out closed', async () => {
    scripts.push(answer(withLength('{"n":1}')));
    // The server lets the kept connection go (its keep-alive timeout) just as the next call arrives.
    scripts.push(({ socket }) => socket.destroy());
    scripts.push(answer(withLength('{"n":2}')));
    const polls = client();
    expect((await polls.get('/sync', 'Bearer t', 5000)).text).toBe('{"n":1}');
    expect((await polls.get('/sync', 'Bearer t', 5000)).text).toBe('{"n":2}');
    expect(peers.map((peer) => peer.requests.length)).toEqual([2, 1]);
    expect(peers).toHaveLength(2);
  });

  it('fails a call with no answer by its deadline, and closes that connection', async () => {
    scripts.push(() => {});
    const polls = client();
    const started = Date.now();
    const error = await polls.get('/sync', 'Bearer t', 300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LongPollError);
    expect((error as LongPollError).code).toBe('OM_LONG_POLL_TIMEOUT');
    // One sweep a second checks every deadline.
    expect(Date.now() - started).toBeLessThan(2500);
    await sleep(50);
    expect(peers[0]?.socket.destroyed || peers[0]?.socket.readableEnded).toBe(true);
  });

  it('renews the deadline with every piece of a slow body', async () => {
    scripts.push(({ socket }) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n');
      let sent = 0;
      const timer = setInterval(() => {
        socket.write('x');
        if (++sent === 4) clearInterval(timer);
      }, 700);
    });
    expect((await client().get('/sync', 'Bearer t', 1000)).text).toBe('xxxx');
  });

  it('ends a call at once when its signal aborts, with the reason, and drops its connection', async () => {
    scripts.push(() => {});
    const polls = client();
    const controller = new AbortController();
    const polling = polls.get('/sync', 'Bearer t', 60_000, controller.signal);
    await sleep(50);
    const reason = new Error('sync loop stopped: idle');
    controller.abort(reason);
    await expect(polling).rejects.toBe(reason);
    await sleep(50);
    expect(peers[0]?.socket.readableEnded || peers[0]?.socket.destroyed).toBe(true);
    await expect(polls.get('/sync', 'Bearer t', 1000, controller.signal)).rejects.toBe(reason);
  });

  it('refuses garbage, an oversized body and a body cut short', async () => {
    scripts.push(answer('SSH-2.0-OpenSSH\r\n\r\n'));
    scripts.push(answer(withLength('x'.repeat(2048))));
    scripts.push(({ socket }) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    const polls = client({ maxBodyBytes: 1024 });
    const codes = [];
    for (let i = 0; i < 3; i++) {
      codes.push(
        ((await polls.get('/sync', 'Bearer t', 5000).catch((e: unknown) => e)) as LongPollError).code,
      );
    }
    expect(codes).toEqual(['OM_LONG_POLL_PROTOCOL', 'OM_LONG_POLL_TOO_LARGE', 'OM_LONG_POLL_PROTOCOL']);
  });

  it('passes connection failures through with their code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    if (typeof address !== 'object' || !address) throw new Error('no address');
    const polls = new LongPollClient({ origin: `http://127.0.0.1:${address.port}`, maxConnections: 1 });
    clients.push(polls);
    await expect(polls.get('/sync', 'Bearer t', 5000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('holds calls beyond maxConnections until a connection is free', async () => {
    let release!: () => void;
    scripts.push(({ socket }) => {
      release = () => socket.write(withLength('{"first":true}'));
    });
    scripts.push(answer(withLength('{"second":true}')));
    const polls = client({ maxConnections: 1 });
    const first = polls.get('/sync', 'Bearer t', 5000);
    const second = polls.get('/sync', 'Bearer t', 5000);
    await sleep(50);
    expect(peers.flatMap((peer) => peer.requests)).toHaveLength(1);
    release();
    expect((await first).text).toBe('{"first":true}');
    expect((await second).text).toBe('{"second":true}');
    expect(peers).toHaveLength(1);
  });

  it('fails calls in flight on close, and every call after it', async () => {
    scripts.push(() => {});
    const polls = client();
    const polling = polls.get('/sync', 'Bearer t', 60_000);
    await sleep(50);
    await polls.close();
    await expect(polling).rejects.toMatchObject({ code: 'OM_LONG_POLL_CLOSED' });
    await expect(polls.get('/sync', 'Bearer t', 1000)).rejects.toMatchObject({ code: 'OM_LONG_POLL_CLOSED' });
  });
});

describe('LongPollClient over HTTPS', () => {
  // A homeserver behind TLS, as every production one is: what arrives is what got through the handshake.
  let tlsServer: TlsServer;
  let port: number;
  const received: Array<{ servername: string | false | null; request: string }> = [];
  const sockets = new Set<TLSSocket>();

  beforeAll(async () => {
    tlsServer = createTlsServer({ cert: TEST_TLS_CERT, key: TEST_TLS_KEY }, (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      socket.setEncoding('utf8');
      let buffered = '';
      socket.on('data', (chunk: string) => {
        buffered += chunk;
        for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
          const request = buffered.slice(0, end);
          buffered = buffered.slice(end + 4);
          received.push({ servername: socket.servername, request });
          socket.write(withLength(JSON.stringify({ n: received.length })));
        }
      });
    });
    // A failed handshake is the client's to report; the server just drops it.
    tlsServer.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const address = tlsServer.address();
    if (typeof address !== 'object' || !address) throw new Error('no address');
    port = address.port;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => tlsServer.close(() => resolve()));
  });
  afterEach(() => {
    received.length = 0;
  });

  const tlsClient = (host: string, ca?: string) => {
    const made = new LongPollClient({ origin: `https://${host}:${port}`, maxConnections: 2, ca });
    clients.push(made);
    return made;
  };

  it('verifies the certificate, names the host (SNI) and keeps the connection', async () => {
    const polls = tlsClient('localhost', TEST_TLS_CERT);
    expect((await polls.get('/sync?since=a', 'Bearer secret', 5000)).text).toBe('{"n":1}');
    expect((await polls.get('/sync?since=b', 'Bearer secret', 5000)).text).toBe('{"n":2}');
    expect(sockets.size).toBe(1);
    expect(received.map(({ servername }) => servername)).toEqual(['localhost', 'localhost']);
    expect(received[0]?.request.split('\r\n')).toEqual([
      'GET /sync?since=a HTTP/1.1',
      `Host: localhost:${port}`,
      'Authorization: Bearer secret',
      'Accept: application/json',
    ]);
  });

  it('checks an IP address against the certificate, with no SNI (it takes host names only)', async () => {
    const polls = tlsClient('127.0.0.1', TEST_TLS_CERT);
    expect((await polls.get('/sync', 'Bearer secret', 5000)).status).toBe(200);
    expect(received.map(({ servername }) => servername)).toEqual([false]);
  });

  it('refuses a certificate it does not trust, and the credentials never leave', async () => {
    const polls = tlsClient('localhost');
    await expect(polls.get('/sync', 'Bearer secret', 5000)).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
    await sleep(50);
    expect(received).toEqual([]);
  });
});

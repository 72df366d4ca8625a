import { createServer, type ServerResponse } from 'node:http';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { releaseFastify } from '../../src/http/releaseFastify.js';

type Listeners = { finish: string[]; error: string[] };
const listenersOf = (response: ServerResponse): Listeners => ({
  finish: response.listeners('finish').map((listener) => listener.name),
  error: response.listeners('error').map((listener) => listener.name),
});

/** What Node itself hangs on a response, with no framework in between. */
async function plainNodeListeners(): Promise<Listeners> {
  let seen: Listeners | undefined;
  const server = createServer((_request, response) => {
    seen = listenersOf(response);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await (await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`)).text();
  } finally {
    server.close();
  }
  if (!seen) throw new Error('no request');
  return seen;
}

describe('releaseFastify', () => {
  // It finds Fastify's listener by a name that is not public API: a Fastify that renames it fails here.
  it("leaves none of the installed Fastify's listeners on a hijacked response, only Node's own", async () => {
    const plain = await plainNodeListeners();
    // Fastify only listens for the end of responses when there is a logger (the broker has one).
    const app = Fastify({ logger: { level: 'silent' } });
    let before: Listeners | undefined;
    let after: Listeners | undefined;
    app.get('/stream', async (_request, reply) => {
      reply.hijack();
      before = listenersOf(reply.raw);
      releaseFastify(reply.raw);
      after = listenersOf(reply.raw);
      reply.raw.socket?.end('HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as { port: number };
      await (await fetch(`http://127.0.0.1:${port}/stream`)).text();
    } finally {
      await app.close();
    }
    // Fastify did listen (so this test sees what it removes), and nothing of it is left.
    expect(before?.finish.length).toBeGreaterThan(plain.finish.length);
    expect(after).toEqual(plain);
  });
});

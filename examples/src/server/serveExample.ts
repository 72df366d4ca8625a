import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the app reads from `/config.json` when it starts (see `src/app/runtimeConfig.ts`). */
export interface ExampleRuntimeConfig {
  brokerUrl: string;
  /** The demo users offered on the sign-in screen. */
  users?: readonly string[];
  transport?: 'auto' | 'direct' | 'sse';
}

export interface ServeExampleOptions {
  /** Runtime config, read on every request (so it can be set after the broker listens). */
  config: () => ExampleRuntimeConfig;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Try `port`, and any free port when it is taken. Default false. */
  fallbackPort?: boolean;
  /** The built app. Default: this package's `dist/app`. */
  root?: string;
}

export interface ExampleServer {
  /** `http://host:port`, the origin the broker's CORS list must allow. */
  url: string;
  close(): Promise<void>;
}

/** The built app, next to this module once compiled (`dist/server` → `dist/app`). */
export const exampleAppDir = fileURLToPath(new URL('../app/', import.meta.url));

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Serves the built example app and its runtime config on loopback: the same build works in the
 * demo and in the browser tests, each pointing it at its own broker. Unknown paths get the app
 * (it routes with the URL hash, so this only matters for mistyped links).
 */
export async function serveExample(options: ServeExampleOptions): Promise<ExampleServer> {
  const root = resolve(options.root ?? exampleAppDir);
  if (!(await stat(resolve(root, 'index.html')).catch(() => undefined))) {
    throw new Error(
      `no built app in ${root}: run \`pnpm turbo run build --filter=@openmeet/examples\` first`,
    );
  }
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/config.json') {
      response
        .writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' })
        .end(JSON.stringify(options.config()));
      return;
    }
    const file = resolve(root, `.${path}`);
    const inside = file === root || file.startsWith(root + sep);
    void sendFile(inside ? file : root, root, request.method === 'HEAD', response, options.config);
  });
  const port = await listen(server, host, options.port ?? 0, options.fallbackPort ?? false);
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

async function sendFile(
  file: string,
  root: string,
  headOnly: boolean,
  response: ServerResponse,
  config: () => ExampleRuntimeConfig,
): Promise<void> {
  let target = file;
  const info = await stat(target).catch(() => undefined);
  if (!info?.isFile()) target = resolve(root, 'index.html');
  const hashed = target.includes(`${sep}assets${sep}`);
  response.writeHead(200, {
    'content-type': TYPES[extname(target)] ?? 'application/octet-stream',
    // Vite names assets by content hash; the HTML must always be fresh to point at the new ones.
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (headOnly) {
    response.end();
    return;
  }
  if (extname(target) === '.html') {
    const html = await readFile(target, 'utf8').catch(() => undefined);
    if (html === undefined) response.destroy();
    else response.end(withInlineConfig(html, config()));
    return;
  }
  createReadStream(target)
    .on('error', () => response.destroy())
    .pipe(response);
}

/**
 * The runtime config inside the page, so the app need not ask for `/config.json` before it can
 * start (one round trip less on every page open). `<` is escaped: the JSON cannot end the element.
 */
export function withInlineConfig(html: string, config: ExampleRuntimeConfig): string {
  const json = JSON.stringify(config).replaceAll('<', '\\u003c');
  const element = `<script id="${INLINE_CONFIG_ID}" type="application/json">${json}</script>`;
  return html.replace('</head>', `${element}</head>`);
}

/** The id of the element holding the inline config (read by `src/app/runtimeConfig.ts`). */
export const INLINE_CONFIG_ID = 'openmeet-example-config';

function listen(server: Server, host: string, port: number, fallback: boolean): Promise<number> {
  return new Promise((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (fallback && port !== 0 && error.code === 'EADDRINUSE') {
        server.listen(0, host);
        return;
      }
      server.off('error', onError);
      fail(error);
    };
    server.on('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      done((server.address() as AddressInfo).port);
    });
    server.listen(port, host);
  });
}

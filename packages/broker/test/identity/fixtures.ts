import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWK, type JWTPayload, SignJWT } from 'jose';
import { expect } from 'vitest';
import { BrokerError, type BrokerErrorCode } from '../../src/errors.js';

export const ISSUER = 'https://host.example';
export const AUDIENCE = 'openmeet-chat';
/** A fixed "now" (epoch s) that tests move explicitly. */
export const T0 = 1_900_000_000;

export function rsaKeyPair(): { privateKey: KeyObject; publicKey: KeyObject; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export function publicJwk(publicKey: KeyObject, kid: string): JWK {
  return { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' };
}

/** Claims of a valid token at `nowSec`; override or delete (`undefined`) any of them. */
export function claims(nowSec: number, overrides: Record<string, unknown> = {}): JWTPayload {
  const base: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: nowSec,
    exp: nowSec + 300,
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[name];
    else base[name] = value;
  }
  return base;
}

export function sign(
  payload: JWTPayload,
  key: KeyObject | Uint8Array,
  header: { alg?: string; kid?: string } = {},
): Promise<string> {
  const protectedHeader =
    header.kid === undefined
      ? { alg: header.alg ?? 'RS256' }
      : { alg: header.alg ?? 'RS256', kid: header.kid };
  return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(key);
}

export function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Expects a BrokerError with `code` whose message does not echo the token. */
export async function expectCode(
  promise: Promise<unknown>,
  code: BrokerErrorCode,
  token?: string,
): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(BrokerError);
  expect((error as BrokerError).code).toBe(code);
  if (token !== undefined) {
    expect((error as BrokerError).message).not.toContain(token);
    const cause = (error as BrokerError).cause;
    if (cause instanceof Error) expect(cause.message).not.toContain(token);
  }
}

export interface JwksServer {
  url: string;
  /** Requests answered so far. */
  readonly hits: number;
  /** What the next requests get. */
  respond(status: number, body: string): void;
  serveKeys(keys: JWK[]): void;
  /** Accept requests but never answer them. */
  hang(): void;
  close(): Promise<void>;
}

/** A real JWKS endpoint on 127.0.0.1. */
export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let status = 200;
  let body = JSON.stringify({ keys });
  let hanging = false;
  let hits = 0;
  const server = createServer((_request: IncomingMessage, response: ServerResponse) => {
    hits += 1;
    if (hanging) return;
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get hits() {
      return hits;
    },
    respond(nextStatus, nextBody) {
      status = nextStatus;
      body = nextBody;
    },
    serveKeys(nextKeys) {
      status = 200;
      body = JSON.stringify({ keys: nextKeys });
    },
    hang() {
      hanging = true;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

import { createHash } from 'node:crypto';
import { lookup as systemLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher, request } from 'undici';
import { BrokerError } from '../errors.js';
import { isPublicAddress } from './isPublicAddress.js';
import { type AvatarImageType, sniffImageType } from './sniffImageType.js';

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface FetchAvatarOptions {
  /** Lets the download reach loopback and private networks: development and tests only. */
  allowPrivateNetworks?: boolean;
  /** Default 1 MiB; counted while streaming, whatever Content-Length says. */
  maxBytes?: number;
  /** For the whole download, redirects included. Default 5 s. */
  timeoutMs?: number;
  /** Redirects followed, each hop checked like the first URL. Default 3; 0 refuses any redirect. */
  maxRedirects?: number;
  /** Name resolution (default: the system resolver). Every address it returns is checked. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface FetchedAvatar {
  bytes: Uint8Array;
  /** Proven by the magic bytes, not taken from the server's Content-Type. */
  contentType: AvatarImageType;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'image/png, image/jpeg, image/gif, image/webp';
// What a server may declare; the bytes must still prove one of the four image types.
const DECLARED_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/octet-stream',
]);

/**
 * Downloads a host avatar without letting the URL reach the broker's own network (SSRF): only
 * http(s) without credentials, and every connection is checked at connect time, on the address
 * actually dialled, so a DNS answer that changes between check and use (rebinding) cannot slip
 * through. Redirects are followed up to `maxRedirects`, each hop through the same guard.
 * Rejections are BrokerError OM_AVATAR_REJECTED; messages name the origin only, never the path or
 * query (which may carry tokens).
 */
export async function fetchAvatar(url: string, options: FetchAvatarOptions = {}): Promise<FetchedAvatar> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxRedirects = options.maxRedirects ?? 3;
  let target = checkUrl(url);
  const signal = AbortSignal.timeout(timeoutMs);
  const agent = guardedAgent(options.allowPrivateNetworks ?? false, options.resolve ?? resolveAll, timeoutMs);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await request(target, {
        dispatcher: agent,
        signal,
        headers: { accept: ACCEPT, 'user-agent': 'OpenMeet-Broker' },
      });
      const { statusCode, headers, body } = response;
      if (REDIRECT_STATUSES.has(statusCode)) {
        await discard(body, signal);
        const location = first(headers.location);
        if (!location) throw rejected(target, `answered ${statusCode} without a Location`);
        if (redirects >= maxRedirects) throw rejected(target, `redirected more than ${maxRedirects} times`);
        target = checkUrl(location, target);
        continue;
      }
      if (statusCode !== 200) {
        await discard(body, signal);
        throw rejected(target, `answered ${statusCode}`);
      }
      const declared = first(headers['content-type'])?.split(';')[0]?.trim().toLowerCase();
      if (declared && !DECLARED_TYPES.has(declared)) {
        await discard(body, signal);
        throw rejected(target, `serves ${declared.slice(0, 64)}, not a PNG, JPEG, GIF or WebP image`);
      }
      if (Number(first(headers['content-length'])) > maxBytes) {
        await discard(body, signal);
        throw rejected(target, `is larger than ${maxBytes} bytes`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of body as AsyncIterable<Buffer>) {
        size += chunk.length;
        // Leaving the loop destroys the stream, so an oversized body is never read to the end.
        if (size > maxBytes) throw rejected(target, `is larger than ${maxBytes} bytes`);
        chunks.push(chunk);
      }
      const bytes = Buffer.concat(chunks);
      const contentType = sniffImageType(bytes);
      if (!contentType) throw rejected(target, 'is not a PNG, JPEG, GIF or WebP image');
      return { bytes, contentType, sha256: createHash('sha256').update(bytes).digest('hex') };
    }
  } catch (err) {
    if (err instanceof BrokerError) throw err;
    if (signal.aborted) throw rejected(target, `took longer than ${timeoutMs} ms`);
    // The cause is left out: transport errors can quote the full URL.
    const code = (err as { code?: unknown }).code;
    throw rejected(target, `could not be downloaded${typeof code === 'string' ? ` (${code})` : ''}`);
  } finally {
    await agent.destroy();
  }
}

function checkUrl(input: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(input, base);
  } catch {
    throw new BrokerError('OM_AVATAR_REJECTED', { message: 'Avatar URL is not a valid URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BrokerError('OM_AVATAR_REJECTED', {
      message: `Avatar URL scheme ${url.protocol.slice(0, 16)} is not allowed (only http and https)`,
    });
  }
  if (url.username || url.password) {
    throw new BrokerError('OM_AVATAR_REJECTED', { message: 'Avatar URL must not carry credentials' });
  }
  return url;
}

/** An agent whose every connection goes only to addresses the policy allows. */
function guardedAgent(
  allowPrivateNetworks: boolean,
  resolve: (hostname: string) => Promise<ResolvedAddress[]>,
  timeoutMs: number,
): Agent {
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname).then(
      (resolved) => {
        const family = lookupOptions.family;
        const addresses =
          family === 4 || family === 6 ? resolved.filter((a) => a.family === family) : resolved;
        const [firstAddress] = addresses;
        if (!firstAddress) {
          callback(hostRejected(hostname, 'has no usable address'), '');
        } else if (!allowPrivateNetworks && !addresses.every((a) => isPublicAddress(a.address))) {
          callback(hostRejected(hostname, 'resolves to a non-public address'), '');
        } else if (lookupOptions.all) {
          callback(null, addresses);
        } else {
          callback(null, firstAddress.address, firstAddress.family);
        }
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
  const connector = buildConnector({ timeout: timeoutMs, lookup });
  return new Agent({
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: (connectOptions, callback) => {
      // net.connect dials IP literals without calling `lookup`, so they are checked here.
      const { hostname } = connectOptions;
      if (!allowPrivateNetworks && isIP(hostname) !== 0 && !isPublicAddress(hostname)) {
        callback(hostRejected(hostname, 'is not a public address'), null);
        return;
      }
      connector(connectOptions, callback);
    },
  });
}

function resolveAll(hostname: string): Promise<ResolvedAddress[]> {
  return systemLookup(hostname, { all: true, order: 'verbatim' });
}

/** Releases a body we will not read; a bare destroy() would surface as an uncaught AbortError. */
function discard(body: Dispatcher.ResponseData['body'], signal: AbortSignal): Promise<unknown> {
  return body.dump({ limit: 1, signal });
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function rejected(url: URL, reason: string): BrokerError {
  return new BrokerError('OM_AVATAR_REJECTED', { message: `Avatar from ${url.origin} ${reason}` });
}

function hostRejected(hostname: string, reason: string): BrokerError {
  return new BrokerError('OM_AVATAR_REJECTED', { message: `Avatar host ${hostname} ${reason}` });
}

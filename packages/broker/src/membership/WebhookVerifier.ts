import { createHmac, timingSafeEqual } from 'node:crypto';
import { BrokerError } from '../errors.js';
import type { Store } from '../store/index.js';

export const TIMESTAMP_HEADER = 'x-openmeet-timestamp';
export const SIGNATURE_HEADER = 'x-openmeet-signature';

export interface WebhookVerifierOptions {
  /** Read on every request, so a reloaded secret applies at once. */
  secret: () => string;
  /** Remembers accepted signatures (replay protection); shared by every broker. */
  store: Store;
  /** How far the timestamp may be from the broker's clock, either way. */
  toleranceSeconds: number;
  now?: () => number;
}

export interface SignedRequest {
  /** `X-OpenMeet-Timestamp`: unix seconds. */
  timestamp: string | undefined;
  /** `X-OpenMeet-Signature`: `v1=<hex>`, or several comma-separated (while the host rotates secrets). */
  signature: string | undefined;
  /** The body exactly as received: the signature covers these bytes, not a re-serialisation. */
  body: Uint8Array;
}

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^v1=([0-9a-f]{64})$/;
const MAX_SIGNATURES = 4;

/** HMAC-SHA256 over `<timestamp>.<body>`, as the host app computes it. */
export function webhookSignature(secret: string, timestamp: string, body: Uint8Array | string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** The two headers a sender adds (also what the host app's backend must reproduce). */
export function signWebhook(
  secret: string,
  body: Uint8Array | string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<typeof TIMESTAMP_HEADER | typeof SIGNATURE_HEADER, string> {
  const ts = String(timestamp);
  return {
    [TIMESTAMP_HEADER]: ts,
    [SIGNATURE_HEADER]: `v1=${webhookSignature(secret, ts, body).toString('hex')}`,
  };
}

/**
 * Authenticates the host app's signed requests: a valid signature first (so nothing is revealed to
 * anyone without the secret), then a timestamp within the tolerance, then a signature never seen
 * before. Each accepted signature is remembered in the store until its timestamp leaves the
 * window, so a captured request cannot be replayed, on this broker or another sharing the store.
 * A sender retrying a request signs it again with a fresh timestamp.
 */
export class WebhookVerifier {
  private readonly now: () => number;

  constructor(private readonly options: WebhookVerifierOptions) {
    this.now = options.now ?? Date.now;
  }

  async verify(request: SignedRequest): Promise<void> {
    const { timestamp = '', signature = '' } = request;
    const presented = signature
      .split(',')
      .slice(0, MAX_SIGNATURES)
      .map((part) => SIGNATURE.exec(part.trim())?.[1])
      .filter((hex): hex is string => hex !== undefined);
    if (!TIMESTAMP.test(timestamp) || presented.length === 0) throw new BrokerError('OM_WEBHOOK_SIGNATURE');
    const expected = webhookSignature(this.options.secret(), timestamp, request.body);
    // Every candidate is compared (no early exit), each in constant time.
    const matches = presented.map((hex) => timingSafeEqual(Buffer.from(hex, 'hex'), expected));
    if (!matches.includes(true)) throw new BrokerError('OM_WEBHOOK_SIGNATURE');

    const nowMs = this.now();
    const toleranceMs = this.options.toleranceSeconds * 1000;
    const sentMs = Number(timestamp) * 1000;
    if (Math.abs(nowMs - sentMs) > toleranceMs) throw new BrokerError('OM_WEBHOOK_STALE');
    // Remembered until the timestamp is stale anyway (a second of margin for clock rounding).
    const ttlMs = sentMs + toleranceMs - nowMs + 1000;
    const first = await this.options.store.setIfAbsent(
      `webhook:seen:${expected.toString('hex')}`,
      '1',
      ttlMs,
    );
    if (!first) throw new BrokerError('OM_WEBHOOK_REPLAY');
  }
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A position in a user's event stream: the last event delivered was number `index` of the stored
 * batch `batch` (`-1`: none of it yet, so the stream continues with its first event).
 */
export interface CursorPosition {
  batch: string;
  index: number;
}

const VERSION = 'v1';
const MAX_LENGTH = 4096;

/**
 * Signs stream positions into SSE ids: `v1.<base64url(JSON {b, i})>.<base64url(HMAC-SHA256)>`. The
 * MAC covers the user id too, so one user's cursor never verifies for another, and nobody can point
 * a stream at a position of their choosing.
 */
export class SseCursor {
  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new RangeError('the SSE cursor secret needs at least 32 bytes');
  }

  encode(userId: string, position: CursorPosition): string {
    const payload = Buffer.from(JSON.stringify({ b: position.batch, i: position.index })).toString(
      'base64url',
    );
    return `${VERSION}.${payload}.${this.mac(userId, payload).toString('base64url')}`;
  }

  /** The position, or undefined when the id is malformed, forged or another user's. */
  decode(userId: string, id: string): CursorPosition | undefined {
    if (id.length > MAX_LENGTH) return undefined;
    const [version, payload, mac, ...rest] = id.split('.');
    if (version !== VERSION || !payload || !mac || rest.length > 0) return undefined;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.mac(userId, payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        b?: unknown;
        i?: unknown;
      };
      if (typeof value.b !== 'string' || !Number.isSafeInteger(value.i) || (value.i as number) < -1)
        return undefined;
      return { batch: value.b, index: value.i as number };
    } catch {
      return undefined;
    }
  }

  private mac(userId: string, payload: string): Buffer {
    // Length-prefixed, so no user id and payload pair can collide with another.
    return createHmac('sha256', this.secret)
      .update(`${VERSION}\n${userId.length}:${userId}\n${payload}`)
      .digest();
  }
}

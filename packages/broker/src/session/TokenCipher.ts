import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface CipherKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/**
 * AES-256-GCM for Matrix tokens at rest. The key id travels with the ciphertext, so keys rotate by
 * putting a new key first and keeping the old ones until their ciphertexts have expired.
 */
export class TokenCipher {
  private readonly byId: Map<string, Buffer>;
  private readonly current: CipherKey;

  constructor(keys: readonly CipherKey[]) {
    const [current] = keys;
    if (!current) throw new TypeError('TokenCipher needs at least one key');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new TypeError(`token key ${id} must be 32 bytes`);
      if (!/^[\w-]{1,32}$/.test(id)) throw new TypeError(`token key id ${id} must match [A-Za-z0-9_-]{1,32}`);
    }
    this.current = current;
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  /**
   * `context` (e.g. user and device) is authenticated with the ciphertext: a sealed value copied
   * to another user's slot in the store no longer opens.
   */
  encrypt(plaintext: string, context = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: 16 });
    cipher.setAAD(Buffer.from(`${this.current.id}\0${context}`));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [this.current.id, iv, data, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Undefined for anything it cannot authenticate (unknown key, tampering): treated as a cache miss. */
  decrypt(sealed: string, context = ''): string | undefined {
    const [id, iv, data, tag] = sealed.split('.');
    const key = id === undefined ? undefined : this.byId.get(id);
    if (!key || !iv || data === undefined || !tag) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
        authTagLength: 16,
      });
      decipher.setAAD(Buffer.from(`${id}\0${context}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return undefined;
    }
  }
}

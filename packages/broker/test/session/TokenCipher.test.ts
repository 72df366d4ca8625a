import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenCipher } from '../../src/session/TokenCipher.js';

const key = (id: string) => ({ id, key: randomBytes(32) });

describe('TokenCipher', () => {
  it('round-trips, and never stores the plaintext or repeats a ciphertext', () => {
    const cipher = new TokenCipher([key('k1')]);
    const sealed = cipher.encrypt('syt_secret_token');
    expect(sealed.startsWith('k1.')).toBe(true);
    expect(sealed).not.toContain('syt_secret_token');
    expect(cipher.encrypt('syt_secret_token')).not.toBe(sealed);
    expect(cipher.decrypt(sealed)).toBe('syt_secret_token');
  });

  it('rejects tampering, including swapping the key id', () => {
    const k1 = key('k1');
    const cipher = new TokenCipher([k1, { id: 'k2', key: k1.key }]);
    const sealed = cipher.encrypt('payload');
    const [id, iv, data, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(cipher.decrypt([id, iv, flipped.toString('base64url'), tag].join('.'))).toBeUndefined();
    // Same key bytes under another id: the id is authenticated data, so this fails too.
    expect(cipher.decrypt(['k2', iv, data, tag].join('.'))).toBeUndefined();
    expect(cipher.decrypt('garbage')).toBeUndefined();
  });

  it('rotates: new ciphertexts use the first key, old ones still open until their key is dropped', () => {
    const old = key('old');
    const fresh = key('new');
    const before = new TokenCipher([old]).encrypt('t1');
    const rotated = new TokenCipher([fresh, old]);
    expect(rotated.decrypt(before)).toBe('t1');
    expect(rotated.encrypt('t2').startsWith('new.')).toBe(true);
    expect(new TokenCipher([fresh]).decrypt(before)).toBeUndefined();
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new TokenCipher([{ id: 'short', key: randomBytes(16) }])).toThrow(/32 bytes/);
    expect(() => new TokenCipher([])).toThrow();
  });
});

describe('TokenCipher context binding', () => {
  it('does not open a value moved to another slot (user/device context)', () => {
    const cipher = new TokenCipher([key('k1')]);
    const sealed = cipher.encrypt('victim-token', 'token:@om_victim:localhost:OMB_a');
    expect(cipher.decrypt(sealed, 'token:@om_victim:localhost:OMB_a')).toBe('victim-token');
    expect(cipher.decrypt(sealed, 'token:@om_attacker:localhost:OMB_b')).toBeUndefined();
  });
});

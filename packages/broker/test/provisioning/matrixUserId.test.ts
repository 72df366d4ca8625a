import { describe, expect, it } from 'vitest';
import { encodeLocalpart, matrixUserIdFor } from '../../src/provisioning/matrixUserId.js';

const options = { prefix: 'om_', serverName: 'chat.example.org' };
const LOCALPART_GRAMMAR = /^[a-z0-9._=/+-]+$/;

const tricky = [
  'alice',
  'Alice',
  'ALICE',
  'A',
  'a',
  '_a',
  '__a',
  '_A',
  'a_b',
  'aB',
  'a__b',
  'a_B',
  '=41',
  '=',
  '==',
  '.',
  '-',
  '/',
  '+',
  ' ',
  'a b',
  'a+b',
  'a/b',
  'a:b',
  '@a',
  '\u00e9', // é precomposed
  'e\u0301', // e + combining acute
  'Ü',
  'ü',
  '用户',
  '😀',
  '\uFFFD',
  '\u0000',
  'user@example.com',
  'auth0|5f7c8ec7c33c6c004bbafe82',
];

describe('encodeLocalpart', () => {
  it('emits only the Matrix localpart grammar [a-z0-9._=/+-]', () => {
    for (const id of tricky) expect(encodeLocalpart(id)).toMatch(LOCALPART_GRAMMAR);
  });

  it('is injective on tricky pairs', () => {
    const encoded = tricky.map(encodeLocalpart);
    expect(new Set(encoded).size).toBe(tricky.length);
    expect(encodeLocalpart('A')).not.toBe(encodeLocalpart('_a'));
    expect(encodeLocalpart('a_b')).not.toBe(encodeLocalpart('aB'));
    expect(encodeLocalpart('=41')).not.toBe(encodeLocalpart('A'));
    expect(encodeLocalpart('\u00e9')).not.toBe(encodeLocalpart('e\u0301'));
  });

  it('keeps a-z 0-9 . - and escapes everything else as documented', () => {
    expect(encodeLocalpart('bob.smith-42')).toBe('bob.smith-42');
    expect(encodeLocalpart('Bob')).toBe('_bob');
    expect(encodeLocalpart('a_b')).toBe('a__b');
    expect(encodeLocalpart('=')).toBe('=3d');
    expect(encodeLocalpart('\u00e9')).toBe('=c3=a9');
  });

  it('refuses ids that are not well-formed Unicode (they would collide with U+FFFD)', () => {
    expect(() => encodeLocalpart('\uD800')).toThrow(TypeError);
    expect(() => encodeLocalpart('a\uDC00')).toThrow(TypeError);
    expect(encodeLocalpart('\uFFFD')).toBe('=ef=bf=bd');
  });
});

describe('matrixUserIdFor', () => {
  it('builds @<prefix><encoded>:<server>', () => {
    expect(matrixUserIdFor('Alice', options)).toBe('@om__alice:chat.example.org');
  });

  it('rejects an empty host user id', () => {
    expect(() => matrixUserIdFor('', options)).toThrow(TypeError);
  });

  it('is deterministic', () => {
    for (const id of [...tricky, 'x'.repeat(1000)]) {
      expect(matrixUserIdFor(id, options)).toBe(matrixUserIdFor(id, options));
    }
  });

  it('is injective on tricky pairs and keeps the localpart grammar', () => {
    const ids = tricky.map((id) => matrixUserIdFor(id, options));
    expect(new Set(ids).size).toBe(tricky.length);
    for (const id of ids) expect(id.slice(1, id.indexOf(':'))).toMatch(LOCALPART_GRAMMAR);
  });

  it('stays within 255 bytes for a 1000-character id, and the grammar still holds', () => {
    for (const id of ['a'.repeat(1000), '用'.repeat(1000), 'Z'.repeat(1000)]) {
      const mxid = matrixUserIdFor(id, options);
      expect(Buffer.byteLength(mxid)).toBeLessThanOrEqual(255);
      expect(mxid.slice(1, mxid.indexOf(':'))).toMatch(LOCALPART_GRAMMAR);
      expect(mxid.endsWith(':chat.example.org')).toBe(true);
    }
  });

  it('maps long ids that differ only at the end to different MXIDs', () => {
    const base = 'x'.repeat(999);
    const ids = ['a', 'b', 'A', '_', '=', 'é'].map((tail) => matrixUserIdFor(base + tail, options));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never lets a hashed long id collide with an encoded short one', () => {
    const long = matrixUserIdFor('y'.repeat(1000), options);
    const hashedLocalpart = long.slice('@om_'.length, long.indexOf(':'));
    expect(hashedLocalpart.startsWith('==')).toBe(true);
    // No host id encodes to a localpart starting with `==`: `=` is always followed by hex.
    for (const id of ['==', '=', '=3d=3d', hashedLocalpart]) {
      expect(matrixUserIdFor(id, options)).not.toBe(long);
    }
  });

  it('switches to the hashed form exactly at the 255-byte limit', () => {
    const room = 255 - Buffer.byteLength('@om_:chat.example.org');
    expect(matrixUserIdFor('a'.repeat(room), options)).toBe(`@om_${'a'.repeat(room)}:chat.example.org`);
    expect(matrixUserIdFor('a'.repeat(room + 1), options)).toMatch(/^@om_==[0-9a-f]{40}:chat\.example\.org$/);
  });
});

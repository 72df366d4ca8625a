import { createHash } from 'node:crypto';

const MAX_MXID_BYTES = 255;
// A lone UTF-16 surrogate has no UTF-8 form: Buffer.from would turn every one into U+FFFD and
// map different ids to the same localpart.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Maps a host user id to a Matrix localpart, injectively. Following the spec's suggested mapping
 * from other character sets: `a-z 0-9 . -` stay, an uppercase letter becomes `_` plus the letter,
 * `_` becomes `__`, and every other byte of the UTF-8 encoding becomes `=xx`.
 */
export function encodeLocalpart(hostUserId: string): string {
  if (LONE_SURROGATE.test(hostUserId)) throw new TypeError('host user id is not well-formed Unicode');
  let out = '';
  for (const byte of Buffer.from(hostUserId, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[a-z0-9.-]/.test(char)) out += char;
    else if (/[A-Z]/.test(char)) out += `_${char.toLowerCase()}`;
    else if (char === '_') out += '__';
    else out += `=${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/**
 * The Matrix user id for a host user: `@<prefix><encoded id>:<server>`. Ids too long for the
 * 255-byte limit use a hash instead, marked by `==`, which the encoding itself never produces
 * (`=` is always followed by two hex digits), so the two forms cannot collide.
 */
export function matrixUserIdFor(hostUserId: string, options: { prefix: string; serverName: string }): string {
  if (hostUserId.length === 0) throw new TypeError('empty host user id');
  const encoded = `${options.prefix}${encodeLocalpart(hostUserId)}`;
  const mxid = `@${encoded}:${options.serverName}`;
  if (Buffer.byteLength(mxid) <= MAX_MXID_BYTES) return mxid;
  const digest = createHash('sha256').update(hostUserId, 'utf8').digest('hex').slice(0, 40);
  return `@${options.prefix}==${digest}:${options.serverName}`;
}

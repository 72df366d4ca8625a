import { generateKeyPairSync, randomBytes } from 'node:crypto';

/**
 * A Synapse signing key file line (`ed25519 <key id> <unpadded base64 seed>`), made here instead
 * of by a Python process to save a second of start-up per test bed.
 */
export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  // PKCS#8 DER for Ed25519 ends with the 32-byte seed.
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const keyId = `a_${randomBytes(3).toString('base64url').slice(0, 4)}`;
  return `ed25519 ${keyId} ${seed.toString('base64').replace(/=+$/, '')}\n`;
}

import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deepMerge, homeserverConfig } from '../src/homeserverConfig.js';
import { generateSigningKey } from '../src/signingKey.js';

const base = {
  serverName: 'localhost',
  port: 8448,
  dataDir: '/tmp/x',
  database: { kind: 'sqlite', path: '/tmp/x/homeserver.db' },
  registrationSharedSecret: 'secret',
  rateLimits: 'relaxed',
  appServiceConfigFiles: [],
} as const;

describe('homeserverConfig', () => {
  it('maps a PostgreSQL DSN to psycopg2 arguments, decoding credentials', () => {
    const config = homeserverConfig({
      ...base,
      database: {
        kind: 'postgres',
        dsn: 'postgresql://synapse:p%40ss@db.local:6543/postgres',
        database: 'tb1',
      },
    });
    expect(config.database).toEqual({
      name: 'psycopg2',
      allow_unsafe_locale: false,
      args: {
        database: 'tb1',
        host: 'db.local',
        port: 6543,
        user: 'synapse',
        password: 'p@ss',
        cp_min: 1,
        cp_max: 5,
      },
    });
  });

  it('raises every rate limit in the relaxed profile and none in the default one', () => {
    const relaxed = homeserverConfig(base);
    const defaults = homeserverConfig({ ...base, rateLimits: 'default' });
    const rcKeys = (config: Record<string, unknown>) =>
      Object.keys(config).filter((key) => key.startsWith('rc_'));
    expect(rcKeys(relaxed)).toEqual(
      expect.arrayContaining(['rc_message', 'rc_login', 'rc_joins', 'rc_invites']),
    );
    expect(rcKeys(defaults)).toEqual([]);
  });

  it('deep-merges caller options last, ignoring prototype-polluting keys', () => {
    const extra = JSON.parse(
      '{"rc_message": {"per_second": 1}, "__proto__": {"polluted": true}, "max_upload_size": "1M"}',
    );
    const config = homeserverConfig({ ...base, extra });
    expect(config.rc_message).toEqual({ per_second: 1, burst_count: 100_000 });
    expect(config.max_upload_size).toBe('1M');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
    expect(deepMerge({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
  });
});

describe('generateSigningKey', () => {
  it("writes Synapse's format with a 32-byte ed25519 seed that Node accepts back", () => {
    const line = generateSigningKey();
    const match = /^ed25519 (a_[\w-]{4}) ([A-Za-z0-9+/]{43})\n$/.exec(line);
    expect(match).not.toBeNull();
    const seed = Buffer.from(match?.[2] ?? '', 'base64');
    expect(seed).toHaveLength(32);
    // Rebuild a PKCS#8 key from the seed: proves it is a usable private key, not random text.
    const prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
    expect(
      createPrivateKey({ key: Buffer.concat([prefix, seed]), format: 'der', type: 'pkcs8' })
        .asymmetricKeyType,
    ).toBe('ed25519');
    expect(generateSigningKey()).not.toBe(line);
  });
});

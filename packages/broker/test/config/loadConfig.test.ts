import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/loadConfig.js';

const base = {
  MATRIX_HOMESERVER_URL: 'http://127.0.0.1:8008',
  MATRIX_SERVER_NAME: 'chat.example.org',
  SYNAPSE_ADMIN_TOKEN: 'admin',
  MATRIX_AS_TOKEN: 'as',
  HOST_JWT_ISSUER: 'https://host.example.org',
  HOST_JWT_AUDIENCE: 'openmeet-chat',
  HOST_JWT_SECRET: 'x'.repeat(32),
};

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
};

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig(base);
    expect(config.port).toBe(8787);
    expect(config.store).toEqual({ kind: 'memory' });
    expect(config.identity?.clockToleranceSec).toBe(30);
    expect(config.identity?.claims).toEqual({ userId: 'sub', displayName: 'name', avatarUrl: 'picture' });
    expect(config.matrix.publicHomeserverUrl).toBe('http://127.0.0.1:8008');
    expect(config.matrix.localpartPrefix).toBe('om_');
  });

  it('refuses an HS256 secret shorter than 32 bytes', () => {
    expect(problems({ ...base, HOST_JWT_SECRET: 'x'.repeat(31) })).toContain(
      'HOST_JWT_SECRET must be at least 32 bytes',
    );
  });

  it('refuses dev identity mode in production, and allows it elsewhere without host keys', () => {
    const dev = { ...base, BROKER_DEV_IDENTITY: 'true', HOST_JWT_SECRET: '' };
    expect(problems({ ...dev, NODE_ENV: 'production' })).toContain(
      'BROKER_DEV_IDENTITY is refused when NODE_ENV=production',
    );
    expect(loadConfig({ ...dev, NODE_ENV: 'development' }).devIdentity.enabled).toBe(true);
  });

  it('reports every problem at once, with the variable names', () => {
    const found = problems({ MATRIX_SERVER_NAME: 'chat.example.org' });
    expect(found.join('\n')).toMatch(/MATRIX_HOMESERVER_URL/);
    const more = problems({ ...base, SYNAPSE_ADMIN_TOKEN: '', HOST_JWT_AUDIENCE: '', HOST_JWT_SECRET: '' });
    expect(more).toEqual(
      expect.arrayContaining([
        'SYNAPSE_ADMIN_TOKEN (or SYNAPSE_ADMIN_TOKEN_FILE) is required',
        'HOST_JWT_AUDIENCE is required',
        'set exactly one of HOST_JWT_JWKS_URL, HOST_JWT_PUBLIC_KEY(_FILE) or HOST_JWT_SECRET',
      ]),
    );
  });

  it('pins asymmetric algorithms for key sources and rejects none/HS*', () => {
    const jwks = { ...base, HOST_JWT_SECRET: '', HOST_JWT_JWKS_URL: 'https://host.example.org/jwks.json' };
    expect(loadConfig(jwks).identity?.key).toMatchObject({ kind: 'jwks', algorithms: ['RS256'] });
    expect(problems({ ...jwks, HOST_JWT_ALGORITHMS: 'RS256,none' }).join()).toMatch(/Not allowed: none/);
    expect(problems({ ...jwks, HOST_JWT_ALGORITHMS: 'HS256' }).join()).toMatch(/Not allowed: HS256/);
    expect(problems({ ...jwks, HOST_JWT_ALGORITHMS: 'rs256' }).join()).toMatch(/Not allowed: rs256/);
    const pem = { ...base, HOST_JWT_SECRET: '', HOST_JWT_PUBLIC_KEY: 'not a key' };
    expect(problems(pem)).toContain('HOST_JWT_PUBLIC_KEY is not a PEM public key');
  });

  it('checks the ops token length in files too, on every read', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const file = `${await mkdtemp(`${tmpdir()}/om-config-`)}/ops`;
    await writeFile(file, 'short');
    expect(problems({ ...base, BROKER_OPS_TOKEN_FILE: file })).toContain(
      'BROKER_OPS_TOKEN_FILE must hold at least 32 characters',
    );
    await writeFile(file, 'o'.repeat(40));
    const config = loadConfig({ ...base, BROKER_OPS_TOKEN_FILE: file });
    await writeFile(file, '');
    expect(() => config.opsToken?.read()).toThrow(/at least 32/);
  });

  it('mounts the membership webhook only with a secret of at least 32 characters', async () => {
    expect(loadConfig(base).webhook).toEqual({
      secret: undefined,
      toleranceSeconds: 300,
      bodyLimitBytes: 4_194_304,
    });
    expect(problems({ ...base, BROKER_WEBHOOK_SECRET: 'w'.repeat(31) }).join()).toMatch(
      /BROKER_WEBHOOK_SECRET: at least 32 characters/,
    );
    const inline = loadConfig({
      ...base,
      BROKER_WEBHOOK_SECRET: 'w'.repeat(32),
      BROKER_WEBHOOK_TOLERANCE_SECONDS: '60',
    });
    expect(inline.webhook.secret?.read()).toBe('w'.repeat(32));
    expect(inline.webhook.toleranceSeconds).toBe(60);
    expect(problems({ ...base, BROKER_WEBHOOK_TOLERANCE_SECONDS: '0' }).join()).toMatch(
      /BROKER_WEBHOOK_TOLERANCE_SECONDS/,
    );

    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const file = `${await mkdtemp(`${tmpdir()}/om-config-`)}/webhook`;
    await writeFile(file, 'short\n');
    expect(problems({ ...base, BROKER_WEBHOOK_SECRET_FILE: file })).toContain(
      'BROKER_WEBHOOK_SECRET_FILE must hold at least 32 characters',
    );
    await writeFile(file, `${'f'.repeat(40)}\n`);
    expect(loadConfig({ ...base, BROKER_WEBHOOK_SECRET_FILE: file }).webhook.secret?.read()).toBe(
      'f'.repeat(40),
    );
    expect(
      problems({ ...base, BROKER_WEBHOOK_SECRET: 'w'.repeat(32), BROKER_WEBHOOK_SECRET_FILE: file }),
    ).toContain('set BROKER_WEBHOOK_SECRET or BROKER_WEBHOOK_SECRET_FILE, not both');
  });

  it('bounds the sweep interval and keeps admin-login tokens reusable', () => {
    expect(problems({ ...base, BROKER_DEVICE_SWEEP_MINUTES: '43200' }).join()).toMatch(
      /BROKER_DEVICE_SWEEP_MINUTES/,
    );
    expect(
      problems({ ...base, BROKER_TOKEN_MODE: 'admin-login', BROKER_TOKEN_TTL_SECONDS: '60' }).join(),
    ).toMatch(/must exceed BROKER_TOKEN_MIN_REMAINING_SECONDS/);
    expect(
      problems({ ...base, BROKER_TOKEN_KEYS: `bad.id:${Buffer.alloc(32).toString('base64')}` }).join(),
    ).toMatch(/BROKER_TOKEN_KEYS/);
  });

  it('requires token encryption keys with Redis (tokens are stored encrypted)', () => {
    expect(problems({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' })).toContain(
      'BROKER_TOKEN_KEYS is required with REDIS_URL (tokens are encrypted at rest)',
    );
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      ...base,
      REDIS_URL: 'redis://127.0.0.1:6379',
      BROKER_TOKEN_KEYS: `k2:${key}`,
      BROKER_SSE_SECRET: 'x'.repeat(32),
    });
    expect(config.tokenKeys.map((k) => k.id)).toEqual(['k2']);
    expect(config.store).toMatchObject({ kind: 'redis', keyPrefix: 'om:' });
  });

  it('validates the SSE fallback settings, and needs a shared cursor secret with Redis', () => {
    expect(problems({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' })).toContain(
      'BROKER_SSE_SECRET is required with REDIS_URL (stream cursors are shared)',
    );
    expect(problems({ ...base, BROKER_SSE_SECRET: 'short' })).toContain(
      'BROKER_SSE_SECRET must be at least 32 bytes',
    );
    expect(problems({ ...base, BROKER_SSE_MAX_BUFFER_BYTES: '10' }).join()).toMatch(
      /BROKER_SSE_MAX_BUFFER_BYTES/,
    );
    expect(problems({ ...base, BROKER_SSE_IDLE_SECONDS: '0' }).join()).toMatch(/BROKER_SSE_IDLE_SECONDS/);
    const config = loadConfig(base);
    expect(config.sse).toMatchObject({
      idleMs: 7_200_000,
      maxStreamsPerUser: 10,
      maxBufferedBytes: 1_048_576,
      sessionTtlMs: 3_600_000,
      batchTtlMs: 900_000,
    });
    expect(config.sse.secret.length).toBe(32);
  });
});

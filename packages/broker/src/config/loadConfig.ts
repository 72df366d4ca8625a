import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { HostKeySource, IdentityConfig } from '../identity/index.js';
import { AliasPattern } from '../rooms/index.js';
import type { CipherKey } from '../session/TokenCipher.js';

export interface BrokerConfig {
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  nodeEnv: string;
  bodyLimitBytes: number;
  corsOrigins: string[];
  /** Proxies whose `X-Forwarded-For` is believed (IPs or CIDRs); none by default. */
  trustedProxies: string[];
  /** Requests per minute: per user on authenticated routes, per IP elsewhere. */
  rateLimitPerMinute: number;
  /** Shed requests with 503 while the event loop lags more than this; 0 never sheds. */
  maxEventLoopDelayMs: number;
  /** The ops credential; ops routes are not mounted without one. */
  opsToken: Secret | undefined;
  /** Signed membership sync from the host app's backend; its routes are not mounted without a secret. */
  webhook: {
    secret: Secret | undefined;
    /** How far a request's timestamp may be from the broker's clock; also how long signatures are remembered. */
    toleranceSeconds: number;
    /** Reconciliation bodies list whole memberships, so they may exceed the general body limit. */
    bodyLimitBytes: number;
  };
  matrix: {
    /** Where the broker reaches Synapse. */
    homeserverUrl: string;
    /** What browsers are told to use. */
    publicHomeserverUrl: string;
    serverName: string;
    localpartPrefix: string;
    adminToken: Secret;
    asToken: Secret;
  };
  /** Absent in dev identity mode, where the broker verifies the tokens it signs. */
  identity: IdentityConfig | undefined;
  devIdentity: { enabled: boolean; issuer: string; audience: string; users: string[] };
  hostTokenCookie: string | undefined;
  store: { kind: 'memory' } | { kind: 'redis'; url: string; keyPrefix: string };
  tokenKeys: CipherKey[];
  /** Host avatars are fetched with SSRF guards; private networks only when allowed. */
  avatars: { allowPrivateNetworks: boolean; maxBytes: number; timeoutMs: number; retryMs: number };
  /** Entity rooms: aliases `#<aliasPrefix>-…` (the registration's alias namespace) and role levels. */
  rooms: {
    aliasPrefix: string;
    aliasPattern: string;
    roleLevels: Record<string, number>;
    /** The service user's display name: who people see post notices and own rooms. */
    serviceDisplayName: string;
  };
  sessions: {
    /** `appservice` (device-bound, recommended) or the `admin-login` fallback. */
    tokenMode: 'appservice' | 'admin-login';
    /** Token lifetime in `admin-login` mode (in `appservice` mode Synapse's setting rules). */
    tokenTtlMs: number;
    maxDevicesPerUser: number;
    minRemainingMs: number;
    deviceMaxIdleMs: number;
    sweepIntervalMs: number;
  };
  /** The SSE fallback (`GET /api/matrix/events`). */
  sse: {
    /** HMAC key of stream cursors; shared by every instance on one store. */
    secret: Buffer;
    idleMs: number;
    maxStreamsPerUser: number;
    maxBufferedBytes: number;
    sessionTtlMs: number;
    /** How long a stored sync batch stays resumable. */
    batchTtlMs: number;
    /** Initial-sync batches: only a client cut off inside one resumes from it. */
    initialBatchTtlMs: number;
  };
  /** The SSE fallback's request proxy (`/api/matrix/proxy/*`). */
  proxy: {
    /** Media uploads beyond this are refused with 413. */
    uploadMaxBytes: number;
    /** Without progress for this long a relayed request fails with 503. */
    timeoutMs: number;
    /** The same for uploads and downloads. */
    mediaTimeoutMs: number;
  };
}

/** A secret given inline or as a file; files are re-read on reload (ops rotate them in place). */
export interface Secret {
  read(): string;
  source: 'env' | 'file';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid broker configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);
const url = z.url({ protocol: /^https?$/ });
const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  BROKER_HOST: z.string().default('127.0.0.1'),
  BROKER_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  BROKER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BROKER_BODY_LIMIT: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  BROKER_CORS_ORIGINS: list.default([]),
  BROKER_TRUSTED_PROXIES: list.default([]),
  BROKER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(120),
  BROKER_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  BROKER_OPS_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
  BROKER_OPS_TOKEN_FILE: z.string().min(1).optional(),
  BROKER_WEBHOOK_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  BROKER_WEBHOOK_SECRET_FILE: z.string().min(1).optional(),
  BROKER_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(5).max(3600).default(300),
  BROKER_WEBHOOK_BODY_LIMIT: z.coerce.number().int().min(1024).max(52_428_800).default(4_194_304),
  BROKER_DEV_USERS: list.default(['alice', 'bob', 'carol', 'dave']),
  MATRIX_HOMESERVER_URL: url,
  MATRIX_PUBLIC_HOMESERVER_URL: url.optional(),
  MATRIX_SERVER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'a server name such as chat.example.org'),
  BROKER_LOCALPART_PREFIX: z
    .string()
    .regex(/^[a-z0-9.-]*_?$/, 'lowercase letters, digits, . and -, optionally ending in _')
    .default('om_'),
  SYNAPSE_ADMIN_TOKEN: z.string().min(1).optional(),
  SYNAPSE_ADMIN_TOKEN_FILE: z.string().min(1).optional(),
  MATRIX_AS_TOKEN: z.string().min(1).optional(),
  MATRIX_AS_TOKEN_FILE: z.string().min(1).optional(),
  HOST_JWT_JWKS_URL: url.optional(),
  HOST_JWT_PUBLIC_KEY: z.string().optional(),
  HOST_JWT_PUBLIC_KEY_FILE: z.string().optional(),
  HOST_JWT_SECRET: z.string().optional(),
  HOST_JWT_ALGORITHMS: list.optional(),
  HOST_JWT_ISSUER: z.string().min(1).optional(),
  HOST_JWT_AUDIENCE: z.string().min(1).optional(),
  HOST_JWT_CLOCK_TOLERANCE: z.coerce.number().int().min(0).max(300).default(30),
  HOST_JWT_COOKIE: z
    .string()
    .regex(/^[\w.-]+$/)
    .optional(),
  HOST_CLAIM_USER_ID: z.string().min(1).default('sub'),
  HOST_CLAIM_DISPLAY_NAME: z.string().min(1).default('name'),
  HOST_CLAIM_AVATAR: z.string().min(1).default('picture'),
  BROKER_DEV_IDENTITY: bool.default(false),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  BROKER_REDIS_PREFIX: z.string().default('om:'),
  BROKER_TOKEN_KEYS: z.string().optional(),
  BROKER_MAX_DEVICES_PER_USER: z.coerce.number().int().min(1).max(100).default(10),
  BROKER_TOKEN_MIN_REMAINING_SECONDS: z.coerce.number().int().min(0).default(60),
  BROKER_AVATAR_ALLOW_PRIVATE: bool.default(false),
  BROKER_AVATAR_MAX_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(1_048_576),
  BROKER_AVATAR_TIMEOUT_MS: z.coerce.number().int().min(100).max(15_000).default(5000),
  BROKER_AVATAR_RETRY_SECONDS: z.coerce.number().int().min(0).default(300),
  BROKER_ROOM_ALIAS_PREFIX: z
    .string()
    .regex(/^[a-z0-9._=-]+$/, 'lowercase letters, digits and . _ = -')
    .default('om'),
  BROKER_ROOM_ALIAS_PATTERN: z.string().default('{prefix}-{kind}-{slug}'),
  BROKER_SERVICE_DISPLAY_NAME: z.string().trim().min(1).max(100).default('OpenMeet'),
  BROKER_ROLE_POWER_LEVELS: z.string().default('owner:100,admin:75,moderator:50,member:0'),
  BROKER_SSE_SECRET: z.string().optional(),
  BROKER_SSE_IDLE_SECONDS: z.coerce.number().int().min(1).max(604_800).default(7200),
  BROKER_SSE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(1000).default(10),
  BROKER_SSE_MAX_BUFFER_BYTES: z.coerce.number().int().min(16_384).max(67_108_864).default(1_048_576),
  BROKER_SSE_SESSION_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  BROKER_SSE_BATCH_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  BROKER_SSE_INITIAL_BATCH_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(60),
  BROKER_PROXY_UPLOAD_MAX_BYTES: z.coerce.number().int().min(1024).max(2_147_483_648).default(52_428_800),
  BROKER_PROXY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  BROKER_PROXY_MEDIA_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  BROKER_TOKEN_MODE: z.enum(['appservice', 'admin-login']).default('appservice'),
  BROKER_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  BROKER_DEVICE_MAX_IDLE_DAYS: z.coerce.number().min(0.001).default(30),
  // setInterval clamps anything above ~24.8 days to 1 ms.
  BROKER_DEVICE_SWEEP_MINUTES: z.coerce
    .number()
    .min(0)
    .max(24 * 60)
    .default(60),
});

function secret(
  problems: string[],
  name: string,
  inline: string | undefined,
  file: string | undefined,
  minLength = 1,
): Secret {
  if (inline && file) problems.push(`set ${name} or ${name}_FILE, not both`);
  if (file) {
    const read = () => {
      const value = readFileSync(file, 'utf8').trim();
      // Checked on every read, so a reload cannot swap in an empty or weaker secret.
      if (value.length < minLength)
        throw new Error(`${name}_FILE must hold at least ${minLength} characters`);
      return value;
    };
    try {
      read();
    } catch (err) {
      const unreadable = (err as NodeJS.ErrnoException).code !== undefined;
      problems.push(unreadable ? `${name}_FILE ${file} cannot be read` : (err as Error).message);
    }
    return { read, source: 'file' };
  }
  if (!inline) problems.push(`${name} (or ${name}_FILE) is required`);
  return { read: () => inline ?? '', source: 'env' };
}

/** `kid:base64key,kid2:base64key`, newest first; a memory store may do with a key made at boot. */
function tokenKeys(problems: string[], value: string | undefined, durable: boolean): CipherKey[] {
  if (!value) {
    if (durable) problems.push('BROKER_TOKEN_KEYS is required with REDIS_URL (tokens are encrypted at rest)');
    return [{ id: 'boot', key: randomBytes(32) }];
  }
  return value.split(',').flatMap((entry) => {
    const [id, b64] = entry.trim().split(':');
    const key = Buffer.from(b64 ?? '', 'base64');
    if (!id || !/^[\w-]{1,32}$/.test(id) || key.length !== 32) {
      problems.push('BROKER_TOKEN_KEYS entries must be kid:<32 bytes in base64>, kid of [A-Za-z0-9_-]{1,32}');
      return [];
    }
    return [{ id, key }];
  });
}

/** The cursor HMAC key: several instances must share one, so a shared store needs it set. */
function sseSecret(problems: string[], value: string | undefined, durable: boolean): Buffer {
  if (value === undefined) {
    if (durable) problems.push('BROKER_SSE_SECRET is required with REDIS_URL (stream cursors are shared)');
    return randomBytes(32);
  }
  if (Buffer.byteLength(value) < 32) problems.push('BROKER_SSE_SECRET must be at least 32 bytes');
  return Buffer.from(value);
}

function hostKey(problems: string[], env: z.infer<typeof schema>): HostKeySource | undefined {
  const pem = env.HOST_JWT_PUBLIC_KEY_FILE
    ? (() => {
        try {
          return readFileSync(env.HOST_JWT_PUBLIC_KEY_FILE, 'utf8');
        } catch {
          problems.push(`HOST_JWT_PUBLIC_KEY_FILE ${env.HOST_JWT_PUBLIC_KEY_FILE} cannot be read`);
          return undefined;
        }
      })()
    : env.HOST_JWT_PUBLIC_KEY;
  const given = [env.HOST_JWT_JWKS_URL, pem, env.HOST_JWT_SECRET].filter(Boolean).length;
  if (given !== 1) {
    problems.push('set exactly one of HOST_JWT_JWKS_URL, HOST_JWT_PUBLIC_KEY(_FILE) or HOST_JWT_SECRET');
    return undefined;
  }
  const algorithms = env.HOST_JWT_ALGORITHMS ?? ['RS256'];
  const unknown = algorithms.filter((alg) => !ASYMMETRIC_ALGORITHMS.includes(alg));
  if (unknown.length > 0) {
    problems.push(
      `HOST_JWT_ALGORITHMS may list only asymmetric algorithms (${ASYMMETRIC_ALGORITHMS.join(', ')}); ` +
        `HS256 comes with HOST_JWT_SECRET. Not allowed: ${unknown.join(', ')}`,
    );
  }
  if (pem) {
    try {
      createPublicKey({ key: pem, format: 'pem' });
    } catch {
      problems.push('HOST_JWT_PUBLIC_KEY is not a PEM public key');
    }
  }
  if (env.HOST_JWT_JWKS_URL) return { kind: 'jwks', url: env.HOST_JWT_JWKS_URL, algorithms };
  if (pem) return { kind: 'publicKey', pem, algorithms };
  const secretValue = env.HOST_JWT_SECRET ?? '';
  if (Buffer.byteLength(secretValue) < 32) {
    problems.push('HOST_JWT_SECRET must be at least 32 bytes');
    return undefined;
  }
  return { kind: 'hs256', secret: secretValue };
}

/** `role:level,…` with levels 0–100 (the service user holds 100 and cannot grant more). */
function roleLevels(problems: string[], value: string): Record<string, number> {
  const levels: Record<string, number> = Object.create(null);
  for (const entry of value.split(',')) {
    const [role = '', level = ''] = entry.trim().split(':');
    const n = Number(level);
    if (!/^[A-Za-z0-9_.-]+$/.test(role) || !/^\d+$/.test(level) || n > 100) {
      problems.push('BROKER_ROLE_POWER_LEVELS entries must be role:<integer 0..100>');
      continue;
    }
    levels[role] = n;
  }
  return levels;
}

function aliasPattern(problems: string[], env: z.infer<typeof schema>): void {
  try {
    new AliasPattern({
      pattern: env.BROKER_ROOM_ALIAS_PATTERN,
      prefix: env.BROKER_ROOM_ALIAS_PREFIX,
      serverName: env.MATRIX_SERVER_NAME,
    });
  } catch (error) {
    problems.push(`BROKER_ROOM_ALIAS_PATTERN: ${(error as Error).message}`);
  }
}

/** Reads and validates the environment once, at boot; every problem is reported at once. */
export function loadConfig(rawEnv: Record<string, string | undefined> = process.env): BrokerConfig {
  // An empty variable means unset, as shells and compose files tend to produce them.
  const defined = Object.fromEntries(
    Object.entries(rawEnv).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(defined);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const problems: string[] = [];
  const adminToken = secret(
    problems,
    'SYNAPSE_ADMIN_TOKEN',
    env.SYNAPSE_ADMIN_TOKEN,
    env.SYNAPSE_ADMIN_TOKEN_FILE,
  );
  const asToken: Secret =
    env.BROKER_TOKEN_MODE === 'appservice' || env.MATRIX_AS_TOKEN || env.MATRIX_AS_TOKEN_FILE
      ? secret(problems, 'MATRIX_AS_TOKEN', env.MATRIX_AS_TOKEN, env.MATRIX_AS_TOKEN_FILE)
      : { read: () => '', source: 'env' };

  const issuer = env.HOST_JWT_ISSUER ?? 'openmeet-dev';
  const audience = env.HOST_JWT_AUDIENCE ?? 'openmeet-chat';
  let identity: IdentityConfig | undefined;
  if (env.BROKER_DEV_IDENTITY) {
    if (env.NODE_ENV === 'production')
      problems.push('BROKER_DEV_IDENTITY is refused when NODE_ENV=production');
  } else {
    if (!env.HOST_JWT_ISSUER) problems.push('HOST_JWT_ISSUER is required');
    if (!env.HOST_JWT_AUDIENCE) problems.push('HOST_JWT_AUDIENCE is required');
    const key = hostKey(problems, env);
    if (key) {
      identity = {
        key,
        issuer,
        audience,
        clockToleranceSec: env.HOST_JWT_CLOCK_TOLERANCE,
        claims: {
          userId: env.HOST_CLAIM_USER_ID,
          displayName: env.HOST_CLAIM_DISPLAY_NAME,
          avatarUrl: env.HOST_CLAIM_AVATAR,
        },
      };
    }
  }
  const opsToken =
    env.BROKER_OPS_TOKEN || env.BROKER_OPS_TOKEN_FILE
      ? secret(problems, 'BROKER_OPS_TOKEN', env.BROKER_OPS_TOKEN, env.BROKER_OPS_TOKEN_FILE, 32)
      : undefined;
  const webhookSecret =
    env.BROKER_WEBHOOK_SECRET || env.BROKER_WEBHOOK_SECRET_FILE
      ? secret(
          problems,
          'BROKER_WEBHOOK_SECRET',
          env.BROKER_WEBHOOK_SECRET,
          env.BROKER_WEBHOOK_SECRET_FILE,
          32,
        )
      : undefined;
  if (
    env.BROKER_TOKEN_MODE === 'admin-login' &&
    env.BROKER_TOKEN_TTL_SECONDS <= env.BROKER_TOKEN_MIN_REMAINING_SECONDS
  ) {
    problems.push(
      'BROKER_TOKEN_TTL_SECONDS must exceed BROKER_TOKEN_MIN_REMAINING_SECONDS, or no token is ever reused',
    );
  }
  const keys = tokenKeys(problems, env.BROKER_TOKEN_KEYS, Boolean(env.REDIS_URL));
  const roles = roleLevels(problems, env.BROKER_ROLE_POWER_LEVELS);
  const cursorSecret = sseSecret(problems, env.BROKER_SSE_SECRET, Boolean(env.REDIS_URL));
  aliasPattern(problems, env);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    host: env.BROKER_HOST,
    port: env.BROKER_PORT,
    logLevel: env.BROKER_LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    bodyLimitBytes: env.BROKER_BODY_LIMIT,
    corsOrigins: env.BROKER_CORS_ORIGINS,
    trustedProxies: env.BROKER_TRUSTED_PROXIES,
    rateLimitPerMinute: env.BROKER_RATE_LIMIT_PER_MINUTE,
    maxEventLoopDelayMs: env.BROKER_MAX_EVENT_LOOP_DELAY_MS,
    opsToken,
    webhook: {
      secret: webhookSecret,
      toleranceSeconds: env.BROKER_WEBHOOK_TOLERANCE_SECONDS,
      bodyLimitBytes: env.BROKER_WEBHOOK_BODY_LIMIT,
    },
    matrix: {
      homeserverUrl: env.MATRIX_HOMESERVER_URL,
      publicHomeserverUrl: env.MATRIX_PUBLIC_HOMESERVER_URL ?? env.MATRIX_HOMESERVER_URL,
      serverName: env.MATRIX_SERVER_NAME,
      localpartPrefix: env.BROKER_LOCALPART_PREFIX,
      adminToken,
      asToken,
    },
    identity,
    devIdentity: { enabled: env.BROKER_DEV_IDENTITY, issuer, audience, users: env.BROKER_DEV_USERS },
    hostTokenCookie: env.HOST_JWT_COOKIE,
    store: env.REDIS_URL
      ? { kind: 'redis', url: env.REDIS_URL, keyPrefix: env.BROKER_REDIS_PREFIX }
      : { kind: 'memory' },
    tokenKeys: keys,
    avatars: {
      allowPrivateNetworks: env.BROKER_AVATAR_ALLOW_PRIVATE,
      maxBytes: env.BROKER_AVATAR_MAX_BYTES,
      timeoutMs: env.BROKER_AVATAR_TIMEOUT_MS,
      retryMs: env.BROKER_AVATAR_RETRY_SECONDS * 1000,
    },
    rooms: {
      aliasPrefix: env.BROKER_ROOM_ALIAS_PREFIX,
      aliasPattern: env.BROKER_ROOM_ALIAS_PATTERN,
      roleLevels: roles,
      serviceDisplayName: env.BROKER_SERVICE_DISPLAY_NAME,
    },
    sessions: {
      tokenMode: env.BROKER_TOKEN_MODE,
      tokenTtlMs: env.BROKER_TOKEN_TTL_SECONDS * 1000,
      maxDevicesPerUser: env.BROKER_MAX_DEVICES_PER_USER,
      minRemainingMs: env.BROKER_TOKEN_MIN_REMAINING_SECONDS * 1000,
      deviceMaxIdleMs: env.BROKER_DEVICE_MAX_IDLE_DAYS * 86_400_000,
      sweepIntervalMs: env.BROKER_DEVICE_SWEEP_MINUTES * 60_000,
    },
    sse: {
      secret: cursorSecret,
      idleMs: env.BROKER_SSE_IDLE_SECONDS * 1000,
      maxStreamsPerUser: env.BROKER_SSE_MAX_STREAMS_PER_USER,
      maxBufferedBytes: env.BROKER_SSE_MAX_BUFFER_BYTES,
      sessionTtlMs: env.BROKER_SSE_SESSION_SECONDS * 1000,
      batchTtlMs: env.BROKER_SSE_BATCH_TTL_SECONDS * 1000,
      initialBatchTtlMs: env.BROKER_SSE_INITIAL_BATCH_TTL_SECONDS * 1000,
    },
    proxy: {
      uploadMaxBytes: env.BROKER_PROXY_UPLOAD_MAX_BYTES,
      timeoutMs: env.BROKER_PROXY_TIMEOUT_SECONDS * 1000,
      mediaTimeoutMs: env.BROKER_PROXY_MEDIA_TIMEOUT_SECONDS * 1000,
    },
  };
}

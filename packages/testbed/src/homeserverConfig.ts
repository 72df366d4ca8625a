import { type RateLimitProfile, rateLimitConfig } from './rateLimits.js';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; dsn: string; database: string };

export interface HomeserverConfigInput {
  serverName: string;
  port: number;
  dataDir: string;
  database: DatabaseConfig;
  registrationSharedSecret: string;
  rateLimits: RateLimitProfile;
  appServiceConfigFiles: readonly string[];
  /** Deep-merged last: any Synapse option a test needs. */
  extra?: Record<string, unknown>;
}

function postgresArgs(dsn: string, database: string): Record<string, unknown> {
  const url = new URL(dsn);
  const args: Record<string, unknown> = {
    database,
    host: decodeURIComponent(url.hostname) || '127.0.0.1',
    port: Number(url.port || 5432),
    cp_min: 1,
    cp_max: 5,
  };
  if (url.username) args.user = decodeURIComponent(url.username);
  if (url.password) args.password = decodeURIComponent(url.password);
  return args;
}

function databaseSection(db: DatabaseConfig): Record<string, unknown> {
  if (db.kind === 'sqlite') return { name: 'sqlite3', args: { database: db.path } };
  return { name: 'psycopg2', allow_unsafe_locale: false, args: postgresArgs(db.dsn, db.database) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepMerge(
  base: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/**
 * A loopback-only homeserver: one HTTP listener on 127.0.0.1 serving the client API (which
 * includes the admin API and media), no federation, closed registration, no phoning home.
 */
export function homeserverConfig(input: HomeserverConfigInput): Record<string, unknown> {
  const { dataDir } = input;
  const config: Record<string, unknown> = {
    server_name: input.serverName,
    public_baseurl: `http://127.0.0.1:${input.port}/`,
    pid_file: `${dataDir}/homeserver.pid`,
    signing_key_path: `${dataDir}/signing.key`,
    media_store_path: `${dataDir}/media`,
    log_config: `${dataDir}/log.config.yaml`,
    report_stats: false,
    enable_registration: false,
    registration_shared_secret: input.registrationSharedSecret,
    macaroon_secret_key: `${input.registrationSharedSecret}-macaroon`,
    form_secret: `${input.registrationSharedSecret}-form`,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    federation_domain_whitelist: [],
    allow_public_rooms_over_federation: false,
    url_preview_enabled: false,
    enable_metrics: false,
    listeners: [
      {
        port: input.port,
        bind_addresses: ['127.0.0.1'],
        type: 'http',
        tls: false,
        x_forwarded: false,
        resources: [{ names: ['client'], compress: false }],
      },
    ],
    database: databaseSection(input.database),
    app_service_config_files: [...input.appServiceConfigFiles],
    ...rateLimitConfig(input.rateLimits),
  };
  return input.extra ? deepMerge(config, input.extra) : config;
}

/** Synapse's Python logging config: warnings to a file in the data dir, quiet otherwise. */
export function logConfig(dataDir: string): Record<string, unknown> {
  return {
    version: 1,
    formatters: {
      precise: { format: '%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - %(request)s - %(message)s' },
    },
    filters: { context: { '()': 'synapse.logging.context.LoggingContextFilter', request: '' } },
    handlers: {
      file: {
        class: 'logging.FileHandler',
        formatter: 'precise',
        filters: ['context'],
        filename: `${dataDir}/homeserver.log`,
        encoding: 'utf8',
      },
    },
    root: { level: 'WARNING', handlers: ['file'] },
    loggers: { 'synapse.storage.SQL': { level: 'WARNING' } },
    disable_existing_loggers: false,
  };
}

/** JSON is valid YAML, so Synapse reads these files without a YAML writer on our side. */
export function toYaml(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

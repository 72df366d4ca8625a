import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { appserviceRegistration } from './appservice/appserviceRegistration.js';
import { provisionCommand } from './cutover/provisionCommand.js';
import { reconcileCommand } from './membership/reconcileCommand.js';

const USAGE = `Usage: openmeet-broker <command> [options]

Commands:
  serve                       start the broker (configuration from the environment; see the README)
  appservice-registration     print the application-service registration Synapse needs, with fresh tokens
  reconcile --file FILE       make entity rooms' members match the host's lists and print a JSON report;
                              exit code 1 if anything failed (configuration from the environment, as serve)
  provision                   the cutover: users, rooms and memberships from the host's exports; JSON report
                              on stdout, progress on stderr; exit code 1 if anything failed (see docs/cutover.md)

Options (appservice-registration):
  --server-name NAME          the homeserver's server name (required)
  --prefix PREFIX             localpart prefix of broker users (default: om_; must match BROKER_LOCALPART_PREFIX)
  --alias-prefix PREFIX       room alias prefix (default: om; must match BROKER_ROOM_ALIAS_PREFIX)
  --as-token TOKEN            reuse a token instead of generating one (likewise --hs-token)

Options (reconcile):
  --file FILE                 JSON: { "entities": [{ "entity": { "kind", "id", "slug"? },
                              "members": [{ "hostUserId", "role", "displayName"? }] }] }
  --concurrency N             entities reconciled at once (default 2)

Options (provision): files are NDJSON (.ndjson, .jsonl) or CSV with a header row (.csv)
  --users FILE                { hostUserId, displayName?, avatarUrl? }
  --groups FILE, --events FILE  { id, slug, name, topic?, visibility: public|private, archived? }
  --memberships FILE          { kind: group|event, entityId, hostUserId, role }
  --concurrency N             items in flight (default 8)
  --dry-run                   list planned changes; no Synapse writes
  --run-key KEY               names the checkpoints (default "default"); a new key re-checks every item
  --checkpoint-file FILE      NDJSON checkpoints for the memory store (with REDIS_URL they live in Redis)
`;

interface Output {
  write(chunk: string): unknown;
}

export async function main(
  argv: readonly string[],
  out: Output = process.stdout,
  err: Output = process.stderr,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    options: {
      'server-name': { type: 'string' },
      prefix: { type: 'string' },
      'alias-prefix': { type: 'string' },
      'as-token': { type: 'string' },
      'hs-token': { type: 'string' },
      file: { type: 'string' },
      concurrency: { type: 'string' },
      users: { type: 'string' },
      groups: { type: 'string' },
      events: { type: 'string' },
      memberships: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'run-key': { type: 'string' },
      'checkpoint-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'serve'] = positionals;
  if (values.help) {
    out.write(USAGE);
    return 0;
  }
  if (command === 'serve') {
    await import('./server.js');
    return 0;
  }
  if (command === 'appservice-registration') {
    const serverName = values['server-name'];
    if (typeof serverName !== 'string' || !serverName) {
      err.write(`--server-name is required\n\n${USAGE}`);
      return 2;
    }
    const token = (given: unknown) =>
      typeof given === 'string' && given ? given : randomBytes(32).toString('hex');
    const registration = appserviceRegistration({
      serverName,
      localpartPrefix: typeof values.prefix === 'string' ? values.prefix : 'om_',
      ...(typeof values['alias-prefix'] === 'string' ? { aliasPrefix: values['alias-prefix'] } : {}),
      asToken: token(values['as-token']),
      hsToken: token(values['hs-token']),
    });
    // JSON is valid YAML: save it as e.g. openmeet-broker.yaml and list it in app_service_config_files.
    out.write(`${JSON.stringify(registration, null, 2)}\n`);
    err.write(
      'Save this as a file Synapse reads (app_service_config_files), restart Synapse, and give the broker\n' +
        'MATRIX_AS_TOKEN (the as_token above). Also set refreshable_access_token_lifetime (e.g. 15m).\n',
    );
    return 0;
  }
  if (command === 'reconcile') {
    const file = values.file;
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (typeof file !== 'string' || !file) {
      err.write(`--file is required\n\n${USAGE}`);
      return 2;
    }
    if (
      concurrency !== undefined &&
      !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)
    ) {
      err.write(`--concurrency must be an integer from 1 to 64\n\n${USAGE}`);
      return 2;
    }
    return reconcileCommand({ file, env, out, err, ...(concurrency === undefined ? {} : { concurrency }) });
  }
  if (command === 'provision') {
    const concurrency = values.concurrency === undefined ? 8 : Number(values.concurrency);
    if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 256)) {
      err.write(`--concurrency must be an integer from 1 to 256\n\n${USAGE}`);
      return 2;
    }
    // An empty value counts as not given, as in the environment.
    const given = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
    return provisionCommand({
      users: given(values.users),
      groups: given(values.groups),
      events: given(values.events),
      memberships: given(values.memberships),
      runKey: given(values['run-key']),
      checkpointFile: given(values['checkpoint-file']),
      concurrency,
      dryRun: values['dry-run'] === true,
      env,
      out,
      err,
    });
  }
  err.write(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  return 2;
}

import { withCommandServices } from '../withCommandServices.js';
import {
  type Checkpoints,
  FileCheckpoints,
  NoCheckpoints,
  ReadOnlyCheckpoints,
  StoreCheckpoints,
} from './Checkpoints.js';
import { type CutoverInput, runCutover } from './Cutover.js';
import { entityRowSchema, membershipRowSchema, userRowSchema } from './exportSchemas.js';
import { ExportFileError, type ParsedExport, readExport } from './readExport.js';

interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface ProvisionCommandOptions {
  users?: string | undefined;
  groups?: string | undefined;
  events?: string | undefined;
  memberships?: string | undefined;
  concurrency?: number;
  dryRun?: boolean;
  runKey?: string | undefined;
  /** NDJSON file of finished items, for the memory store (Redis keeps checkpoints itself). */
  checkpointFile?: string | undefined;
  env: Record<string, string | undefined>;
  out: Output;
  err: Output;
  signal?: AbortSignal;
}

/**
 * `openmeet-broker provision`: the cutover. Prints the JSON report on stdout and progress on
 * stderr. Exit code 0 when everything succeeded, 1 when any item failed or any row was malformed,
 * 2 for bad arguments or unreadable files, 78 for bad configuration.
 */
export async function provisionCommand(options: ProvisionCommandOptions): Promise<number> {
  const { out, err } = options;
  if (!options.users && !options.groups && !options.events && !options.memberships) {
    err.write('give at least one of --users, --groups, --events, --memberships\n');
    return 2;
  }
  let input: CutoverInput;
  try {
    input = await readInput(options);
  } catch (error) {
    if (!(error instanceof ExportFileError)) throw error;
    err.write(`${error.message}\n`);
    return 2;
  }
  return withCommandServices(options.env, err, async (services, config) => {
    let checkpoints: Checkpoints;
    if (options.checkpointFile) {
      checkpoints = await FileCheckpoints.open(options.checkpointFile);
    } else if (config.store.kind === 'redis') {
      checkpoints = new StoreCheckpoints(services.store);
    } else {
      err.write(
        'warning: memory store without --checkpoint-file: an interrupted run is redone from the start ' +
          '(safely: every step is idempotent)\n',
      );
      checkpoints = new NoCheckpoints();
    }
    const report = await runCutover(input, {
      synapse: services.synapse,
      rooms: services.rooms,
      memberships: services.memberships,
      users: services.provisioner,
      checkpoints: options.dryRun ? new ReadOnlyCheckpoints(checkpoints) : checkpoints,
      runKey: options.runKey ?? 'default',
      concurrency: options.concurrency ?? 8,
      dryRun: options.dryRun ?? false,
      progress: err,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    out.write(`${JSON.stringify(report, null, 2)}\n`);
    err.write(`${report.summary}\n`);
    return report.failures.length > 0 || report.malformed.length > 0 ? 1 : 0;
  });
}

async function readInput(options: ProvisionCommandOptions): Promise<CutoverInput> {
  const empty = { rows: [], malformed: [] };
  const read = async <T>(file: string | undefined, reader: (f: string) => Promise<ParsedExport<T>>) =>
    file ? reader(file) : (empty as ParsedExport<T>);
  const users = await read(options.users, (f) => readExport(f, userRowSchema));
  const groups = await read(options.groups, (f) => readExport(f, entityRowSchema));
  const events = await read(options.events, (f) => readExport(f, entityRowSchema));
  const memberships = await read(options.memberships, (f) => readExport(f, membershipRowSchema));
  return {
    users: users.rows,
    groups: groups.rows,
    events: events.rows,
    memberships: memberships.rows,
    malformed: [...users.malformed, ...groups.malformed, ...events.malformed, ...memberships.malformed],
  };
}

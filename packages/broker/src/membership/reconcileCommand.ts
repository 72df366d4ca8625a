import { readFile } from 'node:fs/promises';
import { withCommandServices } from '../withCommandServices.js';
import type { ReconcileReport } from './Memberships.js';
import { reconcileFileSchema } from './membershipSchemas.js';

interface Output {
  write(chunk: string): unknown;
}

export interface ReconcileCommandOptions {
  file: string;
  /** Entities reconciled at once. */
  concurrency?: number;
  env: Record<string, string | undefined>;
  out: Output;
  err: Output;
}

/**
 * `openmeet-broker reconcile --file desired.json`: reconciles every entity in the file with the
 * broker's configuration (the same environment as `serve`) and prints the JSON report. Exit code 0
 * when everything is in line, 1 when anything failed, 2 for a bad file, 78 for bad configuration.
 */
export async function reconcileCommand(options: ReconcileCommandOptions): Promise<number> {
  const { out, err } = options;
  let text: string;
  try {
    text = await readFile(options.file, 'utf8');
  } catch {
    err.write(`cannot read ${options.file}\n`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    err.write(`${options.file} is not JSON\n`);
    return 2;
  }
  const parsed = reconcileFileSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 20)
      .map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    err.write(`${options.file} is not a reconciliation file:\n${problems.join('\n')}\n`);
    return 2;
  }
  return withCommandServices(options.env, err, async (services) => {
    const reports = await services.memberships.reconcileMany(parsed.data.entities, {
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    });
    const summary = summarise(reports);
    out.write(`${JSON.stringify({ summary, reports }, null, 2)}\n`);
    return summary.failed > 0 || summary.entitiesFailed > 0 ? 1 : 0;
  });
}

function summarise(reports: readonly ReconcileReport[]) {
  const sum = (pick: (report: ReconcileReport) => number) => reports.reduce((n, r) => n + pick(r), 0);
  return {
    entities: reports.length,
    entitiesFailed: reports.filter((report) => report.error !== undefined).length,
    added: sum((r) => r.added.length),
    removed: sum((r) => r.removed.length),
    rolesChanged: sum((r) => r.rolesChanged.length),
    unchanged: sum((r) => r.unchanged),
    failed: sum((r) => r.failed.length),
  };
}

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BenchExport } from './exportData.js';
import type { PhaseTimes } from './phases.js';

// The package exports no provision command, so the bench runs the real bin (which loads dist/).
const BIN = join(
  dirname(createRequire(import.meta.url).resolve('@openmeet/broker/package.json')),
  'bin',
  'openmeet-broker.js',
);

export interface CliRun {
  times: PhaseTimes;
  exitCode: number;
  /** CPU seconds the CLI process used (sampled from /proc until it exits). */
  cpuSeconds: number;
  report: { summary?: string; failures?: unknown[]; malformed?: unknown[] } | undefined;
  stderr: string;
}

function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * `openmeet-broker provision` on the export, memory store, no checkpoint file. Phase times come
 * from when each phase's final progress line (`users 2000/2000 … in 12s`) reaches stderr; startup
 * ends with the memory-store warning, written just before the first phase starts.
 */
export function runCli(data: BenchExport, concurrency: number, env: Record<string, string>): Promise<CliRun> {
  const { files } = data;
  const args = [
    BIN,
    'provision',
    '--users',
    files.users,
    '--groups',
    files.groups,
    '--events',
    files.events,
    '--memberships',
    files.memberships,
    '--concurrency',
    String(concurrency),
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  const marks: Record<string, number> = {};
  let cpuSeconds = 0;
  const sampler = setInterval(() => {
    if (child.pid !== undefined) cpuSeconds = cpuSecondsOf(child.pid) ?? cpuSeconds;
  }, 100);
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const now = performance.now();
    stderr += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('warning: memory store')) marks.startup ??= now;
      const final = /^(users|rooms|memberships)\s+(\d+)\/(\d+) .* in \S+$/.exec(line);
      if (final?.[1] && final[2] === final[3]) marks[final[1]] ??= now;
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      const end = performance.now();
      const at = (name: string, fallback: number) => marks[name] ?? fallback;
      const t0 = at('startup', started);
      const t1 = at('users', t0);
      const t2 = at('rooms', t1);
      const t3 = at('memberships', t2);
      let report: CliRun['report'];
      try {
        report = JSON.parse(stdout) as CliRun['report'];
      } catch {
        report = undefined;
      }
      resolve({
        times: {
          startup: (t0 - started) / 1000,
          users: (t1 - t0) / 1000,
          rooms: (t2 - t1) / 1000,
          memberships: (t3 - t2) / 1000,
          total: (end - started) / 1000,
        },
        exitCode: code ?? 1,
        cpuSeconds,
        report,
        stderr,
      });
    });
  });
}

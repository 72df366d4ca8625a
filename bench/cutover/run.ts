import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cleanup } from '../broker-tokens/cleanup.js';
import { watchOtherCpu } from '../broker-tokens/cpu.js';
import { formatTargets } from '../broker-tokens/report.js';
import { positiveInt } from '../shared/positiveInt.js';
import { runBench } from '../shared/runBench.js';
import { table } from '../shared/table.js';
import { runCli } from './cli.js';
import { writeBenchExport } from './exportData.js';
import type { PhaseTimes } from './phases.js';
import { runRaw } from './raw.js';
import { brokerEnv, startCutoverSynapse } from './synapse.js';

// The cutover may take at most this much longer than the raw calls it wraps.
const TARGET_RATIO = 1.2;
const OTHER_CPU_WARNING = 0.1;

const progress = (line: string) => console.error(`· ${line}`);

async function main(cleanup: Cleanup): Promise<number> {
  const counts = {
    users: positiveInt('BENCH_USERS', 2000),
    rooms: positiveInt('BENCH_ROOMS', 200),
    membersPerRoom: positiveInt('BENCH_MEMBERS_PER_ROOM', 10),
  };
  const concurrency = positiveInt('BENCH_CONCURRENCY', 8);
  const postgres = process.env.BENCH_POSTGRES_DSN || undefined;

  const dir = await mkdtemp(join(tmpdir(), 'om-bench-cutover-'));
  cleanup.add('export files', () => rm(dir, { recursive: true, force: true }));
  const data = await writeBenchExport(dir, counts);

  // Two identical, fresh Synapses: the raw baseline and the cutover each start from an empty one.
  progress(`starting two Synapses (${postgres ? 'PostgreSQL' : 'SQLite'})`);
  const [rawSynapse, cliSynapse] = await Promise.all([
    startCutoverSynapse(postgres),
    startCutoverSynapse(postgres),
  ]);
  cleanup.add('raw Synapse', () => rawSynapse.testbed.stop());
  cleanup.add('cutover Synapse', () => cliSynapse.testbed.stop());

  progress(
    `raw baseline: ${data.users.length} users, ${data.entities.length} rooms, ` +
      `${data.memberships.length} memberships, concurrency ${concurrency}`,
  );
  const rawWatch = watchOtherCpu(rawSynapse.testbed.synapsePid);
  const raw = await runRaw(rawSynapse, data, concurrency);
  const rawOther = rawWatch.stop();

  progress('openmeet-broker provision (memory store)');
  const cliWatch = watchOtherCpu(cliSynapse.testbed.synapsePid);
  const cli = await runCli(data, concurrency, brokerEnv(cliSynapse));
  // The CLI is a child process: take its own CPU out of "other".
  const cliOther = Math.max(0, cliWatch.stop() - cli.cpuSeconds / cli.times.total);

  const n = { users: data.users.length, rooms: data.entities.length, memberships: data.memberships.length };
  const rate = (count: number, seconds: number) => (seconds > 0 ? (count / seconds).toFixed(1) : '—');
  const row = (name: string, t: PhaseTimes, failures: number, other: number) => [
    name,
    rate(n.users, t.users),
    rate(n.rooms, t.rooms),
    rate(n.memberships, t.memberships),
    t.startup.toFixed(1),
    t.total.toFixed(1),
    String(failures),
    `${other.toFixed(2)} cores`,
  ];
  const cliFailures =
    (cli.report?.failures?.length ?? 0) + (cli.report?.malformed?.length ?? 0) + (cli.report ? 0 : 1);
  const ratio = cli.times.total / raw.times.total;
  const phaseRatio = (phase: 'users' | 'rooms' | 'memberships') =>
    raw.times[phase] > 0 ? `${(cli.times[phase] / raw.times[phase]).toFixed(2)}×` : '—';

  console.log(
    `\ncutover — ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} CPUs, Node ${process.version}, ` +
      `Synapse ${cliSynapse.testbed.synapseVersion} (${postgres ? 'PostgreSQL' : 'SQLite'}), ` +
      `${n.users} users, ${n.rooms} rooms, ${n.memberships} memberships, concurrency ${concurrency}\n`,
  );
  console.log(
    table(
      ['run', 'users/s', 'rooms/s', 'memberships/s', 'startup s', 'total s', 'failures', 'other CPU'],
      [
        row('raw admin/client API calls', raw.times, raw.failures.length, rawOther),
        row('openmeet-broker provision', cli.times, cliFailures, cliOther),
        [
          'CLI/raw time',
          phaseRatio('users'),
          phaseRatio('rooms'),
          phaseRatio('memberships'),
          '',
          `${ratio.toFixed(2)}×`,
          '',
          '',
        ],
      ],
    ),
  );
  console.log(
    `\n${formatTargets([
      { name: `CLI time ≤ ${TARGET_RATIO}× raw`, value: `${ratio.toFixed(2)}×`, pass: ratio <= TARGET_RATIO },
    ])}`,
  );
  if (cli.report?.summary) console.log(`\ncutover report: ${cli.report.summary}`);

  const disturbed = [rawOther, cliOther].some((other) => other > OTHER_CPU_WARNING);
  if (disturbed) {
    console.log(
      '\nwarning: other processes kept the CPU busy during a run: rerun on an idle machine before trusting the numbers',
    );
  }

  let failed = false;
  if (raw.failures.length > 0) {
    failed = true;
    console.error(
      `raw baseline: ${raw.failures.length} failed call(s), e.g. ${raw.failures.slice(0, 3).join(' | ')}`,
    );
  }
  if (cli.exitCode !== 0 || cliFailures > 0) {
    failed = true;
    console.error(
      `openmeet-broker provision exited ${cli.exitCode}; stderr tail:\n${cli.stderr.slice(-2000)}`,
    );
  }
  return failed ? 1 : 0;
}

await runBench('cutover', main);

import { readFileSync } from 'node:fs';

// /proc counts in USER_HZ ticks, 100 per second on every mainstream Linux build.
const TICKS_PER_SECOND = 100;

function machineBusySeconds(): number {
  const [line = ''] = readFileSync('/proc/stat', 'utf8').split('\n', 1);
  // user nice system idle iowait irq softirq steal: steal counts as busy, it is CPU we did not get.
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (ticks.reduce((sum, value) => sum + value, 0) - idle) / TICKS_PER_SECOND;
}

function processSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function ownSeconds(): number {
  // Covers every thread of this process, including autocannon's worker.
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Measures CPU used on this machine by anything but this process and Synapse, in cores, so a run
 * disturbed by other work (parallel builds, other test beds) shows up next to its numbers.
 */
export function watchOtherCpu(synapsePid: number): { stop(): number } {
  const sample = () => ({
    wall: performance.now() / 1000,
    busy: machineBusySeconds(),
    ours: ownSeconds() + processSeconds(synapsePid),
  });
  const start = sample();
  return {
    stop() {
      const end = sample();
      const other = end.busy - start.busy - (end.ours - start.ours);
      return Math.max(0, other / (end.wall - start.wall));
    },
  };
}

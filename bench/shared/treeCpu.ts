import { readdirSync, readFileSync } from 'node:fs';

// /proc counts in USER_HZ ticks, 100 per second on every mainstream Linux build.
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime + cutime + cstime: its own CPU and that of children it has reaped. */
  ticks: number;
}

function readStat(pid: string): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name start at field 3: ppid is 4, utime…cstime 14–17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    return { ppid: Number(fields[1]), ticks };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used so far by `root` and every process below it. A process that exits moves its
 * time into its parent's children counters, so the sum stays continuous across closed tabs.
 */
export function treeCpuSeconds(root: number = process.pid): number {
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(name);
    if (stat) stats.set(Number(name), stat);
  }
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of stats) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let ticks = 0;
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    ticks += stats.get(pid)?.ticks ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}

function machineBusySeconds(): number {
  const [line = ''] = readFileSync('/proc/stat', 'utf8').split('\n', 1);
  // user nice system idle iowait irq softirq steal: steal counts as busy, it is CPU we did not get.
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (ticks.reduce((sum, value) => sum + value, 0) - idle) / TICKS_PER_SECOND;
}

/**
 * Cores used by everything outside this process's tree (the bench, its Synapse, broker and
 * Chromium are all in it) over a window: other test runs on the shared machine.
 */
export function watchTreeOtherCpu(): { stop(): { otherCores: number; ownCores: number } } {
  const sample = () => ({
    wall: performance.now() / 1000,
    busy: machineBusySeconds(),
    ours: treeCpuSeconds(),
  });
  const start = sample();
  return {
    stop() {
      const end = sample();
      const wall = end.wall - start.wall;
      const ours = end.ours - start.ours;
      return {
        otherCores: Math.max(0, (end.busy - start.busy - ours) / wall),
        ownCores: ours / wall,
      };
    },
  };
}

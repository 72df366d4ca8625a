import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { guardScript } from './paths.js';
import { TestbedError } from './TestbedError.js';

export interface ManagedProcess {
  readonly pid: number;
  /** Resolves once the process has exited. */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnManagedOptions {
  command: string;
  args: readonly string[];
  /** Stdout and stderr are appended here. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * `attached` (default): the process dies with this Node process, even on SIGKILL (through
   * PR_SET_PDEATHSIG set by `python/guard.py`), and an exit hook kills it on a normal exit.
   * `detached`: it outlives us (the CLI's `up`), and is stopped by pid later.
   */
  lifetime?: 'attached' | 'detached';
  /** Interpreter for the guard script (any Python 3). */
  python?: string;
}

const live = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
  });
}

/** Signals a process group; false when it no longer exists. */
export function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The kernel's start time of a process (Linux: field 22 of /proc/<pid>/stat), which tells a
 * process from a later one that reused its pid. Undefined where /proc is unavailable.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Stops a process group we may not have started (the CLI's `down`). With `startTime`, nothing is
 * signalled unless the pid still belongs to that same process (after a reboot it may not).
 */
export async function stopGroup(pid: number, graceMs = 10_000, startTime?: string): Promise<void> {
  if (startTime !== undefined && processStartTime(pid) !== startTime) return;
  if (!killGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!killGroup(pid, 0)) return;
    await sleep(50);
  }
  killGroup(pid, 'SIGKILL');
}

/**
 * Starts a server process in its own process group (so stopping it also stops anything it
 * forked) whose lifetime is tied to ours unless asked otherwise.
 */
export function spawnManaged(options: SpawnManagedOptions): ManagedProcess {
  const lifetime = options.lifetime ?? 'attached';
  const log = openSync(options.logFile, 'a');
  const [command, args] =
    lifetime === 'attached'
      ? [options.python ?? 'python3', [guardScript, String(process.pid), options.command, ...options.args]]
      : [options.command, [...options.args]];
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) {
    // The 'error' event (ENOENT…) follows on the next tick: swallow it, we throw instead.
    child.once('error', () => {});
    throw new TestbedError('TESTBED_SPAWN_FAILED', `could not start ${command}: is it installed?`);
  }
  let exitedFlag = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      exitedFlag = true;
      live.delete(pid);
      resolve(code);
    });
    child.once('error', () => {
      exitedFlag = true;
      live.delete(pid);
      resolve(null);
    });
  });
  if (lifetime === 'attached') {
    live.add(pid);
    installExitHook();
  } else {
    child.unref();
  }

  return {
    pid,
    exited,
    hasExited: () => exitedFlag,
    async stop(graceMs = 10_000) {
      if (exitedFlag) return;
      killGroup(pid, 'SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      if (!killed) {
        killGroup(pid, 'SIGKILL');
        await exited;
      }
    },
  };
}

import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A request from the bench to one of its child processes, answered once. */
interface Request {
  id: number;
  method: string;
  arg: unknown;
}

type Reply = { id: number; value: unknown } | { id: number; error: string };

export type Handlers = Record<string, (arg: never) => Promise<unknown>>;

/**
 * In a child process: answers the bench's calls with `handlers`, and exits when the bench goes
 * away (its IPC channel closes), so an interrupted run leaves nothing behind.
 */
export function serve(handlers: Handlers): void {
  process.on('message', (message: Request) => {
    const handler = handlers[message.method] as ((arg: unknown) => Promise<unknown>) | undefined;
    const reply = (body: Reply) => process.send?.(body);
    if (!handler) return reply({ id: message.id, error: `unknown method ${message.method}` });
    handler(message.arg).then(
      (value) => reply({ id: message.id, value: value ?? null }),
      (err: unknown) =>
        reply({ id: message.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.once('disconnect', () => process.exit(0));
}

/** A child process running one of this folder's entry scripts, called over IPC. */
export class Child {
  readonly #process: ChildProcess;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  readonly #exited: Promise<void>;
  #next = 0;

  constructor(script: URL, env: Record<string, string> = {}) {
    this.#process = fork(script, {
      // The tsx loader the bench runs under, plus a callable gc() for the memory snapshots.
      execArgv: [...process.execArgv, '--expose-gc'],
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#process.on('message', (message: Reply) => {
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if ('error' in message) pending.reject(new Error(message.error));
      else pending.resolve(message.value);
    });
    this.#exited = new Promise((resolve) => {
      this.#process.once('exit', (code, signal) => {
        for (const { reject } of this.#pending.values()) {
          reject(new Error(`${script.pathname} exited (${signal ?? code}) during a call`));
        }
        this.#pending.clear();
        resolve();
      });
    });
  }

  get pid(): number {
    if (this.#process.pid === undefined) throw new Error('the child process did not start');
    return this.#process.pid;
  }

  call<T>(method: string, arg?: unknown): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#process.send({ id, method, arg } satisfies Request);
    });
  }

  /** CPU seconds (user + system) the child has used so far, from /proc. */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  async stop(): Promise<void> {
    if (this.#process.exitCode !== null || this.#process.signalCode !== null) return;
    this.#process.kill('SIGTERM');
    const timer = setTimeout(() => this.#process.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
  }
}

// /proc counts in USER_HZ ticks, 100 per second on every mainstream Linux build.
const TICKS_PER_SECOND = 100;

export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name start at field 3; utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

import { appendFile, readFile } from 'node:fs/promises';
import type { Store } from '../store/index.js';

export type ItemOutcome = 'created' | 'updated' | 'unchanged';

/** Finished cutover items, so a rerun skips them. Only successes are recorded: failures are retried. */
export interface Checkpoints {
  get(key: string): Promise<ItemOutcome | undefined>;
  put(key: string, outcome: ItemOutcome): Promise<void>;
}

/** Long enough for a maintenance window and its follow-up runs; a new run key starts afresh anyway. */
const CHECKPOINT_TTL_MS = 30 * 24 * 3_600_000;

/** Checkpoints in the broker's store: durable across processes with Redis. */
export class StoreCheckpoints implements Checkpoints {
  constructor(private readonly store: Store) {}

  async get(key: string): Promise<ItemOutcome | undefined> {
    return (await this.store.get(key)) as ItemOutcome | undefined;
  }

  async put(key: string, outcome: ItemOutcome): Promise<void> {
    await this.store.set(key, outcome, { ttlMs: CHECKPOINT_TTL_MS });
  }
}

/**
 * Checkpoints in a local NDJSON file, for runs on the memory store: one line appended per finished
 * item. A line torn by `kill -9` is ignored on load, and its item is simply done again (every
 * operation is idempotent).
 */
export class FileCheckpoints implements Checkpoints {
  private constructor(
    private readonly file: string,
    private readonly done: Map<string, ItemOutcome>,
  ) {}

  static async open(file: string): Promise<FileCheckpoints> {
    const done = new Map<string, ItemOutcome>();
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const line of text.split('\n')) {
      try {
        const entry = JSON.parse(line) as { key?: unknown; outcome?: unknown };
        if (typeof entry.key === 'string' && typeof entry.outcome === 'string') {
          done.set(entry.key, entry.outcome as ItemOutcome);
        }
      } catch {
        // Blank or torn line.
      }
    }
    return new FileCheckpoints(file, done);
  }

  async get(key: string): Promise<ItemOutcome | undefined> {
    return this.done.get(key);
  }

  async put(key: string, outcome: ItemOutcome): Promise<void> {
    this.done.set(key, outcome);
    // A leading newline closes a line a killed run may have left unterminated.
    await appendFile(this.file, `\n${JSON.stringify({ key, outcome })}`);
  }
}

/** Dry runs read checkpoints (finished items are not planned again) but never write them. */
export class ReadOnlyCheckpoints implements Checkpoints {
  constructor(private readonly inner: Checkpoints) {}
  get(key: string): Promise<ItemOutcome | undefined> {
    return this.inner.get(key);
  }
  async put(): Promise<void> {}
}

/** No checkpoints: a memory-store run without `--checkpoint-file`. */
export class NoCheckpoints implements Checkpoints {
  async get(): Promise<undefined> {
    return undefined;
  }
  async put(): Promise<void> {}
}

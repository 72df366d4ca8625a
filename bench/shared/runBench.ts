import { Cleanup } from '../broker-tokens/cleanup.js';

/**
 * Runs one bench's `main` with a `Cleanup` that tears down what it started whether it ends, fails
 * or is interrupted (Ctrl+C), then exits with `main`'s code (1 when it threw).
 */
export async function runBench(name: string, main: (cleanup: Cleanup) => Promise<number>): Promise<never> {
  const cleanup = new Cleanup();
  process.once('SIGINT', () => {
    console.error(`\ninterrupted: stopping what ${name} started`);
    void cleanup.run().finally(() => process.exit(130));
  });
  let exitCode = 1;
  try {
    exitCode = await main(cleanup);
  } catch (err) {
    console.error(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    await cleanup.run();
  }
  process.exit(exitCode);
}

/** Teardown steps run newest first, once, whether the run ends, fails or is interrupted. */
export class Cleanup {
  private readonly steps: Array<{ name: string; run: () => Promise<void> }> = [];
  private done: Promise<void> | undefined;

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  run(): Promise<void> {
    this.done ??= this.drain();
    return this.done;
  }

  private async drain(): Promise<void> {
    for (const step of this.steps.reverse()) {
      try {
        // A server still answering an interrupted load run must not hold up Synapse's shutdown.
        await Promise.race([step.run(), timeout(10_000, step.name)]);
      } catch (err) {
        console.error(`cleanup: ${step.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

function timeout(ms: number, name: string): Promise<never> {
  return new Promise((_resolve, reject) => {
    setTimeout(() => reject(new Error(`${name} did not stop within ${ms} ms`)), ms).unref();
  });
}

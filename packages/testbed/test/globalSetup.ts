import { prepareTestbed } from '../src/prepareTestbed.js';

/** Install Synapse and migrate the template once, before test files start in parallel. */
export async function setup(): Promise<void> {
  await prepareTestbed({ log: (line) => console.log(`[testbed] ${line}`) });
}

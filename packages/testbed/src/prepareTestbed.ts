import { defaultCacheDir } from './cacheDir.js';
import { installSynapse, type SynapseInstall } from './installSynapse.js';
import { sqliteTemplate } from './synapseTemplate.js';

/**
 * Installs Synapse and migrates the SQLite template ahead of a test run, so that parallel test
 * files start in seconds instead of queueing behind the first install.
 */
export async function prepareTestbed(
  options: { cacheDir?: string; log?: (line: string) => void } = {},
): Promise<SynapseInstall & { template: string }> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const install = await installSynapse({ cacheDir, ...(options.log ? { log: options.log } : {}) });
  return { ...install, template: await sqliteTemplate(cacheDir, install) };
}

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Lockfiles sit at a workspace's root, never in its packages, so the nearest one marks the project.
const PROJECT_MARKERS = ['pnpm-lock.yaml', 'package-lock.json', 'yarn.lock', 'bun.lock', '.git'];

/**
 * Where the virtualenv and template databases live: `OPENMEET_TESTBED_CACHE`, else
 * `node_modules/.cache/openmeet-testbed` of the enclosing project, so every package of a monorepo
 * (and every test file) shares one Synapse install.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const fromEnv = env.OPENMEET_TESTBED_CACHE;
  if (fromEnv) return resolve(fromEnv);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (PROJECT_MARKERS.some((marker) => existsSync(join(dir, marker)))) {
      return join(dir, 'node_modules', '.cache', 'openmeet-testbed');
    }
    if (dirname(dir) === dir) return join(resolve(cwd), 'node_modules', '.cache', 'openmeet-testbed');
  }
}

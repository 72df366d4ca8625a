/** Where our own packages live, relative to the bench directory (esbuild reports real paths). */
const WORKSPACE_PACKAGE = /^\.\.\/packages\/([^/]+)\//;
const IN_NODE_MODULES = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//;

/**
 * The package a metafile input belongs to: `@openmeet/<name>` for the workspace's packages, the
 * npm name for anything under `node_modules`, `host page` for the bench's own entry files.
 */
export function packageOf(input: string): string {
  const workspace = WORKSPACE_PACKAGE.exec(input);
  if (workspace) return `@openmeet/${workspace[1]}`;
  const dependency = IN_NODE_MODULES.exec(input);
  if (dependency?.[1]) return dependency[1];
  return 'host page';
}

/** Our code: the workspace's packages, not their dependencies. */
export function isOurs(pkg: string): boolean {
  return pkg.startsWith('@openmeet/');
}

/** The package an import specifier names (`react-dom/client` → `react-dom`), or undefined for a path. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

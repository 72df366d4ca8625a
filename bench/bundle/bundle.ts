import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { packageOf, packageOfSpecifier } from './packageOf.js';

/** The bench directory: esbuild's working directory, so metafile paths read `../packages/…`. */
const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface Chunk {
  file: string;
  raw: number;
  /** Gzipped on its own, as a server sends each file. */
  gzip: number;
  /** How many `import()`s lie between the page and this chunk: 0 loads with the page. */
  depth: number;
  /** Minified bytes in this chunk per package, from the metafile. */
  bytesByPackage: Map<string, number>;
}

export interface BundleOptions {
  /** Names the build's directory under `outDir`. */
  name: string;
  /** The page's entry file, relative to the bench directory. */
  entry: string;
  /** Packages left out of the bundle (as a host's own copy would be), by npm name. */
  external: (pkg: string) => boolean;
  gzipLevel: number;
  outDir: string | undefined;
}

/**
 * One production build of a page, as a host app's bundler would make it: esbuild bundling,
 * minifying and splitting ES modules for the browser with `NODE_ENV=production`.
 */
export async function bundle(options: BundleOptions): Promise<Chunk[]> {
  const outdir = join(options.outDir ?? join(BENCH_DIR, 'bundle', 'out'), options.name);
  const result = await build({
    absWorkingDir: BENCH_DIR,
    entryPoints: [options.entry],
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    metafile: true,
    write: false,
    outdir,
    logLevel: 'warning',
    plugins: [externalPackages(options.external)],
  });
  if (options.outDir !== undefined) {
    await mkdir(outdir, { recursive: true });
    for (const file of result.outputFiles) await writeFile(file.path, file.contents);
    await writeFile(join(outdir, 'metafile.json'), JSON.stringify(result.metafile));
  }
  const depths = importDepths(result.metafile, options.entry);
  return result.outputFiles.map((file) => {
    const key = relative(BENCH_DIR, file.path);
    const output = result.metafile.outputs[key];
    if (!output) throw new Error(`${key} is missing from the metafile`);
    const bytesByPackage = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = packageOf(input);
      bytesByPackage.set(pkg, (bytesByPackage.get(pkg) ?? 0) + bytesInOutput);
    }
    return {
      file: basename(file.path),
      raw: file.contents.byteLength,
      gzip: gzipSync(file.contents, { level: options.gzipLevel }).byteLength,
      depth: depths.get(key) ?? Number.POSITIVE_INFINITY,
      bytesByPackage,
    };
  });
}

function externalPackages(isExternal: (pkg: string) => boolean): Plugin {
  return {
    name: 'external-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, ({ path }) => {
        const pkg = packageOfSpecifier(path);
        return pkg !== undefined && isExternal(pkg) ? { path, external: true } : undefined;
      });
    },
  };
}

/**
 * For each output, the fewest dynamic imports on a path from the page's entry chunk (static
 * imports cost nothing): a 0-1 breadth-first search over the metafile's import edges.
 */
function importDepths(metafile: Metafile, entry: string): Map<string, number> {
  const start = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === entry)?.[0];
  if (start === undefined) throw new Error(`no output for ${entry}`);
  const depths = new Map([[start, 0]]);
  const queue = [start];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    const depth = depths.get(current) as number;
    for (const { path, kind, external } of metafile.outputs[current]?.imports ?? []) {
      if (external) continue;
      const next = depth + (kind === 'dynamic-import' ? 1 : 0);
      if (next >= (depths.get(path) ?? Number.POSITIVE_INFINITY)) continue;
      depths.set(path, next);
      if (kind === 'dynamic-import') queue.push(path);
      else queue.unshift(path);
    }
  }
  return depths;
}

import { positiveInt } from '../shared/positiveInt.js';

export interface BundleConfig {
  /** zlib level for the gzip sizes: 6 is `gzip`'s default and close to what servers send. */
  gzipLevel: number;
  /** When set, every build's chunks and metafile are written under this directory. */
  outDir: string | undefined;
}

export function readBundleConfig(): BundleConfig {
  const gzipLevel = positiveInt('BENCH_GZIP_LEVEL', 6);
  if (gzipLevel > 9) throw new Error(`BENCH_GZIP_LEVEL must be 1–9, not ${gzipLevel}`);
  const outDir = process.env.BENCH_OUTDIR;
  return { gzipLevel, outDir: outDir === undefined || outDir === '' ? undefined : outDir };
}

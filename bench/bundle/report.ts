import { table } from '../shared/table.js';
import type { Chunk } from './bundle.js';
import { isOurs } from './packageOf.js';

export interface BuildRow {
  id: string;
  name: string;
  /** What the build leaves to the host (not bundled). */
  external: string;
  chunks: Chunk[];
}

export interface Sizes {
  raw: number;
  gzip: number;
}

export const kb = (bytes: number) => (bytes / 1024).toFixed(1);

/** All of a build's chunks, or only those matching `which` (e.g. the page-load ones). */
export function sizes(chunks: Chunk[], which: (chunk: Chunk) => boolean = () => true): Sizes {
  const picked = chunks.filter(which);
  return {
    raw: picked.reduce((sum, chunk) => sum + chunk.raw, 0),
    gzip: picked.reduce((sum, chunk) => sum + chunk.gzip, 0),
  };
}

export const atPageLoad = (chunk: Chunk) => chunk.depth === 0;

export function formatBuilds(rows: BuildRow[]): string {
  return table(
    ['#', 'build', 'external', 'chunks', 'raw KB', 'gzip KB', 'page load raw', 'page load gzip'],
    rows.map(({ id, name, external, chunks }) => {
      const all = sizes(chunks);
      const first = sizes(chunks, atPageLoad);
      return [
        id,
        name,
        external,
        String(chunks.length),
        kb(all.raw),
        kb(all.gzip),
        kb(first.raw),
        kb(first.gzip),
      ];
    }),
    [1, 2],
  );
}

function loadedWhen(depth: number): string {
  if (depth === 0) return 'page load';
  return Number.isFinite(depth) ? `after ${depth} import()` : 'unreachable';
}

/** The packages that contribute most to a chunk, largest first. */
function mainPackages(chunk: Chunk, count: number): string {
  const ranked = [...chunk.bytesByPackage].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0) return 'esbuild runtime helpers only';
  const shown = ranked.slice(0, count).map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`);
  return ranked.length > count ? `${shown.join(', ')}, +${ranked.length - count} more` : shown.join(', ');
}

export function formatChunks(chunks: Chunk[]): string {
  const ordered = [...chunks].sort((a, b) => a.depth - b.depth || b.raw - a.raw);
  return table(
    ['chunk', 'loaded', 'raw KB', 'gzip KB', 'ours raw KB', 'largest packages (raw KB)'],
    ordered.map((chunk) => {
      const ours = [...chunk.bytesByPackage].reduce(
        (sum, [pkg, bytes]) => sum + (isOurs(pkg) ? bytes : 0),
        0,
      );
      return [
        chunk.file,
        loadedWhen(chunk.depth),
        kb(chunk.raw),
        kb(chunk.gzip),
        kb(ours),
        mainPackages(chunk, 3),
      ];
    }),
    [0, 1, 5],
  );
}

/**
 * Minified bytes per package over every chunk of `whole`, with what of it `lazy` loads with the
 * page: the metafile's attribution, before gzip (which works on whole files, not packages).
 */
export function formatPackages(whole: Chunk[], lazy: Chunk[]): string {
  const total = (chunks: Chunk[], which: (chunk: Chunk) => boolean = () => true) => {
    const sums = new Map<string, number>();
    for (const chunk of chunks.filter(which))
      for (const [pkg, bytes] of chunk.bytesByPackage) sums.set(pkg, (sums.get(pkg) ?? 0) + bytes);
    return sums;
  };
  const inWidget = total(whole);
  const atLoad = total(lazy, atPageLoad);
  const sum = [...inWidget.values()].reduce((a, b) => a + b, 0);
  const ranked = [...inWidget].filter(([, bytes]) => bytes > 0).sort((a, b) => b[1] - a[1]);
  return table(
    ['package', 'ours', 'raw KB', 'share', 'lazy host page load raw KB'],
    ranked.map(([pkg, bytes]) => [
      pkg,
      isOurs(pkg) ? 'yes' : '',
      kb(bytes),
      `${((100 * bytes) / sum).toFixed(1)} %`,
      kb(atLoad.get(pkg) ?? 0),
    ]),
    [0, 1],
  );
}

export interface Target {
  name: string;
  limitKb: number;
  measuredBytes: number;
}

export function formatTargets(targets: Target[]): string {
  return table(
    ['target', 'measured', 'result'],
    targets.map(({ name, limitKb, measuredBytes }) => [
      name,
      `${kb(measuredBytes)} KB`,
      measuredBytes <= limitKb * 1024 ? 'PASS' : 'FAIL',
    ]),
  );
}

import { availableParallelism } from 'node:os';
import { version as esbuildVersion } from 'esbuild';
import { bundle, type Chunk } from './bundle.js';
import { readBundleConfig } from './config.js';
import { isOurs } from './packageOf.js';
import {
  atPageLoad,
  type BuildRow,
  formatBuilds,
  formatChunks,
  formatPackages,
  formatTargets,
  kb,
  sizes,
} from './report.js';

/** The host's own React: left out where a row measures what the widget adds to a React page. */
const REACT = new Set(['react', 'react-dom', 'scheduler']);
const WIDGET = 'bundle/entries/widget.tsx';
const WIDGET_API = 'bundle/entries/widgetApi.ts';
const LAZY_HOST = 'bundle/entries/lazyHost.tsx';

async function main(): Promise<void> {
  const config = readBundleConfig();
  const build = (name: string, entry: string, external: (pkg: string) => boolean): Promise<Chunk[]> =>
    bundle({ name, entry, external, gzipLevel: config.gzipLevel, outDir: config.outDir });

  const [ours, widgetNoReact, widget, lazyNoReact, lazy, matrixClient, reactDom] = await Promise.all([
    build('widget-ours', WIDGET_API, (pkg) => !isOurs(pkg)),
    build('widget-no-react', WIDGET, (pkg) => REACT.has(pkg)),
    build('widget', WIDGET, () => false),
    build('lazy-host-no-react', LAZY_HOST, (pkg) => REACT.has(pkg)),
    build('lazy-host', LAZY_HOST, () => false),
    build('matrix-client', 'bundle/entries/matrixClient.ts', () => false),
    build('react-dom', 'bundle/entries/reactDom.ts', () => false),
  ]);
  const rows: BuildRow[] = [
    { id: '1', name: 'widget page: our code only', external: 'every dependency', chunks: ours },
    { id: '2', name: 'widget page without React', external: 'react, react-dom', chunks: widgetNoReact },
    { id: '3', name: 'widget page, everything', external: '-', chunks: widget },
    { id: '4', name: 'lazy host page without React', external: 'react, react-dom', chunks: lazyNoReact },
    { id: '5', name: 'lazy host page, everything', external: '-', chunks: lazy },
    { id: '6', name: 'baseline: matrix-js-sdk createClient', external: '-', chunks: matrixClient },
    { id: '7', name: 'baseline: react + react-dom/client', external: '-', chunks: reactDom },
  ];

  console.log(
    `\nbundle — ${new Date().toISOString().slice(0, 10)}, ${availableParallelism()} CPUs, Node ${process.version}, ` +
      `esbuild ${esbuildVersion} (bundle, minify, esm, splitting, browser, NODE_ENV=production), ` +
      `gzip level ${config.gzipLevel} per chunk, KB = 1,024 bytes\n`,
  );
  console.log(formatBuilds(rows));
  console.log('\nchunks of (5), the lazy host page:\n');
  console.log(formatChunks(lazy));
  console.log('\nminified bytes per package in (3), and what (5) loads of it with the page:\n');
  console.log(formatPackages(widget, lazy));

  const firstLoad = sizes(lazyNoReact, atPageLoad).gzip;
  console.log(
    `\n${formatTargets([
      {
        name: '(a) our code, chat-sdk + react-ui (1) ≤ 40 KB gz',
        limitKb: 40,
        measuredBytes: sizes(ours).gzip,
      },
      {
        name: '(b) whole widget with matrix-js-sdk and React (3) ≤ 350 KB gz',
        limitKb: 350,
        measuredBytes: sizes(widget).gzip,
      },
      {
        name: '(c) page load before chat opens, without React (4) ≤ 10 KB gz',
        limitKb: 10,
        measuredBytes: firstLoad,
      },
    ])}`,
  );

  const reactAtLoad = sizes(lazy, atPageLoad).gzip - firstLoad;
  const withoutReact = sizes(widgetNoReact).gzip;
  const baseline = sizes(matrixClient).gzip;
  console.log(
    `\n(c) leaves out the host's own React: with it the page loads ${kb(sizes(lazy, atPageLoad).gzip)} KB gz (5), ` +
      `${kb(reactAtLoad)} KB of it React + react-dom (alone, (7): ${kb(sizes(reactDom).gzip)} KB gz).` +
      `\nagainst the original design: the widget without React (2) is ${kb(withoutReact)} KB gz, ` +
      `matrix-js-sdk's createClient (6) ${kb(baseline)} KB gz (${(baseline / withoutReact).toFixed(2)}× as much, ` +
      'not counting the crypto WebAssembly it fetches once E2EE starts).',
  );
}

try {
  await main();
} catch (err) {
  console.error(`bundle failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
}

import { accessSync, constants } from 'node:fs';
import { TestbedError } from './TestbedError.js';

/**
 * Flags for Debian's Chromium in a sandboxed CI box: no GPU, no sandbox (we run as root), and no
 * background networking, whose refused connections otherwise slow every start.
 */
export const chromiumArgs: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`; throws when it is not there. */
export function chromiumExecutablePath(env: NodeJS.ProcessEnv = process.env): string {
  const path = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new TestbedError(
      'TESTBED_CHROMIUM_MISSING',
      `no Chromium at ${path}: install the Debian package chromium (scripts/test does) or set CHROMIUM_PATH`,
    );
  }
  return path;
}

/** Options for playwright-core's `chromium.launch()`. */
export function chromiumLaunchOptions(env: NodeJS.ProcessEnv = process.env): {
  executablePath: string;
  headless: true;
  args: string[];
} {
  return { executablePath: chromiumExecutablePath(env), headless: true, args: [...chromiumArgs] };
}

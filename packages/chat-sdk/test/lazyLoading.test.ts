import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]),
    ),
  );
  return nested.flat().filter((file) => file.endsWith('.ts'));
}

describe('what a host page pays before chat opens', () => {
  it('imports matrix-js-sdk only dynamically (types aside)', async () => {
    const files = await sources(SRC);
    const staticImports: string[] = [];
    let dynamicImports = 0;
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(
        /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'(matrix-js-sdk[^']*)'/gms,
      )) {
        if (!match[2]) staticImports.push(`${file}: ${match[3]}`);
      }
      dynamicImports += [...text.matchAll(/import\('matrix-js-sdk[^']*'\)/g)].length;
    }
    expect(staticImports).toEqual([]);
    expect(dynamicImports).toBeGreaterThan(0);
  });

  it('touches no browser global at import time', async () => {
    const globals = globalThis as Record<string, unknown>;
    for (const name of ['window', 'document', 'localStorage', 'navigator']) {
      // Node 22 has `navigator` (without locks); the others must simply not be needed.
      if (name !== 'navigator') expect(globals[name]).toBeUndefined();
    }
    const sdk = await import('../src/index.js');
    expect(typeof sdk.createChatClient).toBe('function');
  });
});

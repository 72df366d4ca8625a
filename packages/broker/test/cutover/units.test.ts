import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCheckpoints } from '../../src/cutover/Checkpoints.js';
import { entityRowSchema, userRowSchema } from '../../src/cutover/exportSchemas.js';
import { Progress } from '../../src/cutover/Progress.js';
import { parseCsv } from '../../src/cutover/parseCsv.js';
import { readExport } from '../../src/cutover/readExport.js';
import { retryItem } from '../../src/cutover/retryItem.js';
import { BrokerError } from '../../src/errors.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'om-cutover-units-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, multi-line cells, CRLF and blank lines with start lines', () => {
    const { records, unterminatedAt } = parseCsv('a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",z\n');
    expect(unterminatedAt).toBeUndefined();
    expect(records).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 4, cells: ['multi\nline', 'z'] },
    ]);
  });

  it('reports an unterminated quote', () => {
    expect(parseCsv('a\n"open\n').unterminatedAt).toBe(2);
  });
});

describe('readExport', () => {
  it('keeps good NDJSON rows and reports bad ones with their lines', async () => {
    const file = join(dir, 'users.ndjson');
    await writeFile(
      file,
      '{"hostUserId":"a"}\n\nnot json\n{"hostUserId":""}\n{"hostUserId":"b","x":1}\n{"hostUserId":"c"}',
    );
    const result = await readExport(file, userRowSchema);
    expect(result.rows.map((r) => [r.line, r.row.hostUserId])).toEqual([
      [1, 'a'],
      [6, 'c'],
    ]);
    expect(result.malformed.map((m) => m.line)).toEqual([3, 4, 5]);
    expect(result.malformed[0]).toEqual({ file, line: 3, message: 'not valid JSON' });
  });

  it('reads CSV with empty cells as absent and booleans as text', async () => {
    const file = join(dir, 'groups.csv');
    await writeFile(
      file,
      'id,slug,name,topic,visibility,archived\ng1,s1,One,,public,true\ng2,s2,Two,t,hidden,\ng3,s3\n',
    );
    const result = await readExport(file, entityRowSchema);
    expect(result.rows).toEqual([
      { line: 2, row: { id: 'g1', slug: 's1', name: 'One', visibility: 'public', archived: true } },
    ]);
    expect(result.malformed.map((m) => [m.line, m.message.split(':')[0]])).toEqual([
      [3, 'visibility'],
      [4, 'expected 6 cells, found 2'],
    ]);
  });

  it('rejects unknown extensions and missing files', async () => {
    await expect(readExport(join(dir, 'x.txt'), userRowSchema)).rejects.toThrow(/unknown format/);
    await expect(readExport(join(dir, 'missing.csv'), userRowSchema)).rejects.toThrow(/cannot read/);
  });
});

describe('FileCheckpoints', () => {
  it('survives a torn last line', async () => {
    const file = join(dir, 'checkpoints.ndjson');
    const first = await FileCheckpoints.open(file);
    await first.put('a', 'created');
    await first.put('b', 'unchanged');
    await writeFile(file, `${await readFile(file, 'utf8')}\n{"key":"c","outc`);
    const second = await FileCheckpoints.open(file);
    expect(await second.get('a')).toBe('created');
    expect(await second.get('b')).toBe('unchanged');
    expect(await second.get('c')).toBeUndefined();
    await second.put('c', 'updated');
    expect(await (await FileCheckpoints.open(file)).get('c')).toBe('updated');
  });
});

describe('retryItem', () => {
  it('waits Retry-After on OM_SYNAPSE_RATE_LIMITED and retries; other errors fail at once', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await retryItem(
      async () => {
        calls++;
        if (calls < 3) throw new BrokerError('OM_SYNAPSE_RATE_LIMITED', { retryAfterSeconds: 7 });
        return 'ok';
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([7000, 7000]);
    let other = 0;
    await expect(
      retryItem(async () => {
        other++;
        throw new BrokerError('OM_SYNAPSE_ERROR');
      }),
    ).rejects.toThrow();
    expect(other).toBe(1);
  });

  it('retries lock time-outs and gives up after the retries', async () => {
    let calls = 0;
    await expect(
      retryItem(
        async () => {
          calls++;
          throw new BrokerError('OM_LOCK_TIMEOUT');
        },
        { retries: 2 },
      ),
    ).rejects.toMatchObject({ code: 'OM_LOCK_TIMEOUT' });
    expect(calls).toBe(3);
  });
});

describe('Progress', () => {
  it('writes throttled plain lines off a terminal, with rate and ETA', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = new Progress('users', 10, { write: (c: string) => lines.push(c) }, () => now);
    for (let i = 0; i < 10; i++) {
      now += 500;
      progress.tick();
    }
    progress.finish();
    expect(lines).toEqual([
      'users       4/10 2.0/s ETA 3s\n',
      'users       8/10 2.0/s ETA 1s\n',
      'users       10/10 2.0/s in 5s\n',
    ]);
  });

  it('redraws one line on a terminal', () => {
    const chunks: string[] = [];
    let now = 0;
    const progress = new Progress(
      'rooms',
      2,
      { write: (c: string) => chunks.push(c), isTTY: true },
      () => now,
    );
    now = 300;
    progress.tick();
    progress.tick();
    progress.finish();
    expect(chunks[0]?.startsWith('\r\u001b[2Krooms       1/2')).toBe(true);
    expect(chunks.at(-1)).toMatch(/2\/2 .* in 1s\n$/);
  });
});

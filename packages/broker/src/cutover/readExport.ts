import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { z } from 'zod';
import { parseCsv } from './parseCsv.js';

/** A row that could not be used; the run goes on without it. */
export interface MalformedRow {
  file: string;
  line: number;
  message: string;
}

export interface ExportRow<T> {
  line: number;
  row: T;
}

export interface ParsedExport<T> {
  rows: ExportRow<T>[];
  malformed: MalformedRow[];
}

/** Thrown when the file cannot be used at all (missing, unknown extension): a bad argument. */
export class ExportFileError extends Error {
  override readonly name = 'ExportFileError';
}

/**
 * Reads an export as NDJSON (`.ndjson`, `.jsonl`) or CSV (`.csv`, with a header row), validating
 * each row on its own: a malformed row is reported with its line and the others are kept.
 */
export async function readExport<S extends z.ZodType>(
  file: string,
  schema: S,
): Promise<ParsedExport<z.output<S>>> {
  const format = formatOf(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ExportFileError(`cannot read ${file}`);
  }
  const result: ParsedExport<z.output<S>> = { rows: [], malformed: [] };
  const accept = (line: number, value: unknown) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) {
      result.rows.push({ line, row: parsed.data });
    } else {
      const problems = parsed.error.issues.map((issue) =>
        issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
      );
      result.malformed.push({ file, line, message: problems.join('; ') });
    }
  };
  if (format === 'ndjson') {
    text.split(/\r?\n/).forEach((raw, index) => {
      if (raw.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        result.malformed.push({ file, line: index + 1, message: 'not valid JSON' });
        return;
      }
      accept(index + 1, value);
    });
    return result;
  }
  const { records, unterminatedAt } = parseCsv(text);
  const [header, ...body] = records;
  if (!header) return result;
  const columns = header.cells.map((cell) => cell.trim());
  for (const record of body) {
    if (record.cells.length !== columns.length) {
      result.malformed.push({
        file,
        line: record.line,
        message: `expected ${columns.length} cells, found ${record.cells.length}`,
      });
      continue;
    }
    // An empty cell means "not given", as an absent property does in NDJSON.
    const value: Record<string, string> = {};
    columns.forEach((column, i) => {
      const cell = record.cells[i] as string;
      if (cell !== '') value[column] = cell;
    });
    accept(record.line, value);
  }
  if (unterminatedAt !== undefined) {
    result.malformed.push({ file, line: unterminatedAt, message: 'unterminated quoted cell' });
  }
  return result;
}

function formatOf(file: string): 'ndjson' | 'csv' {
  const ext = extname(file).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.csv') return 'csv';
  throw new ExportFileError(`${file}: unknown format (use .ndjson, .jsonl or .csv)`);
}

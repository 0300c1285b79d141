import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { RowbridgeError } from '../../shared/errors.ts';
import { decodeCsvBytes } from './decode.ts';
import { findUnclosedQuoteLine, sniffDelimiter } from './delimiter.ts';

/** A parsed CSV export: trimmed header names, and data rows each exactly `headers.length` cells long. */
export interface CsvTable {
  readonly headers: string[];
  /** Data rows only (no header, no blank rows), padded with '' or truncated to `headers.length`. */
  readonly rows: string[][];
  readonly delimiter: string;
  readonly encoding: string;
}

/**
 * Reads and parses a CSV file as exported by Google Sheets or Excel. Errors are `RowbridgeError`s:
 * `file_not_found`, `csv_unreadable` or `csv_no_columns`, with messages that never quote file contents.
 */
export async function readCsvFile(path: string): Promise<CsvTable> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(path, error);
  }
  return parseCsv(bytes, basename(path));
}

/**
 * Parses CSV bytes: detects the encoding and delimiter (see `decodeCsvBytes`, `sniffDelimiter`), skips
 * blank rows (Sheets writes empty rows as `,,,`), takes the first non-blank row as the header, and drops
 * trailing columns that have neither a header nor any value (Excel's "ghost" columns). `name` is used in
 * error messages.
 */
export function parseCsv(bytes: Uint8Array, name = 'The file'): CsvTable {
  const { text, encoding } = decodeCsvBytes(bytes, name);
  const delimiter = sniffDelimiter(text);
  const records = parseRecords(text, delimiter, name).filter((record) => record.some((cell) => cell.trim()));
  const [headerRow, ...data] = records;
  if (!headerRow) {
    const problem = text.trim() ? 'has no header row' : 'is empty';
    throw new RowbridgeError(
      'csv_no_columns',
      `${name} ${problem}. Export the sheet with its header row (column names such as Email, First name) first.`,
    );
  }
  const width = usedWidth(headerRow, data);
  const headers = headerRow.slice(0, width).map((header) => header.trim());
  const rows = data.map((record) =>
    record.length >= width
      ? record.slice(0, width)
      : [...record, ...Array<string>(width - record.length).fill('')],
  );
  return { headers, rows, delimiter, encoding };
}

function parseRecords(text: string, delimiter: string, name: string): string[][] {
  try {
    return parse(text, {
      delimiter,
      // Mixed line endings happen when rows are appended by hand; auto-detection would keep only the first.
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      // Tolerate `5" screen` in an unquoted field, as Sheets and Excel do on import.
      relax_quotes: true,
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // csv-parse's messages quote the offending values; ours give only the line.
    if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
      const line = findUnclosedQuoteLine(text, delimiter) ?? error.lines;
      throw new RowbridgeError(
        'csv_unreadable',
        `${name} has a quote mark (") on line ${line} that is never closed. ` +
          'Remove the stray quote or close it, or export the file again.',
      );
    }
    throw new RowbridgeError(
      'csv_unreadable',
      `${name} could not be read as CSV near line ${String(error.lines)}. Export the file again as CSV.`,
    );
  }
}

/**
 * The header row's length without trailing columns that have neither a header nor any value; at least 1
 * (the header row is not blank). Cells beyond the header row are dropped, as `CsvTable` promises.
 */
function usedWidth(headerRow: readonly string[], data: readonly string[][]): number {
  let width = headerRow.length;
  const used = (i: number) => headerRow[i]?.trim() || data.some((record) => record[i]?.trim());
  while (width > 1 && !used(width - 1)) width--;
  return width;
}

function fileError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new RowbridgeError('file_not_found', `No file at ${path}. Check the path and try again.`);
  }
  if (code === 'EISDIR') {
    return new RowbridgeError(
      'file_not_found',
      `${path} is a folder, not a file. Give the path of a .csv file.`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new RowbridgeError('csv_unreadable', `Not allowed to read ${path}. Check the file's permissions.`);
  }
  return error;
}

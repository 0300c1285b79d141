import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../../shared/errors.ts';
import { type CsvTable, parseCsv, readCsvFile } from './read-csv.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytes = (...parts: (number[] | Uint8Array | string)[]) =>
  Uint8Array.from(parts.flatMap((part) => [...(typeof part === 'string' ? utf8(part) : part)]));

function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
  const out = [endian === 'le' ? 0xff : 0xfe, endian === 'le' ? 0xfe : 0xff];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out.push(...(endian === 'le' ? [unit & 0xff, unit >> 8] : [unit >> 8, unit & 0xff]));
  }
  return Uint8Array.from(out);
}

function thrown(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isRowbridgeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a RowbridgeError');
}

const contacts: Pick<CsvTable, 'headers' | 'rows'> = {
  headers: ['Email', 'Name'],
  rows: [
    ['ada@example.com', 'Ada'],
    ['bob@example.com', 'Bob'],
  ],
};

describe('parseCsv delimiters', () => {
  it.each([
    [',', 'Email,Name\nada@example.com,Ada\nbob@example.com,Bob\n'],
    [';', 'Email;Name\nada@example.com;Ada\nbob@example.com;Bob\n'],
    ['\t', 'Email\tName\nada@example.com\tAda\nbob@example.com\tBob\n'],
    ['|', 'Email|Name\nada@example.com|Ada\nbob@example.com|Bob\n'],
  ])('sniffs %j', (delimiter, text) => {
    expect(parseCsv(utf8(text))).toEqual({ ...contacts, delimiter, encoding: 'utf-8' });
  });

  it('ignores delimiters inside quotes and in values when sniffing', () => {
    // Decimal commas in a semicolon file; a quoted header containing ";" in a comma file.
    expect(parseCsv(utf8('Name;Amount\nAda;1,5\nBob;2,75\n')).delimiter).toBe(';');
    expect(parseCsv(utf8('"Notes; misc",Email\n"a; b; c",x@y.z\n')).headers).toEqual([
      'Notes; misc',
      'Email',
    ]);
    expect(parseCsv(utf8('Name\tNotes\nAda\tHi, there, you\n')).rows).toEqual([['Ada', 'Hi, there, you']]);
  });

  it('reads a one-column file', () => {
    expect(parseCsv(utf8('Email\nada@example.com\n'))).toMatchObject({
      headers: ['Email'],
      rows: [['ada@example.com']],
      delimiter: ',',
    });
  });
});

describe('parseCsv encodings', () => {
  it('strips a UTF-8 BOM from the first header', () => {
    expect(parseCsv(bytes([0xef, 0xbb, 0xbf], 'Email,Name\nada@example.com,Ada\n')).headers).toEqual([
      'Email',
      'Name',
    ]);
  });

  it('reads UTF-8 without a BOM, including non-ASCII', () => {
    expect(parseCsv(utf8('Name,City\nZoë,Malmö\n'))).toMatchObject({
      rows: [['Zoë', 'Malmö']],
      encoding: 'utf-8',
    });
  });

  it.each(['le', 'be'] as const)(
    'reads UTF-16%s with a BOM (Excel "Unicode text", tab-separated)',
    (endian) => {
      const table = parseCsv(utf16('Name\tCity\r\nZoë\tMalmö\r\n', endian));
      expect(table).toEqual({
        headers: ['Name', 'City'],
        rows: [['Zoë', 'Malmö']],
        delimiter: '\t',
        encoding: `utf-16${endian}`,
      });
    },
  );

  it('falls back to Windows-1252 when the bytes are not UTF-8', () => {
    // 0xE9 é, 0x80 €, 0x93/0x94 curly quotes, 0x96 en dash: Excel "CSV" on Windows.
    const table = parseCsv(
      bytes('Name,Note\nRen', [0xe9], ',', [0x80, 0x35, 0x20, 0x93, 0x6f, 0x6b, 0x94, 0x20, 0x96], '\n'),
    );
    expect(table).toEqual({
      headers: ['Name', 'Note'],
      rows: [['René', '€5 “ok” –']],
      delimiter: ',',
      encoding: 'windows-1252',
    });
  });
});

describe('parseCsv: exports from a German Excel', () => {
  it('reads Windows-1252 with semicolons, keeping decimal commas inside values', () => {
    // Excel in a comma-decimal locale writes ";" between fields and "," inside numbers.
    const table = parseCsv(bytes('Name;Stadt;Umsatz\nJ', [0xfc], 'rgen;M', [0xfc], 'nchen;1,5\n'));
    expect(table).toEqual({
      headers: ['Name', 'Stadt', 'Umsatz'],
      rows: [['Jürgen', 'München', '1,5']],
      delimiter: ';',
      encoding: 'windows-1252',
    });
  });
});

describe('parseCsv structure', () => {
  it('keeps quoted newlines, quotes and delimiters inside a field', () => {
    const table = parseCsv(utf8('Name,Address\n"Smith, Ada","1 Main St\nApt ""B"", floor 2"\n'));
    expect(table.rows).toEqual([['Smith, Ada', '1 Main St\nApt "B", floor 2']]);
  });

  it('reads CRLF and mixed line endings without leaving \\r in values', () => {
    expect(parseCsv(utf8('Email,Name\r\nada@example.com,Ada\nbob@example.com,Bob\r\n')).rows).toEqual(
      contacts.rows,
    );
  });

  it('pads short rows and truncates long ones to the header width', () => {
    const table = parseCsv(utf8('A,B,C\n1\n1,2,3,4\n1,2\n'));
    expect(table.rows).toEqual([
      ['1', '', ''],
      ['1', '2', '3'],
      ['1', '2', ''],
    ]);
  });

  it('skips blank rows, including the all-delimiter rows Sheets writes, and before the header', () => {
    const table = parseCsv(
      utf8('\n,,\nEmail,Name\n\nada@example.com,Ada\n,\n  ,  \nbob@example.com,Bob\n\n'),
    );
    expect(table).toMatchObject(contacts);
  });

  it('trims header cells but not values', () => {
    expect(parseCsv(utf8(' Email , Name\n ada@example.com , Ada \n'))).toMatchObject({
      headers: ['Email', 'Name'],
      rows: [[' ada@example.com ', ' Ada ']],
    });
  });

  it('drops trailing columns with no header and no values, keeps ones with values', () => {
    expect(parseCsv(utf8('Email,Name,,\nada@example.com,Ada,,\n')).headers).toEqual(['Email', 'Name']);
    expect(parseCsv(utf8('Email,,\nada@example.com,,x\n'))).toMatchObject({
      headers: ['Email', '', ''],
      rows: [['ada@example.com', '', 'x']],
    });
    // A value beyond the header row has no column to go in.
    expect(parseCsv(utf8('Email\nada@example.com,x\n')).rows).toEqual([['ada@example.com']]);
  });

  it('accepts a header-only file as an empty table', () => {
    expect(parseCsv(utf8('Email,Name\n'))).toMatchObject({ headers: ['Email', 'Name'], rows: [] });
  });
});

describe('parseCsv errors', () => {
  it.each([
    ['an xlsx (zip) file', bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), /Excel workbook/],
    ['an old .xls file', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0x00]), /old Excel/],
    ['a PDF', bytes('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj'), /a PDF/],
    ['other binary data', bytes('Email,Name\n', [0x00, 0x01, 0x02]), /binary file/],
  ])('refuses %s as csv_unreadable', (_what, input, pattern) => {
    const error = thrown(() => parseCsv(input, 'contacts.xlsx'));
    expect(error.code).toBe('csv_unreadable');
    expect(error.message).toMatch(/^contacts\.xlsx looks like /);
    expect(error.message).toMatch(pattern);
    expect(error.message).toContain('File → Download → Comma-separated values (.csv)');
  });

  it.each([
    ['an empty file', '', /is empty/],
    ['whitespace only', ' \r\n\n', /is empty/],
    ['blank rows only', ',,\n,,\n', /has no header row/],
  ])('refuses %s as csv_no_columns', (_what, text, pattern) => {
    const error = thrown(() => parseCsv(utf8(text), 'contacts.csv'));
    expect(error.code).toBe('csv_no_columns');
    expect(error.message).toMatch(pattern);
  });

  it('reports an unterminated quote with the line it opens on, without quoting the contents', () => {
    const text = 'Email,Note\nada@example.com,"fine\nstill fine"\nbob@example.com,"secret note\nmore\nmore\n';
    const error = thrown(() => parseCsv(utf8(text), 'contacts.csv'));
    expect(error.code).toBe('csv_unreadable');
    expect(error.message).toMatch(/^contacts\.csv has a quote mark \("\) on line 4 that is never closed\./);
    expect(error.message).not.toContain('secret');
  });
});

describe('readCsvFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rowbridge-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file from disk', async () => {
    const path = join(dir, 'contacts.csv');
    writeFileSync(path, 'Email,Name\r\nada@example.com,Ada\r\nbob@example.com,Bob\r\n');
    expect(await readCsvFile(path)).toEqual({ ...contacts, delimiter: ',', encoding: 'utf-8' });
  });

  it('names the file (not its contents) in parse errors', async () => {
    const path = join(dir, 'export.xlsx');
    writeFileSync(path, bytes([0x50, 0x4b, 0x03, 0x04, 0x00]));
    await expect(readCsvFile(path)).rejects.toMatchObject({
      code: 'csv_unreadable',
      message: expect.stringMatching(/^export\.xlsx looks like an Excel workbook/),
    });
  });

  it('reports a missing file as file_not_found with the path', async () => {
    const path = join(dir, 'missing.csv');
    await expect(readCsvFile(path)).rejects.toMatchObject({
      code: 'file_not_found',
      message: `No file at ${path}. Check the path and try again.`,
    });
  });

  it('reports a folder as file_not_found', async () => {
    await expect(readCsvFile(dir)).rejects.toMatchObject({ code: 'file_not_found' });
  });
});

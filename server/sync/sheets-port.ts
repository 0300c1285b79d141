import type { RowResult } from '../sheets/types.ts';
import type { SheetsWriter } from '../sheets/writer.ts';
import type { CellValue, RowsRead, RowsWritten, SheetPort, SkippedRow } from './sheet-port.ts';

/**
 * The engine's sheet port over the Sheets writer: rows read with their unformatted values (numbers stay
 * numbers, dates are serial numbers the normalisers read), writes coalesced per spreadsheet. A row id the
 * tab holds twice is left out of reads, as the writer leaves it out of writes: neither copy is trusted.
 */
export function sheetsPort(writer: SheetsWriter): SheetPort {
  return {
    async readRows(ref, rowIds): Promise<RowsRead> {
      const table = await writer.readTable(ref.spreadsheetId, ref.tabName, { render: 'UNFORMATTED_VALUE' });
      const wanted = new Set(rowIds);
      const seen = new Map<string, number>();
      for (const row of table.rows) if (row.rowId) seen.set(row.rowId, (seen.get(row.rowId) ?? 0) + 1);
      const rows = new Map<string, Record<string, CellValue>>();
      for (const row of table.rows) {
        if (row.rowId && wanted.has(row.rowId) && seen.get(row.rowId) === 1)
          rows.set(row.rowId, { ...row.cells });
      }
      return { headers: table.headers, rows };
    },
    async writeRows(ref, changes): Promise<RowsWritten> {
      return summary(await writer.writeRows(ref.spreadsheetId, ref.tabName, changes));
    },
    async appendRows(ref, rows): Promise<RowsWritten> {
      return summary(await writer.appendRows(ref.spreadsheetId, ref.tabName, rows));
    },
  };
}

function summary(results: readonly RowResult[]): RowsWritten {
  const skipped: SkippedRow[] = [];
  let written = 0;
  for (const result of results) {
    if (result.status !== 'failed') {
      written += 1;
      continue;
    }
    const { code, message } = result.problem;
    const reason =
      code === 'sheet_row_id_duplicate'
        ? 'duplicate'
        : code === 'sheet_row_not_found'
          ? 'missing'
          : 'rejected';
    skipped.push({ rowId: result.rowId, reason, code, message });
  }
  return { written, skipped };
}

import type { Conflict } from '../../../shared/api/conflicts.ts';
import { CANONICAL_FIELDS, isCanonicalField } from '../../../shared/fields.ts';
import { call } from '../companion/client.ts';
import { AddonError } from '../companion/errors.ts';
import { displayValue } from '../sheet/cells.ts';
import { ensureIdColumn, readIdIndex } from '../sheet/id-column.ts';
import { writeRowsById } from '../sheet/write.ts';
import { activeSheet, requireTable } from './tables.ts';

/** One conflicted field as the review dialog shows it. */
export interface ConflictRow {
  readonly id: string;
  readonly rowId: string;
  /** The sheet row it is on now, or null when the row is gone. */
  readonly row: number | null;
  readonly field: string;
  readonly label: string;
  readonly header: string | null;
  readonly base: string;
  readonly sheet: string;
  readonly crm: string;
  readonly reason: string;
  readonly detectedAt: string;
}

export interface ConflictReview {
  readonly tableId: string;
  readonly tab: string;
  readonly object: string;
  readonly conflicts: readonly ConflictRow[];
}

function labelOf(field: string): string {
  return isCanonicalField(field) ? CANONICAL_FIELDS[field].label : field.replace(/^custom\./, '');
}

/** The open conflicts of the active tab's table, with the rows they are on now. */
export function conflictReview(): ConflictReview {
  const sheet = activeSheet();
  const table = requireTable(sheet);
  const { conflicts } = call('listConflicts', { params: { tableId: table.id }, query: { status: 'open' } });
  const layout = ensureIdColumn(sheet);
  const index = readIdIndex(sheet, layout.idColumn);
  const headerOf = (field: string) => table.mapping.fields.find((f) => f.field === field)?.header ?? null;
  return {
    tableId: table.id,
    tab: sheet.getName(),
    object: table.crmObject,
    conflicts: conflicts.map((c: Conflict) => ({
      id: c.id,
      rowId: c.rowId,
      row: index.get(c.rowId)?.[0] ?? null,
      field: c.field,
      label: labelOf(c.field),
      header: headerOf(c.field),
      base: displayValue(c.base),
      sheet: displayValue(c.sheet.value),
      crm: displayValue(c.crm.value),
      reason: c.explanation,
      detectedAt: c.detectedAt,
    })),
  };
}

/** The number of open conflicts of a table (the sidebar badge). */
export function openConflictCount(tableId: string): number {
  return call('listConflicts', { params: { tableId }, query: { status: 'open' } }).conflicts.length;
}

export interface ConflictChoice {
  readonly conflictId: string;
  readonly take: 'sheet' | 'crm';
}

export interface ResolveReport {
  readonly resolved: number;
  /** Cells the add-on set to the chosen value in the sheet. */
  readonly sheetCellsWritten: number;
  /** Chosen values the CRM does not hold yet: the companion's sync engine writes them. */
  readonly crmPending: number;
}

/** The API takes at most 500 resolutions per call. */
const RESOLVE_PAGE = 500;

/**
 * Applies the choices made in the review dialog: `POST .../conflicts/resolve` records them (all of a page
 * or none), then the add-on writes every chosen value the sheet does not hold yet into its row, found by
 * Rowbridge ID. The companion records the CRM side for its sync engine to write.
 */
export function resolveConflicts(choices: readonly ConflictChoice[]): ResolveReport {
  if (choices.length === 0)
    throw new AddonError('invalid_input', 'Choose a value for at least one conflict.');
  const sheet = activeSheet();
  const table = requireTable(sheet);
  let resolved = 0;
  let sheetCellsWritten = 0;
  let crmPending = 0;
  for (let start = 0; start < choices.length; start += RESOLVE_PAGE) {
    const page = choices.slice(start, start + RESOLVE_PAGE);
    const answer = call('resolveConflicts', {
      params: { tableId: table.id },
      body: { resolutions: page.map((c) => ({ conflictId: c.conflictId, take: c.take })) },
    });
    resolved += answer.resolved;
    crmPending += answer.conflicts.filter((c) => c.writeCrm).length;
    const writes = answer.conflicts.flatMap((c) => {
      const header = table.mapping.fields.find((f) => f.field === c.field)?.header;
      return c.writeSheet && header ? [{ rowId: c.rowId, cells: { [header]: c.value } }] : [];
    });
    const report = writeRowsById(sheet, writes, { append: false });
    sheetCellsWritten += report.written;
  }
  return { resolved, sheetCellsWritten, crmPending };
}

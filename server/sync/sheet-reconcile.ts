import { sameColumnKey } from '../../shared/mapping/index.ts';
import { type NormalizeOptions, normalizeValue, valuesEqual } from '../../shared/normalize/index.ts';
import type { Connection, NewAuditEntry, RecordLink, SyncTable } from '../store/repos/index.ts';
import { sheetRefOf } from './apply-crm-events.ts';
import type { TableFields } from './fields.ts';
import { connectorFor, type SyncRuntime } from './runtime.ts';
import type { CellValue } from './sheet-port.ts';
import { syncLinkedRows } from './sync-links.ts';

/** Links read per page when a whole table is reconciled. */
const PAGE = 5000;

export interface SheetReconcileResult {
  /** Rows whose cells differ from the agreed base: edits no push brought (pastes, API writes, offline). */
  readonly changed: number;
  readonly crmWrites: number;
  readonly sheetWrites: number;
  readonly conflicts: number;
  /** Rows gone from the sheet: their links are marked orphaned, their CRM records kept. */
  readonly orphaned: number;
}

/** True when a row's cells differ, under each field's type, from the values both sides last agreed on. */
export function differsFromBase(
  fields: TableFields,
  link: Pick<RecordLink, 'base'>,
  cells: Readonly<Record<string, CellValue>>,
  options: NormalizeOptions,
): boolean {
  const byKey = new Map(Object.entries(cells).map(([header, value]) => [sameColumnKey(header), value]));
  return fields.synced.some((field) => {
    const key = sameColumnKey(field.header);
    if (!byKey.has(key)) return false;
    const value = normalizeValue(field.type, byKey.get(key) ?? null, options);
    return !valuesEqual(field.type, value, link.base[field.key] ?? null, options);
  });
}

async function allLinks(runtime: SyncRuntime, table: SyncTable): Promise<RecordLink[]> {
  const links: RecordLink[] = [];
  let afterRowId: string | undefined;
  for (;;) {
    const page = await runtime.db.repos.links.list(table.tenantId, table.id, {
      limit: PAGE,
      ...(afterRowId === undefined ? {} : { afterRowId }),
    });
    links.push(...page);
    if (page.length < PAGE) return links;
    afterRowId = page.at(-1)?.rowId;
  }
}

/**
 * The sheet half of the reconcile: reads the tab once, merges every linked row whose cells differ from
 * its base (so edits no push carried still reach the CRM, or become conflicts), and marks links whose row
 * is gone as orphaned (the CRM record is never deleted for a deleted row). A row that comes back (undo,
 * paste) is merged again and its link is live once more.
 */
export async function reconcileSheet(
  runtime: SyncRuntime,
  connection: Connection,
  table: SyncTable,
  fields: TableFields,
  jobId: string,
): Promise<SheetReconcileResult | undefined> {
  const sheets = runtime.sheets;
  if (!sheets) return undefined;
  const links = (await allLinks(runtime, table)).filter((link) => link.crmId && link.state !== 'archived');
  if (links.length === 0) return { changed: 0, crmWrites: 0, sheetWrites: 0, conflicts: 0, orphaned: 0 };
  const ref = await sheetRefOf(runtime, table);
  const read = await sheets.readRows(
    ref,
    links.map((link) => link.rowId),
  );
  const options: NormalizeOptions = table.region ? { region: table.region as never } : {};
  const toMerge: RecordLink[] = [];
  const gone: RecordLink[] = [];
  for (const link of links) {
    const cells = read.rows.get(link.rowId);
    if (!cells) {
      if (link.state !== 'orphaned') gone.push(link);
    } else if (link.state === 'orphaned' || differsFromBase(fields, link, cells, options)) {
      toMerge.push(link);
    }
  }
  const merged = await syncLinkedRows({
    runtime,
    connection,
    connector: connectorFor(runtime, connection),
    table,
    fields,
    links: toMerge,
    cells: new Map(toMerge.map((link) => [link.rowId, read.rows.get(link.rowId) ?? {}])),
    sheetRef: ref,
    jobId,
    sheetActor: 'sheet',
  });
  if (gone.length > 0) {
    const message =
      'The row is no longer in the sheet; the CRM record is kept. Restore the row to sync it again.';
    const audit: NewAuditEntry[] = gone.map((link) => ({
      tableId: table.id,
      rowId: link.rowId,
      crmId: link.crmId,
      target: 'sheet',
      source: 'sheet',
      actor: 'reconcile',
      action: 'row.orphaned',
      explanation: message,
      jobId,
    }));
    await runtime.db.transaction(async (tx) => {
      await tx.repos.links.setState(
        table.tenantId,
        table.id,
        gone.map((link) => link.rowId),
        'orphaned',
        message,
      );
      await tx.repos.audit.append(table.tenantId, audit);
    });
  }
  return {
    changed: toMerge.length,
    crmWrites: merged.crmWrites,
    sheetWrites: merged.sheetWritten,
    conflicts: merged.conflicts,
    orphaned: gone.length,
  };
}

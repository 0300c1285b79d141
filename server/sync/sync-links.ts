import type { FieldValue } from '../../shared/fields.ts';
import type { Region } from '../../shared/normalize/index.ts';
import type { CrmConnector, CrmRecord } from '../connectors/types.ts';
import type { Connection, NewAuditEntry, NewConflict, RecordLink, SyncTable } from '../store/repos/index.ts';
import type { LinkUpsert } from '../store/repos/links.ts';
import type { JsonValue, LinkStamps } from '../store/values.ts';
import type { TableFields } from './fields.ts';
import { planRecord } from './merge-record.ts';
import type { SyncRuntime } from './runtime.ts';
import type { CellValue, RowChange, SheetRef } from './sheet-port.ts';

/** The sheet column a CRM deletion is reported in, when the tab has one. */
export const STATUS_HEADER = 'Rowbridge Status';

export interface SyncLinksInput {
  readonly runtime: SyncRuntime;
  readonly connection: Connection;
  readonly connector: CrmConnector;
  readonly table: SyncTable;
  readonly fields: TableFields;
  readonly links: readonly RecordLink[];
  /**
   * The rows' cells by Rowbridge ID, as the caller has them (a push from the add-on), or `read` to read
   * them from the sheet now (a webhook). A row absent from the map counts as unchanged in the sheet.
   */
  readonly cells: ReadonlyMap<string, Readonly<Record<string, CellValue>>> | 'read';
  /** When given `cells` were taken from the sheet (epoch ms); see `RecordSides.cellsTakenAt`. */
  readonly cellsTakenAt?: number;
  readonly sheetRef: SheetRef;
  readonly jobId: string;
  /** Who to name in the audit log for sheet-side changes (the user who pushed, or the sheet). */
  readonly sheetActor: string;
  /** Read and plan only: nothing is written or stored. */
  readonly dryRun?: boolean;
}

/** What became of one linked row. */
export type LinkedRowStatus = 'updated' | 'unchanged' | 'conflict' | 'archived' | 'failed';

export interface SyncLinksResult {
  readonly crmWrites: number;
  readonly crmFailures: readonly {
    readonly rowId: string;
    readonly code: string;
    readonly message: string;
  }[];
  /**
   * Sheet changes: written through the sheet port when there is one. Without one they are for the caller
   * to apply, and the base stays behind for them, so they are planned again until the sheet has them.
   */
  readonly sheetChanges: readonly RowChange[];
  readonly sheetWritten: number;
  readonly conflicts: number;
  readonly archived: number;
  readonly rows: readonly {
    readonly rowId: string;
    readonly crmId: string;
    readonly status: LinkedRowStatus;
  }[];
}

/** `base` with the fields about to be written to the sheet set back to their old base values. */
function behindForSheet(
  fields: TableFields,
  base: Readonly<Record<string, FieldValue>>,
  old: Readonly<Record<string, FieldValue>>,
  toSheet: Readonly<Record<string, CellValue>>,
): Record<string, FieldValue> {
  const next = { ...base };
  for (const field of fields.synced) if (field.header in toSheet) next[field.key] = old[field.key] ?? null;
  return next;
}

/** `stamps` with the base times of the fields kept behind (see `behindForSheet`) set back too. */
function stampsBehindForSheet(
  fields: TableFields,
  stamps: LinkStamps,
  old: LinkStamps,
  toSheet: Readonly<Record<string, CellValue>>,
): LinkStamps {
  const next = { ...stamps };
  for (const field of fields.synced) {
    if (!(field.header in toSheet)) continue;
    const { baseAt: _moved, ...rest } = next[field.key] ?? {};
    const before = old[field.key]?.baseAt;
    next[field.key] = before === undefined ? rest : { ...rest, baseAt: before };
  }
  return next;
}

/**
 * Brings linked rows and their CRM records together: reads each record (with change history, for
 * last-writer-wins and echo detection), merges it with the row against the stored base under the table's
 * policy, writes each side what it lacks, and stores the new bases, conflicts and audit entries in one
 * transaction. A record gone from the CRM archives its row's link (and says so in a `Rowbridge Status`
 * column when the tab has one); the row itself is never deleted.
 *
 * Order: CRM, then sheet, then the base. A crash in between leaves the base behind the sides; the replay
 * finds the written side already at its target, so nothing is written twice.
 */
export async function syncLinkedRows(input: SyncLinksInput): Promise<SyncLinksResult> {
  const { runtime, connection, connector, table, fields, links, jobId } = input;
  const empty: SyncLinksResult = {
    crmWrites: 0,
    crmFailures: [],
    sheetChanges: [],
    sheetWritten: 0,
    conflicts: 0,
    archived: 0,
    rows: [],
  };
  if (links.length === 0) return empty;
  const read = await connector.getRecords(
    table.crmObject,
    links.map((link) => link.crmId ?? ''),
    {
      properties: fields.properties,
      withHistory: fields.synced.flatMap((f) => (f.property ? [f.property] : [])),
    },
  );
  const records = new Map(read.records.map((record) => [record.id, record]));
  const sheets = runtime.sheets;
  const fromSheet =
    input.cells === 'read'
      ? sheets
        ? await sheets.readRows(
            input.sheetRef,
            links.map((link) => link.rowId),
          )
        : undefined
      : { headers: [], rows: input.cells };
  const statusColumn = fromSheet?.headers.some((h) => h.trim().toLowerCase() === STATUS_HEADER.toLowerCase());
  const options = table.region ? { region: table.region as Region } : {};
  const ownSourceIds = runtime.hubspot?.appId ? [runtime.hubspot.appId] : [];
  const crmActor = `${connection.crm}:${connection.accountId ?? connection.id}`;

  const crmWrites: { rowId: string; id: string; properties: Record<string, string | null> }[] = [];
  const sheetChanges: RowChange[] = [];
  const audit: NewAuditEntry[] = [];
  const linkUpdates: LinkUpsert[] = [];
  const conflicts: NewConflict[] = [];
  const rows = new Map<string, { rowId: string; crmId: string; status: LinkedRowStatus }>();
  let archived = 0;

  for (const link of links) {
    const crmId = link.crmId ?? '';
    const record: CrmRecord | undefined = records.get(crmId);
    if (!record || record.archived) {
      if (link.state === 'archived') continue;
      archived += 1;
      rows.set(link.rowId, { rowId: link.rowId, crmId, status: 'archived' });
      linkUpdates.push({ rowId: link.rowId, base: link.base, stamps: link.stamps, state: 'archived' });
      const note = `Archived: deleted in ${connection.label} on ${new Date().toISOString().slice(0, 10)}`;
      if (statusColumn) sheetChanges.push({ rowId: link.rowId, values: { [STATUS_HEADER]: note } });
      audit.push({
        tableId: table.id,
        rowId: link.rowId,
        crmId,
        target: 'sheet',
        source: 'crm',
        actor: crmActor,
        action: 'row.archived',
        explanation: `The ${connection.crm} record ${crmId} was deleted; the row is kept and marked archived.`,
        jobId,
      });
      continue;
    }
    const plan = planRecord(
      fields,
      table.policy,
      {
        base: link.base,
        stamps: link.stamps,
        crm: record,
        cells: fromSheet?.rows.get(link.rowId),
        cellsTakenAt: input.cells === 'read' ? undefined : input.cellsTakenAt,
        ownSourceIds,
      },
      options,
    );
    if (Object.keys(plan.toCrm).length > 0)
      crmWrites.push({ rowId: link.rowId, id: crmId, properties: plan.toCrm });
    if (Object.keys(plan.toSheet).length > 0) sheetChanges.push({ rowId: link.rowId, values: plan.toSheet });
    for (const conflict of plan.conflicts)
      conflicts.push({ ...conflict, rowId: link.rowId, linkId: link.id });
    const changed = Object.keys(plan.toCrm).length + Object.keys(plan.toSheet).length > 0;
    const status = plan.conflicts.length > 0 ? 'conflict' : changed ? 'updated' : 'unchanged';
    rows.set(link.rowId, { rowId: link.rowId, crmId, status });
    linkUpdates.push({
      rowId: link.rowId,
      // Without sheet access the sheet keeps its old values for now: so does the base, and the next
      // merge writes the CRM's values to the sheet again instead of taking the old ones for edits.
      base: sheets ? plan.base : behindForSheet(fields, plan.base, link.base, plan.toSheet),
      stamps: sheets ? plan.stamps : stampsBehindForSheet(fields, plan.stamps, link.stamps, plan.toSheet),
      crmModifiedAt: record.updatedAt ? new Date(record.updatedAt) : null,
      state: 'linked',
    });
    for (const decision of plan.decisions) {
      const toCrm = decision.action === 'write_crm' || decision.winner === 'sheet';
      audit.push({
        tableId: table.id,
        rowId: link.rowId,
        crmId,
        field: decision.field,
        oldValue: (link.base[decision.field] ?? null) as JsonValue,
        newValue: (decision.value ?? null) as JsonValue,
        target: decision.action === 'conflict' ? 'conflict' : toCrm ? 'crm' : 'sheet',
        source: toCrm ? 'sheet' : 'crm',
        actor: decision.winner ? `policy:${table.policy}` : toCrm ? input.sheetActor : crmActor,
        action: `merge.${decision.action}`,
        explanation: decision.explanation,
        jobId,
      });
    }
  }

  if (input.dryRun) {
    return { ...empty, sheetChanges, conflicts: conflicts.length, archived, rows: [...rows.values()] };
  }
  /** A side refused the row's write: its link keeps the old base and stamps and says why, in error. */
  const keepOldBase = (rowId: string, message: string) => {
    const at = linkUpdates.findIndex((u) => u.rowId === rowId);
    const link = links.find((l) => l.rowId === rowId);
    if (at >= 0 && link) {
      linkUpdates[at] = {
        ...linkUpdates[at],
        base: link.base,
        stamps: link.stamps,
        state: 'error',
        lastError: message,
      } as LinkUpsert;
    }
  };
  const crmFailures: { rowId: string; code: string; message: string }[] = [];
  if (crmWrites.length > 0) {
    const written = await connector.updateRecords(
      table.crmObject,
      crmWrites.map(({ id, properties }) => ({ id, properties })),
    );
    written.forEach((result, i) => {
      const write = crmWrites[i];
      if (result.status !== 'failed' || !write) return;
      crmFailures.push({ rowId: write.rowId, code: result.error.code, message: result.error.message });
      rows.set(write.rowId, { rowId: write.rowId, crmId: write.id, status: 'failed' });
      // The base must not claim the CRM took a value it refused: keep the old one for that row.
      keepOldBase(write.rowId, result.error.message);
    });
  }
  let sheetWritten = 0;
  if (sheetChanges.length > 0 && sheets) {
    const outcome = await sheets.writeRows(input.sheetRef, sheetChanges);
    sheetWritten = outcome.written;
    // Likewise the base must not claim the sheet holds a value it refused (over a cell's limit).
    for (const skip of outcome.skipped) {
      if (skip.reason !== 'rejected') continue;
      keepOldBase(skip.rowId, skip.message);
    }
  }
  // Open conflicts on fields the merge now settled (both sides agree again) need no review any more.
  const open = await runtime.db.repos.conflicts.listOpen(table.tenantId, table.id, {
    rowIds: links.map((link) => link.rowId),
  });
  const conflicted = new Set(conflicts.map((c) => `${c.rowId}\u0000${c.field}`));
  const settled = open
    // Only where the row was read: without it the sheet side is assumed, and cannot settle anything.
    .filter((c) => fromSheet?.rows.has(c.rowId) === true)
    .filter((c) => !conflicted.has(`${c.rowId}\u0000${c.field}`) && rows.get(c.rowId)?.status !== 'failed')
    .filter((c) => linkUpdates.some((u) => u.rowId === c.rowId && u.state === 'linked'))
    .map((c) => ({
      rowId: c.rowId,
      field: c.field,
      value: linkUpdates.find((u) => u.rowId === c.rowId)?.base[c.field] ?? null,
    }));
  await runtime.db.transaction(async (tx) => {
    await tx.repos.links.upsert(table.tenantId, table.id, linkUpdates);
    if (conflicts.length > 0) await tx.repos.conflicts.record(table.tenantId, table.id, conflicts);
    if (settled.length > 0) await tx.repos.conflicts.settle(table.tenantId, table.id, settled);
    if (audit.length > 0) await tx.repos.audit.append(table.tenantId, audit);
  });
  return {
    crmWrites: crmWrites.length - crmFailures.length,
    crmFailures,
    sheetChanges,
    sheetWritten,
    conflicts: conflicts.length,
    archived,
    rows: [...rows.values()],
  };
}

import * as z from 'zod';
import { RowbridgeError } from '../../shared/errors.ts';
import type { FieldValue } from '../../shared/fields.ts';
import { normalizeValue, valuesEqual } from '../../shared/normalize/index.ts';
import type { JobContext } from '../queue/index.ts';
import type { NewAuditEntry } from '../store/repos/index.ts';
import type { LinkUpsert } from '../store/repos/links.ts';
import type { JsonValue } from '../store/values.ts';
import { sheetRefOf } from './apply-crm-events.ts';
import { toCrmValue } from './crm-values.ts';
import { tableFields } from './fields.ts';
import { stampBaseChanges } from './merge-record.ts';
import { connectorFor, type SyncRuntime } from './runtime.ts';
import type { RowChange } from './sheet-port.ts';

export const resolutionJobSchema = z.strictObject({
  tenantId: z.string().min(1),
  tableId: z.string().min(1),
  conflictIds: z.array(z.string().min(1)).min(1),
  actor: z.string().min(1),
});
export type ResolutionJob = z.output<typeof resolutionJobSchema>;

/**
 * The `apply-resolutions` job: writes the values people chose for conflicts to the sides that lack them
 * (CRM in one batch, sheet through the coalescing writer when the companion has sheet access; otherwise
 * the add-on writes the cells it was told to), sets each field's base to the chosen value so the next
 * merge sees both sides as agreed, and audits every write. Safe to repeat: a side already holding the
 * value is not written again.
 */
export async function applyResolutions(
  runtime: SyncRuntime,
  data: ResolutionJob,
  ctx: Pick<JobContext, 'jobId'>,
): Promise<{ crm: number; sheet: number }> {
  const { repos } = runtime.db;
  const table = await repos.tables.get(data.tenantId, data.tableId);
  if (!table)
    throw new RowbridgeError('not_found', 'The sync table was deleted before the resolutions were applied.');
  const connection = await repos.connections.get(data.tenantId, table.connectionId);
  if (!connection) throw new RowbridgeError('not_found', 'The table’s CRM connection was deleted.');
  const fields = tableFields(table.mapping);
  const conflicts = (
    await Promise.all(data.conflictIds.map((id) => repos.conflicts.get(data.tenantId, id)))
  ).filter((c) => c?.status === 'resolved' && c.resolution && c.tableId === table.id);
  const links = new Map(
    (
      await repos.links.getByRowIds(
        data.tenantId,
        table.id,
        conflicts.map((c) => c?.rowId ?? ''),
      )
    ).map((l) => [l.rowId, l]),
  );
  const crmWrites = new Map<string, Record<string, string | null>>();
  const sheetWrites = new Map<string, Record<string, FieldValue>>();
  const bases = new Map<string, Record<string, FieldValue>>();
  const audit: NewAuditEntry[] = [];
  for (const conflict of conflicts) {
    if (!conflict?.resolution) continue;
    const link = links.get(conflict.rowId);
    const field = fields.synced.find((f) => f.key === conflict.field);
    if (!link?.crmId || !field) continue;
    const value = conflict.resolution.value;
    const base = { ...(bases.get(link.rowId) ?? link.base), [field.key]: normalizeValue(field.type, value) };
    bases.set(link.rowId, base);
    const entry = {
      tableId: table.id,
      rowId: link.rowId,
      crmId: link.crmId,
      field: field.key,
      source: 'user' as const,
    };
    if (field.writable && field.property && !valuesEqual(field.type, conflict.crm.value, value)) {
      crmWrites.set(link.crmId, { ...crmWrites.get(link.crmId), [field.property]: toCrmValue(value) });
      audit.push({
        ...entry,
        oldValue: conflict.crm.value as JsonValue,
        newValue: value as JsonValue,
        target: 'crm',
        actor: data.actor,
        action: 'resolution.write_crm',
        jobId: ctx.jobId,
      });
    }
    if (!valuesEqual(field.type, conflict.sheet.value, value)) {
      sheetWrites.set(link.rowId, { ...sheetWrites.get(link.rowId), [field.header]: value });
      audit.push({
        ...entry,
        oldValue: conflict.sheet.value as JsonValue,
        newValue: value as JsonValue,
        target: 'sheet',
        actor: data.actor,
        action: 'resolution.write_sheet',
        jobId: ctx.jobId,
      });
    }
  }
  if (crmWrites.size > 0) {
    const connector = connectorFor(runtime, connection);
    const results = await connector.updateRecords(
      table.crmObject,
      [...crmWrites].map(([id, properties]) => ({ id, properties })),
    );
    const failed = results.find((r) => r.status === 'failed');
    if (failed?.status === 'failed') {
      throw new RowbridgeError('crm_rejected', `The CRM refused a resolved value: ${failed.error.message}`);
    }
  }
  let sheet = 0;
  if (sheetWrites.size > 0 && runtime.sheets) {
    const changes: RowChange[] = [...sheetWrites].map(([rowId, values]) => ({ rowId, values }));
    sheet = (await runtime.sheets.writeRows(await sheetRefOf(runtime, table), changes)).written;
  }
  const upserts: LinkUpsert[] = [...bases].flatMap(([rowId, base]) => {
    const link = links.get(rowId);
    if (!link) return [];
    const stamps = stampBaseChanges(link.stamps, link.base, base, Date.now());
    return [{ rowId, base, stamps, state: 'linked' as const }];
  });
  await runtime.db.transaction(async (tx) => {
    await tx.repos.links.upsert(data.tenantId, table.id, upserts);
    if (audit.length > 0) await tx.repos.audit.append(data.tenantId, audit);
  });
  return { crm: crmWrites.size, sheet };
}

import { isRowbridgeError, RowbridgeError } from '../../shared/errors.ts';
import type { CrmId } from '../../shared/mapping/index.ts';
import type { CrmEvent } from '../connectors/types.ts';
import type { JobContext } from '../queue/index.ts';
import { isStorageUnreachable } from '../store/db-errors.ts';
import type { Connection, InboxEvent, SyncTable } from '../store/repos/index.ts';
import { tableFields } from './fields.ts';
import { connectorFor, type SyncRuntime } from './runtime.ts';
import type { SheetRef } from './sheet-port.ts';
import { syncLinkedRows } from './sync-links.ts';

/** Events claimed per round; a burst of webhooks is applied in rounds of this many. */
const ROUND = 500;

export interface ApplyResult {
  readonly events: number;
  readonly sheetWrites: number;
  readonly crmWrites: number;
  readonly conflicts: number;
  readonly archived: number;
}

/**
 * Applies a connection's pending CRM events (the webhook inbox) to its tables: for every linked record an
 * event names, reads the record and the row as they are now, merges them against the stored base with the
 * table's policy, writes each side what it lacks, and stores the new base, conflicts and audit entries.
 * A deleted record marks its row archived; it never deletes the row. Events for records no row is linked
 * with are consumed without effect. Safe to repeat: a second run finds both sides equal to the base.
 */
export async function applyCrmEvents(
  runtime: SyncRuntime,
  ref: { readonly tenantId: string; readonly connectionId: string },
  ctx: Pick<JobContext, 'jobId'>,
): Promise<ApplyResult> {
  const totals = { events: 0, sheetWrites: 0, crmWrites: 0, conflicts: 0, archived: 0 };
  const { repos } = runtime.db;
  const connection = await repos.connections.get(ref.tenantId, ref.connectionId);
  if (!connection) return totals;
  const tables = await repos.tables.listForConnection(ref.tenantId, ref.connectionId);
  for (;;) {
    const claimed = await repos.inbox.claim({
      limit: ROUND,
      connectionId: ref.connectionId,
      leaseMs: 120_000,
    });
    if (claimed.length === 0) return totals;
    const sheetWritesBefore = totals.sheetWrites;
    try {
      const events = claimed.map(eventOf);
      for (const table of tables) {
        const ofTable = events.filter((event) => event.objectType === table.crmObject);
        if (ofTable.length === 0) continue;
        const ids = [...new Set(ofTable.map((event) => event.objectId))];
        const result = await applyToRecords(runtime, connection, table, ids, ctx.jobId);
        totals.sheetWrites += result.sheetWrites;
        totals.crmWrites += result.crmWrites;
        totals.conflicts += result.conflicts;
        totals.archived += result.archived;
      }
    } catch (error) {
      // The job is retried with backoff; its retry must find these events rather than wait out the lease.
      const message = error instanceof Error ? error.message : String(error);
      const { exhausted } = await repos.inbox.release(
        claimed.map((event) => event.id),
        message,
        { countAttempt: !waitsOutside(error) },
      );
      if (exhausted > 0) {
        runtime.logger.error(
          { connection: ref.connectionId, events: exhausted, err: error },
          'CRM events gave up after their last attempt; their changes reach the sheet with the next change or reconcile of those records',
        );
      }
      throw error;
    }
    await repos.inbox.markProcessed(claimed.map((event) => event.id));
    totals.events += claimed.length;
    if (totals.sheetWrites > sheetWritesBefore && runtime.metrics) {
      const crm = connection.crm as CrmId;
      runtime.metrics.recordSynced(crm, 'crm_to_sheet', totals.sheetWrites - sheetWritesBefore);
      for (const event of claimed) {
        const at = Date.parse(eventOf(event).occurredAt);
        if (Number.isFinite(at)) runtime.metrics.observeWebhookToSheet(crm, (Date.now() - at) / 1000);
      }
    }
  }
}

/**
 * Failures that say nothing about the events themselves: a rate limit, an outage of the CRM, Google or
 * the database, a connection that needs its owner. A round of up to 500 events fails whole on these, and
 * counting them as attempts would turn every change of a long enough outage into a dead letter.
 */
const WAITING_CODES = new Set<string>([
  'rate_limited',
  'crm_unavailable',
  'sheets_unavailable',
  'storage_unavailable',
  'auth_expired',
  'sheets_access_denied',
]);

function waitsOutside(error: unknown): boolean {
  return (isRowbridgeError(error) && WAITING_CODES.has(error.code)) || isStorageUnreachable(error);
}

function eventOf(stored: InboxEvent): CrmEvent {
  const payload = stored.payload as unknown as CrmEvent;
  if (typeof payload?.objectId !== 'string' || typeof payload.objectType !== 'string') {
    throw new RowbridgeError(
      'storage_corrupt',
      `Inbox event ${stored.id} has no object; it cannot be applied.`,
    );
  }
  return payload;
}

/** Where a table's rows live. */
export async function sheetRefOf(runtime: SyncRuntime, table: SyncTable): Promise<SheetRef> {
  const spreadsheet = await runtime.db.repos.spreadsheets.get(table.tenantId, table.spreadsheetId);
  if (!spreadsheet) throw new RowbridgeError('not_found', `The spreadsheet of table ${table.id} is gone.`);
  return { spreadsheetId: spreadsheet.googleSpreadsheetId, tabName: table.sheetTabName };
}

/**
 * Brings the rows linked to these CRM records up to date with them (and them with the rows) through the
 * merge: what a webhook event and the Salesforce poll both lead to. Records no row is linked with are
 * skipped without a CRM call.
 */
export async function applyToRecords(
  runtime: SyncRuntime,
  connection: Connection,
  table: SyncTable,
  ids: readonly string[],
  jobId: string,
): Promise<{ sheetWrites: number; crmWrites: number; conflicts: number; archived: number }> {
  const links = await runtime.db.repos.links.getByCrmIds(table.tenantId, table.id, ids);
  if (links.length === 0) return { sheetWrites: 0, crmWrites: 0, conflicts: 0, archived: 0 };
  const result = await syncLinkedRows({
    runtime,
    connection,
    connector: connectorFor(runtime, connection),
    table,
    fields: tableFields(table.mapping),
    links,
    cells: 'read',
    sheetRef: await sheetRefOf(runtime, table),
    jobId,
    sheetActor: 'sheet',
  });
  return {
    sheetWrites: result.sheetWritten,
    crmWrites: result.crmWrites,
    conflicts: result.conflicts,
    archived: result.archived,
  };
}

import * as z from 'zod';
import type { CrmId } from '../../shared/mapping/index.ts';
import type { JobContext, JobKind } from '../queue/index.ts';
import type { SyncTable } from '../store/repos/index.ts';
import { applyToRecords } from './apply-crm-events.ts';
import { tableFields } from './fields.ts';
import { connectorFor, type SyncRuntime } from './runtime.ts';
import { reconcileSheet, type SheetReconcileResult } from './sheet-reconcile.ts';

/*
 * The reconcile: the fallback that always runs beside push notifications, on both sides. CRM side: push
 * can be lost for good (Salesforce Outbound Messages after 24 hours of retries, a workflow rule switched
 * off; HubSpot webhooks after their ten attempts), so each table lists the records changed since its
 * cursor (`SystemModstamp`, `lastmodifieddate`) every `reconcileIntervalSeconds` and sends them through
 * the same merge as webhook events. Sheet side: edits the add-on never pushed (pastes, API writes, edits
 * while it was off) are found by comparing every linked row with its base, and rows deleted from the
 * sheet orphan their links (see `sheet-reconcile.ts`).
 *
 * Scheduling survives restarts because it lives in the queue: every run first sends the next run, with
 * `startAfter` at the end of the current interval, counted from the epoch (`nextPollAt`). That slot also
 * makes the send's idempotency key, so the chain, a re-armed chain at start (`armPolls`) and a table
 * update all agree on one job per table per slot, and two chains merge into one. A run that fails is
 * retried by the queue; the next slot is already sent, so the chain never ends while the table exists.
 */

/** CRMs whose tables are reconciled: every CRM with a connector. */
export const POLLED_CRMS: ReadonlySet<CrmId> = new Set<CrmId>(['hubspot', 'salesforce']);

/**
 * How far behind its cursor a poll starts again. `SystemModstamp` is set when a transaction starts, so a
 * long transaction can commit a stamp older than one a poll already saw; clocks also differ a little.
 * Re-reading a record is harmless (the merge finds nothing to do), missing one is not.
 */
export const POLL_OVERLAP_MS = 2 * 60_000;

export const pollJobSchema = z.strictObject({
  tenantId: z.string().min(1),
  tableId: z.string().min(1),
  /** Set when a user asked for this run (`POST …/reconcile`): the job they watch. */
  jobId: z.string().min(1).optional(),
});
export type PollJob = z.output<typeof pollJobSchema>;

/** What one poll did, for the log. */
export interface PollResult {
  readonly changed: number;
  /** The sheet half, when the companion can read the sheet. */
  readonly sheet?: SheetReconcileResult;
  readonly sheetWrites: number;
  readonly crmWrites: number;
  readonly conflicts: number;
  readonly archived: number;
  readonly cursor: string;
}

/** The start of the next interval of `intervalSeconds` after `now`, counted from the epoch. */
export function nextPollAt(intervalSeconds: number, now: number): number {
  const interval = Math.max(1, intervalSeconds) * 1000;
  return (Math.floor(now / interval) + 1) * interval;
}

type PolledTable = Pick<SyncTable, 'id' | 'tenantId' | 'connectionId' | 'reconcileIntervalSeconds'>;

/**
 * Sends a table's next poll for the next slot. Keyed by connection, like the webhook worker and exports,
 * so a poll never merges the same rows at the same time as they do. Resolves to the slot; sending a slot
 * that is already queued changes nothing.
 *
 * @example await schedulePoll(jobs.poll, table, Date.now()) // a Date at the next multiple of the interval
 */
export async function schedulePoll(kind: JobKind<PollJob>, table: PolledTable, now: number): Promise<Date> {
  const at = nextPollAt(table.reconcileIntervalSeconds, now);
  await kind.send(
    { tenantId: table.tenantId, tableId: table.id },
    { key: table.connectionId, startAfter: new Date(at), idempotencyKey: `${table.id}@${at}` },
  );
  return new Date(at);
}

/**
 * Makes sure every polled table has its next poll queued: run at start, so tables whose chain ended (a
 * failure past every retry, a queue restored from an old backup) poll again. Idempotent.
 */
export async function armPolls(runtime: SyncRuntime, kind: JobKind<PollJob>, now: number): Promise<number> {
  let armed = 0;
  for (const crm of POLLED_CRMS) {
    for (const table of await runtime.db.repos.tables.listForCrm(crm)) {
      await schedulePoll(kind, table, now);
      armed += 1;
    }
  }
  return armed;
}

/**
 * One poll of one table: sends the next one, then lists the records of the table's object changed since
 * its CRM cursor (less `POLL_OVERLAP_MS`), merges those linked to rows page by page exactly as webhook
 * events are merged, and moves the cursor after each page. Returns undefined when the table or its
 * connection is gone (the chain ends) or the table is paused.
 */
export async function runPoll(
  runtime: SyncRuntime,
  data: PollJob,
  ctx: Pick<JobContext, 'jobId' | 'signal'>,
  options: {
    readonly schedule: (table: SyncTable) => Promise<unknown>;
    readonly now?: () => number;
    /** Called after each page of changed records with how many were merged so far. */
    readonly onProgress?: (changed: number) => void;
  },
): Promise<PollResult | undefined> {
  const { repos } = runtime.db;
  const now = options.now ?? Date.now;
  const started = now();
  const table = await repos.tables.get(data.tenantId, data.tableId);
  if (!table) return undefined;
  const connection = await repos.connections.get(data.tenantId, table.connectionId);
  if (!connection || !POLLED_CRMS.has(connection.crm as CrmId)) return undefined;
  await options.schedule(table);
  if (table.status === 'paused') return undefined;

  const since = Date.parse(table.cursors.crm ?? table.createdAt.toISOString());
  const connector = connectorFor(runtime, connection);
  const totals = { changed: 0, sheetWrites: 0, crmWrites: 0, conflicts: 0, archived: 0 };
  let cursor = since;
  let after: string | undefined;
  do {
    const page = await connector.listRecords(table.crmObject, {
      modifiedSince: new Date(since - POLL_OVERLAP_MS).toISOString(),
      properties: [],
      // A deletion moves SystemModstamp too: the merge then marks the linked row archived.
      includeArchived: true,
      ...(after ? { after } : {}),
    });
    const ids = page.records.map((record) => record.id);
    totals.changed += ids.length;
    const result = await applyToRecords(runtime, connection, table, ids, ctx.jobId);
    totals.sheetWrites += result.sheetWrites;
    totals.crmWrites += result.crmWrites;
    totals.conflicts += result.conflicts;
    totals.archived += result.archived;
    options.onProgress?.(totals.changed);
    // Pages come in SystemModstamp order, so everything up to the last stamp of this page is merged.
    for (const record of page.records) {
      const stamp = Date.parse(record.updatedAt);
      if (Number.isFinite(stamp) && stamp > cursor) cursor = stamp;
    }
    after = page.next;
  } while (after && !ctx.signal.aborted);
  // A full listing saw every change committed before it started; the next one re-reads the overlap.
  if (!after) cursor = Math.max(cursor, started);
  if (cursor > since) {
    await repos.tables.updateCursors(table.tenantId, table.id, { crm: new Date(cursor).toISOString() });
  }
  if (totals.sheetWrites > 0)
    runtime.metrics?.recordSynced(connection.crm as CrmId, 'crm_to_sheet', totals.sheetWrites);
  const sheet = ctx.signal.aborted
    ? undefined
    : await reconcileSheet(runtime, connection, table, tableFields(table.mapping), ctx.jobId);
  return { ...totals, ...(sheet ? { sheet } : {}), cursor: new Date(cursor).toISOString() };
}

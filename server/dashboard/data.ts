import { and, desc, eq, inArray, isNotNull, lt, or, type SQL } from 'drizzle-orm';
import type { Mode } from '../app.ts';
import { type MetricsHistory, seriesOf } from '../observability/metrics-history.ts';
import { redact } from '../security/redact.ts';
import type { Database } from '../store/database.ts';
import { auditLog, jobs, syncTables } from '../store/schema.ts';
import type { DashboardData, DashboardQuery } from './schema.ts';

/** What the dashboard reads: this process's metric history and the shared database. */
export interface DashboardSources {
  readonly db: Database;
  readonly history: MetricsHistory;
  readonly mode: Mode;
}

const RECENT_ERRORS = 20;
const AUDIT_PAGE = 50;

/**
 * Everything the dashboard shows, across tenants: it is the operator's view (the add-on's API is the
 * tenant's). Error messages are passed through `redact` once more on the way out, in case a CRM echoed
 * something secret into one.
 */
export async function loadDashboard(
  sources: DashboardSources,
  query: DashboardQuery,
): Promise<DashboardData> {
  const snapshots = await sources.history.read();
  const latest = snapshots.at(-1);
  const [failedJobs, audit] = await Promise.all([recentFailedJobs(sources.db), auditPage(sources.db, query)]);
  const names = await tableNames(sources.db, [
    ...failedJobs.map((job) => job.tableId),
    ...audit.entries.map((entry) => entry.tableId),
  ]);
  const nameOf = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  return {
    mode: sources.mode,
    generatedAt: new Date(latest?.at ?? Date.now()).toISOString(),
    intervalSeconds: sources.history.intervalMs / 1000,
    totals: {
      synced: { ...latest?.synced },
      failed: { ...latest?.failed },
      apiCalls: { ...latest?.apiCalls },
      apiErrors: { ...latest?.apiErrors },
      rateLimitWaits: { ...latest?.rateLimitWaits },
      rateLimitWaitSeconds: { ...latest?.rateLimitWaitSeconds },
      queueDepth: { ...latest?.queueDepth },
    },
    errorCodes: [
      ...(latest?.failuresByCode ?? []).map((entry) => ({ kind: 'sync' as const, ...entry })),
      ...(latest?.apiErrorsByCode ?? []).map((entry) => ({ kind: 'crm_api' as const, ...entry })),
    ].sort((a, b) => b.count - a.count),
    series: seriesOf(snapshots),
    recentErrors: failedJobs.map((job) => ({
      at: (job.finishedAt ?? job.updatedAt).toISOString(),
      jobId: job.id,
      kind: job.kind,
      tenantId: job.tenantId,
      tableId: job.tableId,
      tableName: nameOf(job.tableId),
      code: job.error?.code ?? 'internal',
      message: redact(job.error?.message ?? ''),
    })),
    audit: {
      ...(query.table === undefined ? {} : { table: query.table }),
      ...(query.record === undefined ? {} : { record: query.record }),
      entries: audit.entries.map((entry) => ({
        ...entry,
        at: entry.at.toISOString(),
        tableName: nameOf(entry.tableId),
        oldValue: entry.oldValue ?? null,
        newValue: entry.newValue ?? null,
        explanation: entry.explanation === null ? null : redact(entry.explanation),
      })),
      ...(audit.nextBefore === undefined ? {} : { nextBefore: audit.nextBefore }),
    },
  };
}

async function recentFailedJobs(db: Database) {
  return db.orm
    .select()
    .from(jobs)
    .where(and(eq(jobs.status, 'failed'), isNotNull(jobs.error)))
    .orderBy(desc(jobs.updatedAt))
    .limit(RECENT_ERRORS);
}

/**
 * One page of the audit trail, newest first. A table filter first finds the table's tenant, so the
 * query uses the (tenant, table) indexes; a record matches its Rowbridge ID or its CRM id.
 */
async function auditPage(db: Database, query: DashboardQuery) {
  const filters: (SQL | undefined)[] = [];
  if (query.table !== undefined) {
    const [table] = await db.orm
      .select({ tenantId: syncTables.tenantId })
      .from(syncTables)
      .where(eq(syncTables.id, query.table));
    // The log outlives deleted tables (table_id is no foreign key), so an unknown id may still match.
    if (table) filters.push(eq(auditLog.tenantId, table.tenantId));
    filters.push(eq(auditLog.tableId, query.table));
  }
  if (query.record !== undefined) {
    filters.push(or(eq(auditLog.rowId, query.record), eq(auditLog.crmId, query.record)));
  }
  if (query.before !== undefined) filters.push(lt(auditLog.id, query.before));
  const limit = query.limit ?? AUDIT_PAGE;
  const rows = await db.orm
    .select()
    .from(auditLog)
    .where(and(...filters))
    .orderBy(desc(auditLog.id))
    // One extra row tells whether an older page exists, without a count.
    .limit(limit + 1);
  const entries = rows.slice(0, limit);
  const last = entries.at(-1);
  return { entries, nextBefore: rows.length > limit && last ? last.id : undefined };
}

async function tableNames(db: Database, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db.orm
    .select({ id: syncTables.id, name: syncTables.sheetTabName })
    .from(syncTables)
    .where(inArray(syncTables.id, wanted));
  return new Map(rows.map((row) => [row.id, row.name]));
}

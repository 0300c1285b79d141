import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Executor } from '../orm.ts';
import { auditLog } from '../schema.ts';
import { type AuditSource, type JsonValue, jsonValueSchema, readStored } from '../values.ts';
import { chunks, pageSize } from './common.ts';

export type AuditEntry = typeof auditLog.$inferSelect;

export interface NewAuditEntry {
  readonly tableId?: string | null;
  readonly rowId?: string | null;
  readonly crmId?: string | null;
  readonly field?: string | null;
  readonly oldValue?: JsonValue;
  readonly newValue?: JsonValue;
  /** What was written or decided: 'sheet', 'crm', 'conflict', 'connection', ... */
  readonly target: string;
  /** Where the change came from. */
  readonly source: AuditSource;
  /** Who: a user id, 'policy', a worker name. */
  readonly actor: string;
  readonly action: string;
  readonly explanation?: string | null;
  readonly jobId?: string | null;
}

/** Newest first. Pass `nextBefore` back as `before` for the next page; absent on the last page. */
export interface AuditPage {
  readonly entries: AuditEntry[];
  readonly nextBefore?: number;
}

export interface AuditPageRequest {
  /** Only entries with a smaller id (older). */
  readonly before?: number;
  readonly limit?: number;
}

// 13 parameters an entry.
const APPEND_CHUNK = 1000;

function toEntry(row: AuditEntry): AuditEntry {
  return {
    ...row,
    oldValue: readStored(jsonValueSchema, row.oldValue, `audit entry ${row.id} old value`),
    newValue: readStored(jsonValueSchema, row.newValue, `audit entry ${row.id} new value`),
  };
}

async function insert(db: Executor, tenantId: string, entries: readonly NewAuditEntry[]): Promise<number> {
  const rows = await db
    .insert(auditLog)
    .values(
      entries.map((entry) => ({
        tenantId,
        tableId: entry.tableId ?? null,
        rowId: entry.rowId ?? null,
        crmId: entry.crmId ?? null,
        field: entry.field ?? null,
        oldValue: entry.oldValue ?? null,
        newValue: entry.newValue ?? null,
        target: entry.target,
        source: entry.source,
        actor: entry.actor,
        action: entry.action,
        explanation: entry.explanation ?? null,
        jobId: entry.jobId ?? null,
      })),
    )
    .returning({ id: auditLog.id });
  return rows.length;
}

/** The append-only audit log (the database refuses UPDATE and DELETE on it). */
export function auditRepo(db: Executor) {
  async function page(
    tenantId: string,
    filter: SQL | undefined,
    request: AuditPageRequest,
  ): Promise<AuditPage> {
    const limit = pageSize(request.limit, 100, 500);
    const rows = await db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.tenantId, tenantId),
          filter,
          request.before === undefined ? undefined : lt(auditLog.id, request.before),
        ),
      )
      .orderBy(desc(auditLog.id))
      // One extra row tells whether another page exists without a count.
      .limit(limit + 1);
    const entries = rows.slice(0, limit).map(toEntry);
    const last = entries.at(-1);
    return rows.length > limit && last ? { entries, nextBefore: last.id } : { entries };
  }

  return {
    /**
     * Appends entries in order (ids ascend with them); returns how many were written. A large batch is
     * split inside one transaction, so it lands whole or not at all.
     */
    async append(tenantId: string, entries: readonly NewAuditEntry[]): Promise<number> {
      const parts = chunks(entries, APPEND_CHUNK);
      if (parts.length === 0) return 0;
      if (parts.length === 1) return insert(db, tenantId, entries);
      return db.transaction(async (tx) => {
        let written = 0;
        for (const part of parts) written += await insert(tx, tenantId, part);
        return written;
      });
    },

    /** Every entry of the tenant, newest first (connection changes and the like have no table). */
    listForTenant(tenantId: string, request: AuditPageRequest = {}): Promise<AuditPage> {
      return page(tenantId, undefined, request);
    },

    listForTable(tenantId: string, tableId: string, request: AuditPageRequest = {}): Promise<AuditPage> {
      return page(tenantId, eq(auditLog.tableId, tableId), request);
    },

    /** The history of one record of a table, by its row id or its CRM id. */
    listForRecord(
      tenantId: string,
      tableId: string,
      record: { rowId: string } | { crmId: string },
      request: AuditPageRequest = {},
    ): Promise<AuditPage> {
      const match = 'rowId' in record ? eq(auditLog.rowId, record.rowId) : eq(auditLog.crmId, record.crmId);
      return page(tenantId, and(eq(auditLog.tableId, tableId), match), request);
    },
  };
}
export type AuditRepo = ReturnType<typeof auditRepo>;

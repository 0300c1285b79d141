import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { RowbridgeError } from '../../../shared/errors.ts';
import type { FieldValue } from '../../../shared/fields.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../db-errors.ts';
import type { Executor } from '../orm.ts';
import { recordLinks } from '../schema.ts';
import {
  baseValuesSchema,
  type LinkStamps,
  type LinkState,
  linkStampsSchema,
  readStored,
} from '../values.ts';
import { chunks, pageSize } from './common.ts';

export type RecordLink = typeof recordLinks.$inferSelect;

/** One link as the merge leaves it: the new agreed base and stamps for a row. */
export interface LinkUpsert {
  readonly rowId: string;
  /** Absent or null keeps the stored CRM id (a link never loses its record by omission). */
  readonly crmId?: string | null;
  readonly base: Readonly<Record<string, FieldValue>>;
  readonly stamps: LinkStamps;
  /** Absent or null keeps the stored stamp. */
  readonly crmModifiedAt?: Date | null;
  readonly state: LinkState;
  /** Absent or null clears the last error. */
  readonly lastError?: string | null;
}

export interface LinkReadOptions {
  /**
   * Lock the rows (`FOR UPDATE`) until the transaction ends, for read-merge-write inside
   * `db.transaction`. Only meaningful in a transaction; PGlite serialises everything anyway.
   */
  readonly lock?: boolean;
}

function toLink(row: RecordLink): RecordLink {
  const where = `record link ${row.id}`;
  return {
    ...row,
    base: readStored(baseValuesSchema, row.base, `${where} base`),
    stamps: readStored(linkStampsSchema, row.stamps, `${where} stamps`),
  };
}

const inTable = (tenantId: string, tableId: string) =>
  and(eq(recordLinks.tenantId, tenantId), eq(recordLinks.tableId, tableId));

// `= any($1::text[])` binds one array parameter however long the list: an IN list of 50,000 row ids
// would exceed PostgreSQL's bind-parameter limit.
const anyOf = (column: typeof recordLinks.rowId | typeof recordLinks.crmId, values: readonly string[]) =>
  sql`${column} = any(${sql.param([...values])}::text[])`;

// 9 parameters a row: 500 rows stay far below the 65,535 limit.
const UPSERT_CHUNK = 500;

/** Record links: sheet row (Rowbridge ID) ↔ CRM record, with the merge base. */
export function linksRepo(db: Executor) {
  async function getBy(
    column: typeof recordLinks.rowId | typeof recordLinks.crmId,
    tenantId: string,
    tableId: string,
    ids: readonly string[],
    options: LinkReadOptions,
  ): Promise<RecordLink[]> {
    if (ids.length === 0) return [];
    const query = db
      .select()
      .from(recordLinks)
      .where(and(inTable(tenantId, tableId), anyOf(column, ids)));
    const rows = options.lock ? await query.for('update') : await query;
    return rows.map(toLink);
  }

  async function upsertChunk(
    executor: Executor,
    tenantId: string,
    tableId: string,
    entries: readonly LinkUpsert[],
  ): Promise<RecordLink[]> {
    const rows = await executor
      .insert(recordLinks)
      .values(
        entries.map((entry) => ({
          tenantId,
          tableId,
          rowId: entry.rowId,
          crmId: entry.crmId ?? null,
          base: { ...entry.base },
          stamps: entry.stamps,
          crmModifiedAt: entry.crmModifiedAt ?? null,
          state: entry.state,
          lastError: entry.lastError ?? null,
        })),
      )
      .onConflictDoUpdate({
        target: [recordLinks.tenantId, recordLinks.tableId, recordLinks.rowId],
        set: {
          crmId: sql`coalesce(excluded.crm_id, ${recordLinks.crmId})`,
          base: sql`excluded.base`,
          stamps: sql`excluded.stamps`,
          crmModifiedAt: sql`coalesce(excluded.crm_modified_at, ${recordLinks.crmModifiedAt})`,
          state: sql`excluded.state`,
          lastError: sql`excluded.last_error`,
        },
      })
      .returning();
    return rows.map(toLink);
  }

  return {
    /** Links of these rows (by Rowbridge ID); rows without a link are simply absent. */
    getByRowIds(tenantId: string, tableId: string, rowIds: readonly string[], options: LinkReadOptions = {}) {
      return getBy(recordLinks.rowId, tenantId, tableId, rowIds, options);
    },

    /** Links of these CRM records, for applying CRM events. */
    getByCrmIds(tenantId: string, tableId: string, crmIds: readonly string[], options: LinkReadOptions = {}) {
      return getBy(recordLinks.crmId, tenantId, tableId, crmIds, options);
    },

    /**
     * Inserts or replaces links by row id, base and stamps as given. Large batches are split, inside
     * one transaction (a savepoint when `db` is already a transaction), so a batch lands whole or not at
     * all. A table the tenant does not own gives `not_found`; a CRM record linked to two rows gives
     * `already_exists`.
     */
    async upsert(tenantId: string, tableId: string, entries: readonly LinkUpsert[]): Promise<RecordLink[]> {
      if (entries.length === 0) return [];
      // One statement cannot update a row twice: the last entry for a row id wins, as if applied in order.
      const unique = [...new Map(entries.map((entry) => [entry.rowId, entry])).values()];
      try {
        const parts = chunks(unique, UPSERT_CHUNK);
        if (parts.length === 1) return await upsertChunk(db, tenantId, tableId, unique);
        return await db.transaction(async (tx) => {
          const out: RecordLink[] = [];
          for (const part of parts) out.push(...(await upsertChunk(tx, tenantId, tableId, part)));
          return out;
        });
      } catch (error) {
        if (isForeignKeyViolation(error, 'record_links_table_fk')) {
          throw new RowbridgeError('not_found', 'That sync table does not exist in your account.');
        }
        if (isUniqueViolation(error, 'record_links_crm_unique')) {
          throw new RowbridgeError(
            'already_exists',
            'A CRM record would be linked to two rows of this table. Remove the duplicate row or its Rowbridge ID.',
          );
        }
        throw error;
      }
    },

    /** Sets the state (and error) of these rows' links; returns how many changed. */
    async setState(
      tenantId: string,
      tableId: string,
      rowIds: readonly string[],
      state: LinkState,
      lastError: string | null = null,
    ): Promise<number> {
      if (rowIds.length === 0) return 0;
      const rows = await db
        .update(recordLinks)
        .set({ state, lastError })
        .where(and(inTable(tenantId, tableId), anyOf(recordLinks.rowId, rowIds)))
        .returning({ id: recordLinks.id });
      return rows.length;
    },

    /** One page of a table's links in row-id order, for reconciles: pass the last row id to continue. */
    async list(
      tenantId: string,
      tableId: string,
      page: { afterRowId?: string; limit?: number } = {},
    ): Promise<RecordLink[]> {
      const rows = await db
        .select()
        .from(recordLinks)
        .where(
          and(
            inTable(tenantId, tableId),
            page.afterRowId === undefined ? undefined : gt(recordLinks.rowId, page.afterRowId),
          ),
        )
        .orderBy(asc(recordLinks.rowId))
        .limit(pageSize(page.limit, 500, 5000));
      return rows.map(toLink);
    },

    /** Removes these rows' links (the rows left the sheet); their open conflicts go too. */
    async delete(tenantId: string, tableId: string, rowIds: readonly string[]): Promise<number> {
      if (rowIds.length === 0) return 0;
      const rows = await db
        .delete(recordLinks)
        .where(and(inTable(tenantId, tableId), anyOf(recordLinks.rowId, rowIds)))
        .returning({ id: recordLinks.id });
      return rows.length;
    },
  };
}
export type LinksRepo = ReturnType<typeof linksRepo>;

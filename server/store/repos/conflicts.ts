import { and, asc, count, eq, sql } from 'drizzle-orm';
import { RowbridgeError } from '../../../shared/errors.ts';
import type { FieldValue } from '../../../shared/fields.ts';
import { fieldValueSchema } from '../../../shared/fields.ts';
import { type FieldConflict, sideValueSchema } from '../../../shared/merge/types.ts';
import { isForeignKeyViolation } from '../db-errors.ts';
import type { Executor } from '../orm.ts';
import { conflicts } from '../schema.ts';
import {
  type ConflictResolution,
  type ConflictStatus,
  conflictResolutionSchema,
  readStored,
} from '../values.ts';
import { pageSize } from './common.ts';

export type Conflict = typeof conflicts.$inferSelect;

/** A conflict the merge returned, with the row it belongs to. */
export interface NewConflict extends FieldConflict {
  readonly rowId: string;
  readonly linkId?: string | null;
}

function toConflict(row: Conflict): Conflict {
  const where = `conflict ${row.id}`;
  return {
    ...row,
    base: readStored(fieldValueSchema, row.base, `${where} base`),
    sheet: readStored(sideValueSchema, row.sheet, `${where} sheet value`),
    crm: readStored(sideValueSchema, row.crm, `${where} CRM value`),
    resolution: row.resolution && readStored(conflictResolutionSchema, row.resolution, `${where} resolution`),
  };
}

const inTable = (tenantId: string, tableId: string) =>
  and(eq(conflicts.tenantId, tenantId), eq(conflicts.tableId, tableId));
const isOpen = eq(conflicts.status, 'open');

/** Conflicts waiting for review, and how they were settled. */
export function conflictsRepo(db: Executor) {
  return {
    /**
     * Records conflicts from a merge. A field that already has an open conflict gets the new sides and
     * explanation instead of a second entry, so the review shows each disagreement once, as it is now.
     */
    async record(tenantId: string, tableId: string, entries: readonly NewConflict[]): Promise<Conflict[]> {
      if (entries.length === 0) return [];
      const unique = [
        ...new Map(entries.map((entry) => [`${entry.rowId}\u0000${entry.field}`, entry])).values(),
      ];
      try {
        const rows = await db
          .insert(conflicts)
          .values(
            unique.map((entry) => ({
              tenantId,
              tableId,
              linkId: entry.linkId ?? null,
              rowId: entry.rowId,
              field: entry.field,
              base: entry.base,
              sheet: entry.sheet,
              crm: entry.crm,
              explanation: entry.explanation,
            })),
          )
          .onConflictDoUpdate({
            target: [conflicts.tenantId, conflicts.tableId, conflicts.rowId, conflicts.field],
            targetWhere: sql`status = 'open'`,
            set: {
              linkId: sql`coalesce(excluded.link_id, ${conflicts.linkId})`,
              base: sql`excluded.base`,
              sheet: sql`excluded.sheet`,
              crm: sql`excluded.crm`,
              explanation: sql`excluded.explanation`,
            },
          })
          .returning();
        return rows.map(toConflict);
      } catch (error) {
        if (isForeignKeyViolation(error)) {
          throw new RowbridgeError(
            'not_found',
            'That sync table or record link does not exist in your account.',
          );
        }
        throw error;
      }
    },

    /** Open conflicts of a table, oldest first; `rowIds` narrows to some rows. */
    async listOpen(
      tenantId: string,
      tableId: string,
      options: { rowIds?: readonly string[]; limit?: number } = {},
    ): Promise<Conflict[]> {
      const rows = await db
        .select()
        .from(conflicts)
        .where(
          and(
            inTable(tenantId, tableId),
            isOpen,
            options.rowIds
              ? sql`${conflicts.rowId} = any(${sql.param([...options.rowIds])}::text[])`
              : undefined,
          ),
        )
        .orderBy(asc(conflicts.createdAt), asc(conflicts.id))
        .limit(pageSize(options.limit, 200));
      return rows.map(toConflict);
    },

    /**
     * Conflicts of a table in one status, oldest first: `open` is the review queue (as `listOpen`),
     * `resolved` the record of what people chose.
     */
    async listByStatus(
      tenantId: string,
      tableId: string,
      status: ConflictStatus,
      options: { limit?: number } = {},
    ): Promise<Conflict[]> {
      const rows = await db
        .select()
        .from(conflicts)
        .where(and(inTable(tenantId, tableId), eq(conflicts.status, status)))
        .orderBy(asc(conflicts.createdAt), asc(conflicts.id))
        .limit(pageSize(options.limit, 200));
      return rows.map(toConflict);
    },

    /**
     * Closes open conflicts the two sides settled themselves (both now hold an equal value, or both went
     * back to the base): no review is needed any more. Returns how many closed.
     */
    async settle(
      tenantId: string,
      tableId: string,
      entries: readonly { readonly rowId: string; readonly field: string; readonly value: FieldValue }[],
    ): Promise<number> {
      let closed = 0;
      for (const entry of entries) {
        const rows = await db
          .update(conflicts)
          .set({
            status: 'resolved',
            resolution: { choice: 'agreed', value: entry.value },
            resolvedBy: 'sync',
            resolvedAt: sql`now()`,
          })
          .where(
            and(
              inTable(tenantId, tableId),
              isOpen,
              eq(conflicts.rowId, entry.rowId),
              eq(conflicts.field, entry.field),
            ),
          )
          .returning({ id: conflicts.id });
        closed += rows.length;
      }
      return closed;
    },

    /** How many conflicts of a table are open: the sidebar badge. */
    async countOpen(tenantId: string, tableId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(conflicts)
        .where(and(inTable(tenantId, tableId), isOpen));
      return row?.n ?? 0;
    },

    async get(tenantId: string, id: string): Promise<Conflict | undefined> {
      const [row] = await db
        .select()
        .from(conflicts)
        .where(and(eq(conflicts.tenantId, tenantId), eq(conflicts.id, id)));
      return row && toConflict(row);
    },

    /**
     * Settles an open conflict. Returns `undefined` when it is not the tenant's or was already settled,
     * so two people choosing at once cannot both apply a choice.
     */
    async resolve(
      tenantId: string,
      id: string,
      decision: { resolution: ConflictResolution; resolvedBy: string },
    ): Promise<Conflict | undefined> {
      const [row] = await db
        .update(conflicts)
        .set({
          status: 'resolved',
          resolution: decision.resolution,
          resolvedBy: decision.resolvedBy,
          resolvedAt: sql`now()`,
        })
        .where(and(eq(conflicts.tenantId, tenantId), eq(conflicts.id, id), isOpen))
        .returning();
      return row && toConflict(row);
    },
  };
}
export type ConflictsRepo = ReturnType<typeof conflictsRepo>;

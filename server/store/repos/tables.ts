import { and, eq, sql } from 'drizzle-orm';
import { type TableSettings, tableSettingsSchema } from '../../../shared/api/tables.ts';
import { RowbridgeError } from '../../../shared/errors.ts';
import { type TableMapping, tableMappingSchema } from '../../../shared/mapping/schema.ts';
import type { ConflictPolicy } from '../../../shared/merge/types.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../db-errors.ts';
import type { Executor } from '../orm.ts';
import { connections, syncTables } from '../schema.ts';
import { readStored, type SyncCursors, syncCursorsSchema, type TableStatus } from '../values.ts';
import { defined } from './common.ts';

export type SyncTable = typeof syncTables.$inferSelect;

export interface NewSyncTable {
  readonly spreadsheetId: string;
  readonly sheetTabId: number;
  readonly sheetTabName: string;
  readonly connectionId: string;
  /** A mapping already checked by `validateMapping`; its `object` becomes the table's CRM object. */
  readonly mapping: TableMapping;
  readonly policy?: ConflictPolicy;
  readonly region?: string | null;
  readonly reconcileIntervalSeconds?: number;
  readonly settings?: TableSettings;
}

export interface SyncTablePatch {
  readonly sheetTabName?: string;
  readonly connectionId?: string;
  readonly mapping?: TableMapping;
  readonly policy?: ConflictPolicy;
  readonly region?: string | null;
  readonly reconcileIntervalSeconds?: number;
  readonly settings?: TableSettings;
  readonly status?: TableStatus;
  readonly lastError?: string | null;
}

/**
 * Checks the stored jsonb. The mapping is re-read structurally only: it was validated semantically on
 * write, and re-validating against today's field list would lock users out of a table whose mapping
 * names a field a later version renamed (that is reported when the table is used, not when it is read).
 */
function toTable(row: SyncTable): SyncTable {
  const where = `sync table ${row.id}`;
  return {
    ...row,
    mapping: readStored(tableMappingSchema, row.mapping, `${where} mapping`) as TableMapping,
    cursors: readStored(syncCursorsSchema, row.cursors, `${where} cursors`),
    settings: readStored(tableSettingsSchema, row.settings, `${where} settings`),
  };
}

function writeError(error: unknown): unknown {
  if (isUniqueViolation(error, 'sync_tables_tab_unique')) {
    return new RowbridgeError(
      'already_exists',
      'This sheet tab already has a sync table; edit that one instead.',
    );
  }
  if (isForeignKeyViolation(error, 'sync_tables_spreadsheet_fk')) {
    return new RowbridgeError('not_found', 'That spreadsheet is not bound to your account.');
  }
  if (isForeignKeyViolation(error, 'sync_tables_connection_fk')) {
    return new RowbridgeError('not_found', 'That connection does not exist in your account.');
  }
  return error;
}

const scoped = (tenantId: string, id: string) =>
  and(eq(syncTables.tenantId, tenantId), eq(syncTables.id, id));

/** Sync tables: one sheet tab ↔ one CRM object, with its mapping, policy and cursors. */
export function tablesRepo(db: Executor) {
  return {
    /** Creates a table; a second table on the same tab gives `already_exists`. */
    async create(tenantId: string, input: NewSyncTable): Promise<SyncTable> {
      try {
        const [row] = await db
          .insert(syncTables)
          .values({
            tenantId,
            spreadsheetId: input.spreadsheetId,
            sheetTabId: input.sheetTabId,
            sheetTabName: input.sheetTabName,
            connectionId: input.connectionId,
            crmObject: input.mapping.object,
            mapping: input.mapping,
            ...defined({
              policy: input.policy,
              region: input.region,
              reconcileIntervalSeconds: input.reconcileIntervalSeconds,
              settings: input.settings,
            }),
          })
          .returning();
        if (!row) throw new Error('sync table insert returned no row');
        return toTable(row);
      } catch (error) {
        throw writeError(error);
      }
    },

    async get(tenantId: string, id: string): Promise<SyncTable | undefined> {
      const [row] = await db.select().from(syncTables).where(scoped(tenantId, id));
      return row && toTable(row);
    },

    async listForSpreadsheet(tenantId: string, spreadsheetId: string): Promise<SyncTable[]> {
      const rows = await db
        .select()
        .from(syncTables)
        .where(and(eq(syncTables.tenantId, tenantId), eq(syncTables.spreadsheetId, spreadsheetId)))
        .orderBy(syncTables.createdAt, syncTables.id);
      return rows.map(toTable);
    },

    /** Tables syncing through a connection, for routing its webhooks. */
    async listForConnection(tenantId: string, connectionId: string): Promise<SyncTable[]> {
      const rows = await db
        .select()
        .from(syncTables)
        .where(and(eq(syncTables.tenantId, tenantId), eq(syncTables.connectionId, connectionId)))
        .orderBy(syncTables.createdAt, syncTables.id);
      return rows.map(toTable);
    },

    /**
     * Every table syncing with one CRM, across tenants, for the companion's own schedules (the Salesforce
     * poll is re-armed at start). Not scoped by tenant: nothing from here may reach a user.
     */
    async listForCrm(crm: string): Promise<SyncTable[]> {
      const rows = await db
        .select({ table: syncTables })
        .from(syncTables)
        .innerJoin(
          connections,
          and(eq(connections.tenantId, syncTables.tenantId), eq(connections.id, syncTables.connectionId)),
        )
        .where(eq(connections.crm, crm))
        .orderBy(syncTables.createdAt, syncTables.id);
      return rows.map((row) => toTable(row.table));
    },

    /** Changes settings; a new mapping also updates the CRM object. Absent keys stay as they are. */
    async update(tenantId: string, id: string, patch: SyncTablePatch): Promise<SyncTable | undefined> {
      try {
        const [row] = await db
          .update(syncTables)
          .set({ ...defined(patch), ...(patch.mapping ? { crmObject: patch.mapping.object } : {}) })
          .where(scoped(tenantId, id))
          .returning();
        return row && toTable(row);
      } catch (error) {
        throw writeError(error);
      }
    },

    /**
     * Merges cursor values into the stored ones in one statement (jsonb `||`), so a CRM poller and a
     * sheet reconcile advancing different cursors at once never undo each other.
     */
    async updateCursors(
      tenantId: string,
      id: string,
      cursors: Partial<SyncCursors>,
    ): Promise<SyncTable | undefined> {
      const patch = JSON.stringify(defined(cursors));
      const [row] = await db
        .update(syncTables)
        .set({ cursors: sql`${syncTables.cursors} || ${patch}::jsonb` })
        .where(scoped(tenantId, id))
        .returning();
      return row && toTable(row);
    },

    /** Deletes a table with its links, conflicts and jobs; its audit history stays. */
    async delete(tenantId: string, id: string): Promise<boolean> {
      const rows = await db.delete(syncTables).where(scoped(tenantId, id)).returning({ id: syncTables.id });
      return rows.length > 0;
    },
  };
}
export type TablesRepo = ReturnType<typeof tablesRepo>;

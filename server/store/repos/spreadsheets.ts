import { and, eq } from 'drizzle-orm';
import type { Executor } from '../orm.ts';
import { spreadsheets } from '../schema.ts';

export type Spreadsheet = typeof spreadsheets.$inferSelect;

export interface SpreadsheetBinding {
  readonly googleSpreadsheetId: string;
  /** A hash of the per-spreadsheet secret; the secret itself is never stored. */
  readonly secretHash: string;
  readonly secretKeyId?: string | null;
  readonly createdBy?: string | null;
}

const scoped = (tenantId: string, id: string) =>
  and(eq(spreadsheets.tenantId, tenantId), eq(spreadsheets.id, id));

/** Spreadsheets bound to a tenant, each with the hash of its secret. */
export function spreadsheetsRepo(db: Executor) {
  /** The tenant's binding of a Google spreadsheet id, as the add-on sends it. */
  async function getByGoogleId(
    tenantId: string,
    googleSpreadsheetId: string,
  ): Promise<Spreadsheet | undefined> {
    const [row] = await db
      .select()
      .from(spreadsheets)
      .where(
        and(eq(spreadsheets.tenantId, tenantId), eq(spreadsheets.googleSpreadsheetId, googleSpreadsheetId)),
      );
    return row;
  }

  return {
    getByGoogleId,

    /**
     * Binds a spreadsheet to the tenant the first time it is seen. A spreadsheet already bound keeps its
     * secret: `created: false` returns the existing binding untouched, so a replayed bind cannot swap the
     * secret of a sheet someone else set up (rotating is `rotateSecret`, an explicit act).
     */
    async bind(
      tenantId: string,
      binding: SpreadsheetBinding,
    ): Promise<{ created: boolean; spreadsheet: Spreadsheet }> {
      const [created] = await db
        .insert(spreadsheets)
        .values({
          tenantId,
          googleSpreadsheetId: binding.googleSpreadsheetId,
          secretHash: binding.secretHash,
          secretKeyId: binding.secretKeyId ?? null,
          createdBy: binding.createdBy ?? null,
        })
        .onConflictDoNothing({ target: [spreadsheets.tenantId, spreadsheets.googleSpreadsheetId] })
        .returning();
      if (created) return { created: true, spreadsheet: created };
      const existing = await getByGoogleId(tenantId, binding.googleSpreadsheetId);
      if (!existing) throw new Error('spreadsheet binding vanished during bind');
      return { created: false, spreadsheet: existing };
    },

    async get(tenantId: string, id: string): Promise<Spreadsheet | undefined> {
      const [row] = await db.select().from(spreadsheets).where(scoped(tenantId, id));
      return row;
    },

    async list(tenantId: string): Promise<Spreadsheet[]> {
      return db
        .select()
        .from(spreadsheets)
        .where(eq(spreadsheets.tenantId, tenantId))
        .orderBy(spreadsheets.createdAt, spreadsheets.id);
    },

    /** Replaces the secret hash (the old secret stops working at once). */
    async rotateSecret(
      tenantId: string,
      id: string,
      secret: { secretHash: string; secretKeyId?: string | null },
    ): Promise<Spreadsheet | undefined> {
      const [row] = await db
        .update(spreadsheets)
        .set({ secretHash: secret.secretHash, secretKeyId: secret.secretKeyId ?? null })
        .where(scoped(tenantId, id))
        .returning();
      return row;
    },

    /** Unbinds a spreadsheet; its connections, tables, links and conflicts go with it. */
    async delete(tenantId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(spreadsheets)
        .where(scoped(tenantId, id))
        .returning({ id: spreadsheets.id });
      return rows.length > 0;
    },
  };
}
export type SpreadsheetsRepo = ReturnType<typeof spreadsheetsRepo>;

import { join } from 'node:path';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { OpenedClient } from './sql-client.ts';

/** The generated SQL (drizzle-kit) plus hand-written migrations, next to this module in any install. */
export const MIGRATIONS_FOLDER = join(import.meta.dirname, 'migrations');

// Any fixed 64-bit number works; it only has to be the same in every Rowbridge process.
const MIGRATION_LOCK_KEY = 4_190_771_263;

type Count = (text: string) => Promise<{ rows: { n: number }[] }>;

/** How many migrations drizzle has recorded; 0 on an empty database. */
async function appliedCount(query: Count): Promise<number> {
  const present = await query("select (to_regclass('drizzle.__drizzle_migrations') is not null)::int as n");
  if (!present.rows[0]?.n) return 0;
  const counted = await query('select count(*)::int as n from drizzle.__drizzle_migrations');
  return counted.rows[0]?.n ?? 0;
}

/**
 * Applies pending migrations and returns how many ran (0 when the database is current). drizzle runs
 * them in one transaction, so a failure leaves the database as it was. On PostgreSQL, a session advisory
 * lock makes instances that start together take turns: the first migrates, the others find nothing to do.
 * PGlite belongs to one process and serialises statements, so it needs no lock.
 */
export async function migrate(client: OpenedClient): Promise<{ applied: number }> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  const { raw } = client;
  if (raw.kind === 'pglite') {
    const before = await appliedCount((text) => client.query(text));
    await migratePglite(drizzlePglite({ client: raw.pglite }), config);
    return { applied: (await appliedCount((text) => client.query(text))) - before };
  }
  // The lock belongs to a session, so everything runs on one pooled connection that holds it.
  const connection = await raw.pool.connect();
  let broken: Error | undefined;
  try {
    const query: Count = (text) => connection.query(text);
    await connection.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const before = await appliedCount(query);
      await migrateNodePg(drizzleNodePg({ client: connection }), config);
      return { applied: (await appliedCount(query)) - before };
    } finally {
      await connection.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (error) {
    // A connection whose unlock may not have run must not go back to the pool still holding the lock.
    broken = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    connection.release(broken);
  }
}

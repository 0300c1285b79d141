import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import * as schema from './schema.ts';
import type { OpenedClient } from './sql-client.ts';

export type Schema = typeof schema;

/**
 * The drizzle database over either driver. Typed with the driver-neutral `PgQueryResultHKT`, so code
 * above the store never depends on which engine runs (the result shapes it could differ on are not used).
 */
export type Orm = PgDatabase<PgQueryResultHKT, Schema>;

/** A transaction: usable wherever an `Orm` is, so repositories run the same inside one or not. */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

/** What repositories query through: the database itself or an open transaction. */
export type Executor = Orm | Tx;

/** Builds the drizzle database for an opened client, sharing its connection (PGlite) or pool (PostgreSQL). */
export function createOrm(client: OpenedClient): Orm {
  const { raw } = client;
  return raw.kind === 'pglite'
    ? drizzlePglite({ client: raw.pglite, schema })
    : drizzleNodePg({ client: raw.pool, schema });
}

import type { SqlClient } from '../store/sql-client.ts';

/** Schema names are spliced into SQL, so only plain identifiers are accepted (pg-boss asks the same). */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,49}$/;

/**
 * The queue's own tables, beside pg-boss's in the same schema so all queue state lives (and is backed
 * up, or dropped) together: step results for `once()`, and idempotency keys for `send`. Both are keyed
 * so that a second writer loses cleanly (ON CONFLICT), which is what makes them safe across processes.
 */
export async function createQueueTables(client: SqlClient, schema: string): Promise<void> {
  const script = `
    CREATE TABLE IF NOT EXISTS ${schema}.queue_effects (
      job_id uuid NOT NULL,
      step text NOT NULL,
      result jsonb,
      created_on timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, step)
    );
    CREATE INDEX IF NOT EXISTS queue_effects_created_on ON ${schema}.queue_effects (created_on);
    CREATE TABLE IF NOT EXISTS ${schema}.queue_sends (
      name text NOT NULL,
      idempotency_key text NOT NULL,
      job_id uuid NOT NULL,
      sent boolean NOT NULL DEFAULT false,
      created_on timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, idempotency_key)
    );
    CREATE INDEX IF NOT EXISTS queue_sends_created_on ON ${schema}.queue_sends (created_on);
  `;
  try {
    await client.exec(script);
  } catch {
    // Two processes starting on a fresh database can both try to create a table: IF NOT EXISTS is not
    // atomic in PostgreSQL. The loser's second try finds the tables there.
    await client.exec(script);
  }
}

/** Forgets step results and idempotency keys older than `days`, so the tables stay small. */
export async function purgeQueueTables(client: SqlClient, schema: string, days: number): Promise<void> {
  for (const table of ['queue_effects', 'queue_sends']) {
    await client.query(
      `DELETE FROM ${schema}.${table} WHERE created_on < now() - make_interval(days => $1)`,
      [days],
    );
  }
}

import type { SqlClient } from '../store/sql-client.ts';
import type { QueueStats } from './types.ts';

/** Where a job kind's failed jobs are kept (pg-boss's dead letter queue for it). */
export function failedQueueName(name: string): string {
  return `${name}.failed`;
}

interface Row {
  name: string;
  queued: number;
  active: number;
  oldest: number;
}

/**
 * Counts straight from pg-boss's job table. pg-boss's own `getQueues()` counts are a cache refreshed by
 * its monitor (every minute by default) and have no age, and metrics want both fresh and the age. The
 * read uses columns pg-boss documents on jobs (name, state, start_after) and its `job_state` ordering
 * (created < retry < active), as its own SQL does.
 */
export async function readStats(
  client: SqlClient,
  schema: string,
  names: readonly string[],
): Promise<Record<string, QueueStats>> {
  const all = names.flatMap((name) => [name, failedQueueName(name)]);
  const { rows } = await client.query<Row>(
    `SELECT name,
       count(*) FILTER (WHERE state < 'active')::int AS queued,
       count(*) FILTER (WHERE state = 'active')::int AS active,
       COALESCE(EXTRACT(EPOCH FROM now() - min(start_after)
         FILTER (WHERE state < 'active' AND start_after <= now())), 0)::float8 AS oldest
     FROM ${schema}.job
     WHERE name IN (SELECT jsonb_array_elements_text($1::jsonb))
     GROUP BY name`,
    [JSON.stringify(all)],
  );
  const byName = new Map(rows.map((row) => [row.name, row]));
  const stats: Record<string, QueueStats> = {};
  for (const name of names) {
    const own = byName.get(name);
    const dead = byName.get(failedQueueName(name));
    stats[name] = {
      queued: own?.queued ?? 0,
      active: own?.active ?? 0,
      // pg-boss copies a job that is out of retries to the failed queue in the statement that fails it,
      // so the copies are the whole count; the failed row itself is deleted soon after (releaseKeys).
      failed: dead?.queued ?? 0,
      oldestQueuedAgeSeconds: Math.max(0, own?.oldest ?? 0),
    };
  }
  return stats;
}

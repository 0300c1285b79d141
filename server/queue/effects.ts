import { RowbridgeError } from '../../shared/errors.ts';
import type { SqlClient } from '../store/sql-client.ts';
import type { JobContext } from './types.ts';

interface EffectStore {
  readonly client: SqlClient;
  readonly schema: string;
}

// Contexts are made by the queue; `once` finds the database through them without widening the context
// handlers see (a handler has no business reaching the queue's tables).
const stores = new WeakMap<JobContext, EffectStore>();

/** Ties a handler's context to the database `once` records steps in. Used by the queue only. */
export function bindEffects(ctx: JobContext, store: EffectStore): JobContext {
  stores.set(ctx, store);
  return ctx;
}

/**
 * Runs `effect` at most once per job and step name, across retries and crash re-runs: a later run of the
 * same job gets the recorded result back instead of running it again. This is what keeps effects outside
 * the database (a CRM write) from being duplicated when a job is interrupted after them.
 *
 * The result is recorded after `effect` resolves, so a crash between the two still repeats the effect:
 * the window is narrowed to the effect itself, not closed. Where the other side supports it (upserts by
 * external id, idempotency keys), pass `ctx.jobId` along so a repeat is harmless too.
 *
 * The result must be JSON: it is stored as jsonb, and both the first and later runs get the stored form
 * back (`undefined` comes back as `null`, a Date as its ISO string).
 */
export async function once<T>(ctx: JobContext, step: string, effect: () => Promise<T>): Promise<T> {
  const store = stores.get(ctx);
  if (!store) {
    throw new RowbridgeError('internal', 'once() needs the context the queue passed to the job handler.');
  }
  const table = `${store.schema}.queue_effects`;
  const recorded = async () => {
    const { rows } = await store.client.query<{ result: T }>(
      `SELECT result FROM ${table} WHERE job_id = $1 AND step = $2`,
      [ctx.jobId, step],
    );
    return rows[0];
  };
  const done = await recorded();
  if (done) return done.result;
  const result = await effect();
  const { rows } = await store.client.query<{ result: T }>(
    `INSERT INTO ${table} (job_id, step, result) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (job_id, step) DO NOTHING RETURNING result`,
    [ctx.jobId, step, JSON.stringify(result ?? null)],
  );
  // No row: a run that outlived its expiry recorded this step first. Its result is the one that stands.
  const stored = rows[0] ?? (await recorded());
  return (stored?.result ?? null) as T;
}

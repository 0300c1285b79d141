/**
 * Test fixture for restart.integration.test.ts: a worker process that gets killed mid-job.
 *
 * `node --import tsx server/queue/crash-child.fixture.ts <postgres-url | pglite-data-dir>` sends one
 * `effectful` job, runs it, prints `EFFECT <jobId>` once the job's effect is written and recorded, and
 * then hangs until the test kills it with SIGKILL.
 */
import { pathToFileURL } from 'node:url';
import * as z from 'zod';
import { type OpenedClient, openPglite, openPostgres, type SqlClient } from '../store/sql-client.ts';
import { once } from './effects.ts';
import { createQueue } from './queue.ts';
import type { JobContext, JobQueue } from './types.ts';

/** The table standing in for an effect outside the queue (a CRM write): one row per time it happened. */
export const EFFECTS_TABLE = 'crash_effects';

/**
 * The job both processes define. Expiry is short so the test does not wait long for the dead run to be
 * noticed, and retries are immediate: the test measures restart safety, not backoff.
 */
export function defineEffectJob(
  queue: JobQueue,
  client: SqlClient,
  afterEffect: (ctx: JobContext) => Promise<void>,
): void {
  queue.define('effectful', {
    schema: z.object({ label: z.string() }),
    expireInSeconds: 2,
    retryDelaySeconds: 0,
    retryBackoff: false,
    handler: async ({ label }, ctx) => {
      await once(ctx, 'effect', async () => {
        await client.query(`INSERT INTO ${EFFECTS_TABLE} (job_id, label) VALUES ($1, $2)`, [
          ctx.jobId,
          label,
        ]);
        return { written: true };
      });
      await afterEffect(ctx);
    },
  });
}

/** Opens the database the test named: a PostgreSQL URL, or else a PGlite data folder. */
export async function openTarget(target: string): Promise<OpenedClient> {
  return target.startsWith('postgres') ? openPostgres(target, { max: 3 }) : openPglite(target);
}

async function main(target: string): Promise<void> {
  const client = await openTarget(target);
  await client.exec(
    `CREATE TABLE IF NOT EXISTS ${EFFECTS_TABLE} (job_id uuid NOT NULL, label text NOT NULL)`,
  );
  const queue = await createQueue(client, { pollIntervalSeconds: 0.5 });
  defineEffectJob(queue, client, async (ctx) => {
    console.log(`EFFECT ${ctx.jobId}`);
    // Hang with the job active, as a process that is about to be killed would be.
    await new Promise(() => {});
  });
  await queue.start();
  await queue.send('effectful', { label: 'first run' }, { key: 'sheet-1' });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: crash-child.fixture.ts <postgres-url | pglite-data-dir>');
  await main(target);
}

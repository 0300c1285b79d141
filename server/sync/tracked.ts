import { isRowbridgeError } from '../../shared/errors.ts';
import type { JobContext } from '../queue/index.ts';
import { redact } from '../security/redact.ts';
import type { Database } from '../store/database.ts';
import type { JsonValue } from '../store/values.ts';

/** Codes a retry cannot fix: the job fails at once and says why, instead of retrying for minutes. */
const FINAL = new Set([
  'invalid_input',
  'not_found',
  'crm_not_configured',
  'crm_rejected',
  'auth_expired',
  'mapping_invalid',
  'storage_corrupt',
]);

/** Reports progress at most this often: a 5,000-row export should not write its job row 5,000 times. */
const PROGRESS_EVERY_MS = 500;

export interface Tracker {
  progress(done: number, total: number | null): void;
}

/**
 * Runs a job that users watch (`jobs` table): marks it running, throttles progress updates, and records
 * how it ended. A failure is retried by the queue unless it cannot be fixed by retrying or the retries
 * are used up; then the job is marked failed with the error's code and message.
 */
export async function runTracked(
  db: Database,
  ref: { readonly tenantId: string; readonly jobId: string },
  ctx: Pick<JobContext, 'attempt'>,
  retryLimit: number,
  work: (tracker: Tracker) => Promise<JsonValue>,
): Promise<void> {
  await db.repos.jobs.start(ref.tenantId, ref.jobId);
  let last = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const tracker: Tracker = {
    progress(done, total) {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      pending = pending.then(() => db.repos.jobs.updateProgress(ref.tenantId, ref.jobId, { done, total }));
    },
  };
  try {
    const result = await work(tracker);
    await pending;
    await db.repos.jobs.finish(ref.tenantId, ref.jobId, { status: 'succeeded', result });
  } catch (error) {
    await pending.catch(() => {});
    const code = isRowbridgeError(error) ? error.code : 'internal';
    if (FINAL.has(code) || ctx.attempt > retryLimit) {
      // Stored and shown to users (sidebar, dashboard): a CRM may echo a credential into its message.
      const message = isRowbridgeError(error)
        ? redact(error.message)
        : 'The job failed unexpectedly; it was logged.';
      await db.repos.jobs.finish(ref.tenantId, ref.jobId, { status: 'failed', error: { code, message } });
      if (FINAL.has(code)) return;
    }
    throw error;
  }
}

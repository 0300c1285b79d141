import type { Job as ApiJob } from '../../../shared/api/jobs.ts';
import { ERROR_CODES, type ErrorCode } from '../../../shared/errors.ts';
import { callerOf } from '../../auth/middleware.ts';
import type { Database } from '../../store/database.ts';
import type { Job } from '../../store/repos/index.ts';
import type { ApiHandlers } from './handlers.ts';
import { notFound, scopeOf } from './scope.ts';

const count = (value: number) => Math.max(0, Math.floor(value));

function errorCode(code: string): ErrorCode {
  // A job may store a code from a newer version or a vendor; the contract only knows its own list.
  return (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'internal';
}

/** Percent done and the time left at the pace so far, for a running job with a known total. */
function pace(job: Job, done: number, total: number | null, now: number) {
  const percent = total === null ? null : total === 0 ? 100 : Math.min(100, Math.round((done / total) * 100));
  const elapsed = job.startedAt ? (now - job.startedAt.getTime()) / 1000 : 0;
  const etaSeconds =
    job.status === 'running' && total !== null && done > 0 && elapsed > 0
      ? Math.max(0, Math.round((elapsed / done) * (total - done)))
      : job.status === 'succeeded'
        ? 0
        : null;
  return { percent, etaSeconds };
}

/** A stored job as the sidebar's progress bar sees it. */
export function toApiJob(job: Job, now: number = Date.now()): ApiJob {
  const done = job.progress ? count(job.progress.done) : 0;
  const total = job.progress?.total === null || !job.progress ? null : count(job.progress.total);
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    progress: { done, total, ...pace(job, done, total, now) },
    ...(job.error ? { error: { code: errorCode(job.error.code), message: job.error.message } } : {}),
    ...(job.status === 'succeeded' && job.result !== null ? { result: job.result } : {}),
  };
}

/** `GET /api/v1/jobs/{jobId}`. */
export function jobHandlers(db: Database): Pick<ApiHandlers, 'getJob'> {
  return {
    async getJob(c, { params }) {
      const scope = scopeOf(callerOf(c));
      const job = await db.repos.jobs.get(scope.tenantId, params.jobId);
      // A table's job belongs to that table's spreadsheet; a job without a table is the whole tenant's.
      const table = job?.tableId ? await db.repos.tables.get(scope.tenantId, job.tableId) : undefined;
      if (!job || (job.tableId !== null && table?.spreadsheetId !== scope.spreadsheetId)) {
        throw notFound('job');
      }
      return toApiJob(job);
    },
  };
}

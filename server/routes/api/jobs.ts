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

/** A stored job as the sidebar's progress bar sees it. */
export function toApiJob(job: Job): ApiJob {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    progress: job.progress
      ? {
          done: count(job.progress.done),
          total: job.progress.total === null ? null : count(job.progress.total),
        }
      : { done: 0, total: null },
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

import * as z from 'zod';
import { ERROR_CODES } from '../errors.ts';
import { idSchema } from './common.ts';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const jobParamsSchema = z.strictObject({ jobId: idSchema });

/**
 * A background job as the sidebar's progress bar sees it. `kind` is the queue's job name (`export`,
 * `import`, `reconcile`, ...), an open list owned by the queue. `total` is null until the job knows it (an
 * import before the CRM reports a count); `error` is set on failed jobs, in the same shape as API errors.
 */
export const jobSchema = z.strictObject({
  id: idSchema,
  kind: z.string().min(1),
  status: z.enum(JOB_STATUSES),
  progress: z.strictObject({
    done: z.number().int().min(0),
    total: z.number().int().min(0).nullable(),
    /** 0-100 once the total is known. */
    percent: z.number().min(0).max(100).nullable().optional(),
    /** Seconds left at the pace so far; null until the job has made some progress. */
    etaSeconds: z.number().min(0).nullable().optional(),
  }),
  error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() }).optional(),
  /**
   * What a finished job produced; its shape depends on `kind` (`exportResultSchema` for `export`). Typed
   * loosely here: a recursive JSON type would give the OpenAPI document a `$defs` entry outside components.
   */
  result: z.unknown().optional(),
});
export type Job = z.output<typeof jobSchema>;

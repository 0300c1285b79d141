import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { RowbridgeError } from '../../../shared/errors.ts';
import { isForeignKeyViolation } from '../db-errors.ts';
import type { Executor } from '../orm.ts';
import { jobs } from '../schema.ts';
import {
  type JobError,
  type JobProgress,
  type JsonValue,
  jobErrorSchema,
  jobProgressSchema,
  jsonValueSchema,
  readStored,
} from '../values.ts';
import { pageSize } from './common.ts';

export type Job = typeof jobs.$inferSelect;

/** Known job kinds; others are allowed so a new kind needs no migration. */
export type JobKind = 'export' | 'import' | 'push' | 'apply_crm_events' | 'reconcile' | (string & {});

export interface NewJob {
  readonly kind: JobKind;
  readonly tableId?: string | null;
  readonly queueJobId?: string | null;
  readonly createdBy?: string | null;
  readonly progress?: JobProgress | null;
}

/** How a job ended. */
export type JobOutcome =
  | { readonly status: 'succeeded'; readonly result?: JsonValue }
  | { readonly status: 'failed'; readonly error: JobError }
  | { readonly status: 'cancelled' };

function toJob(row: Job): Job {
  const where = `job ${row.id}`;
  return {
    ...row,
    progress: row.progress && readStored(jobProgressSchema, row.progress, `${where} progress`),
    result: readStored(jsonValueSchema, row.result, `${where} result`),
    error: row.error && readStored(jobErrorSchema, row.error, `${where} error`),
  };
}

const scoped = (tenantId: string, id: string) => and(eq(jobs.tenantId, tenantId), eq(jobs.id, id));
const unfinished = inArray(jobs.status, ['queued', 'running']);

/** Jobs as users see them (the queue's own bookkeeping lives in its schema). */
export function jobsRepo(db: Executor) {
  return {
    /** Records a queued job; a table the tenant does not own gives `not_found`. */
    async create(tenantId: string, input: NewJob): Promise<Job> {
      try {
        const [row] = await db
          .insert(jobs)
          .values({
            tenantId,
            kind: input.kind,
            tableId: input.tableId ?? null,
            queueJobId: input.queueJobId ?? null,
            createdBy: input.createdBy ?? null,
            progress: input.progress ?? null,
          })
          .returning();
        if (!row) throw new Error('job insert returned no row');
        return toJob(row);
      } catch (error) {
        if (isForeignKeyViolation(error, 'jobs_table_fk')) {
          throw new RowbridgeError('not_found', 'That sync table does not exist in your account.');
        }
        throw error;
      }
    },

    async get(tenantId: string, id: string): Promise<Job | undefined> {
      const [row] = await db.select().from(jobs).where(scoped(tenantId, id));
      return row && toJob(row);
    },

    /** A table's jobs, newest first. */
    async listForTable(tenantId: string, tableId: string, options: { limit?: number } = {}): Promise<Job[]> {
      const rows = await db
        .select()
        .from(jobs)
        .where(and(eq(jobs.tenantId, tenantId), eq(jobs.tableId, tableId)))
        .orderBy(desc(jobs.createdAt), desc(jobs.id))
        .limit(pageSize(options.limit, 50, 500));
      return rows.map(toJob);
    },

    /** Links the record to the queue's job once it is enqueued. */
    async setQueueJobId(tenantId: string, id: string, queueJobId: string): Promise<Job | undefined> {
      const [row] = await db.update(jobs).set({ queueJobId }).where(scoped(tenantId, id)).returning();
      return row && toJob(row);
    },

    /** Marks a job running (a retried job keeps its first start time); finished jobs are left alone. */
    async start(tenantId: string, id: string): Promise<Job | undefined> {
      const [row] = await db
        .update(jobs)
        .set({ status: 'running', startedAt: sql`coalesce(${jobs.startedAt}, now())` })
        .where(and(scoped(tenantId, id), unfinished))
        .returning();
      return row && toJob(row);
    },

    /** Reports progress of an unfinished job. */
    async updateProgress(tenantId: string, id: string, progress: JobProgress): Promise<Job | undefined> {
      const [row] = await db
        .update(jobs)
        .set({ progress })
        .where(and(scoped(tenantId, id), unfinished))
        .returning();
      return row && toJob(row);
    },

    /**
     * Ends a job. Returns `undefined` if it is not the tenant's or already ended: the first outcome
     * stands (a cancel racing a success cannot flip it).
     */
    async finish(tenantId: string, id: string, outcome: JobOutcome): Promise<Job | undefined> {
      const [row] = await db
        .update(jobs)
        .set({
          status: outcome.status,
          result: outcome.status === 'succeeded' ? (outcome.result ?? null) : null,
          error: outcome.status === 'failed' ? outcome.error : null,
          finishedAt: sql`now()`,
        })
        .where(and(scoped(tenantId, id), unfinished))
        .returning();
      return row && toJob(row);
    },
  };
}
export type JobsRepo = ReturnType<typeof jobsRepo>;

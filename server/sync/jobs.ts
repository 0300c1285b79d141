import * as z from 'zod';
import { RowbridgeError } from '../../shared/errors.ts';
import type { JobKind, JobQueue } from '../queue/index.ts';
import type { JsonValue } from '../store/values.ts';
import { applyCrmEvents } from './apply-crm-events.ts';
import { EXPORT_RETRIES, type ExportJob, exportJobSchema, runExportJob } from './export-job.ts';
import { IMPORT_RETRIES, type ImportJob, importJobSchema, runImportJob } from './import-job.ts';
import { OUTREACH_RETRIES, type OutreachJob, outreachJobSchema, runOutreachJob } from './outreach.ts';
import { type PollJob, pollJobSchema, runPoll, schedulePoll } from './poll.ts';
import { applyResolutions, type ResolutionJob, resolutionJobSchema } from './resolutions.ts';
import type { SyncRuntime } from './runtime.ts';
import { runTracked } from './tracked.ts';

const connectionRef = z.strictObject({ tenantId: z.string().min(1), connectionId: z.string().min(1) });

/** The sync engine's job kinds, for routes and webhooks to send work to. */
export interface SyncJobs {
  /** Applies a connection's pending webhook events; one connection's runs never overlap. */
  readonly crmEvents: JobKind<z.input<typeof connectionRef>>;
  /** Pushes sheet rows to the CRM; keyed by table. */
  readonly export: JobKind<ExportJob>;
  /** Logs outreach events on CRM records; keyed by table. */
  readonly outreach: JobKind<OutreachJob>;
  /** Brings CRM records into the tab. */
  readonly import: JobKind<ImportJob>;
  /** Writes the values people chose for conflicts to both sides. */
  readonly resolutions: JobKind<ResolutionJob>;
  /**
   * Reconciles a table: lists its changed CRM records and merges them, merges sheet edits nobody pushed,
   * orphans links of deleted rows; re-sends itself every interval. With a `jobId`, a run a user asked for.
   */
  readonly poll: JobKind<PollJob>;
}

/**
 * Registers the sync engine's jobs on the queue (before it starts). Each kind is keyed so that work on
 * one connection or table runs in order and never races itself.
 */
export function defineSyncJobs(
  queue: JobQueue,
  runtime: SyncRuntime,
  options: { readonly now?: () => number } = {},
): SyncJobs {
  const now = options.now ?? Date.now;
  const crmEvents = queue.define('crm-events', {
    schema: connectionRef,
    handler: async (data, ctx) => {
      const result = await applyCrmEvents(runtime, data, ctx);
      if (result.events > 0)
        runtime.logger.info({ ...result, connection: data.connectionId }, 'Applied CRM events');
    },
    retryLimit: 5,
    retryDelaySeconds: 2,
    expireInSeconds: 600,
  });
  const exportKind = queue.define('export', {
    schema: exportJobSchema,
    handler: (data, ctx) => runExportJob(runtime, data, ctx),
    retryLimit: EXPORT_RETRIES,
    retryDelaySeconds: 5,
    expireInSeconds: 1800,
  });
  const outreach = queue.define('outreach', {
    schema: outreachJobSchema,
    handler: (data, ctx) => runOutreachJob(runtime, data, ctx),
    retryLimit: OUTREACH_RETRIES,
    retryDelaySeconds: 5,
  });
  const importKind = queue.define('import', {
    schema: importJobSchema,
    handler: (data, ctx) => runImportJob(runtime, data, ctx),
    retryLimit: IMPORT_RETRIES,
    retryDelaySeconds: 5,
    expireInSeconds: 1800,
  });
  const resolutions = queue.define('apply-resolutions', {
    schema: resolutionJobSchema,
    handler: async (data, ctx) => {
      const written = await applyResolutions(runtime, data, ctx);
      runtime.logger.info({ ...written, table: data.tableId }, 'Applied conflict resolutions');
    },
    retryLimit: 5,
    retryDelaySeconds: 5,
  });
  const POLL_RETRIES = 3;
  const poll: JobKind<PollJob> = queue.define('crm-poll', {
    schema: pollJobSchema,
    handler: async (data, ctx) => {
      const run = (onProgress?: (changed: number) => void) =>
        runPoll(runtime, data, ctx, {
          schedule: (table) => schedulePoll(poll, table, now()),
          now,
          ...(onProgress ? { onProgress } : {}),
        });
      if (data.jobId) {
        // A run a user asked for: the same work, reported on the job they watch.
        await runTracked(
          runtime.db,
          { tenantId: data.tenantId, jobId: data.jobId },
          ctx,
          POLL_RETRIES,
          async (tracker) => {
            const result = await run((changed) => tracker.progress(changed, null));
            if (!result)
              throw new RowbridgeError(
                'not_found',
                'The table is paused or its connection was removed, so nothing was reconciled.',
              );
            return result as unknown as JsonValue;
          },
        );
        return;
      }
      const result = await run();
      if (
        result &&
        (result.changed > 0 || (result.sheet?.changed ?? 0) > 0 || (result.sheet?.orphaned ?? 0) > 0)
      )
        runtime.logger.info({ ...result, table: data.tableId }, 'Polled CRM changes');
    },
    retryLimit: POLL_RETRIES,
    retryDelaySeconds: 10,
    expireInSeconds: 1800,
  });
  return { crmEvents, export: exportKind, outreach, import: importKind, resolutions, poll };
}

/** How long a connection's wake-up waits for more deliveries before it queues the worker. */
const GATHER_MS = 200;

/**
 * Wakes the worker of each connection that got webhook events: one `crm-events` job per connection per
 * short window, however many deliveries arrive in it (the job drains every pending event of its
 * connection, so one run serves the whole burst). Sending is not awaited by the webhook route: its answer
 * must not wait for the queue. An event that arrives while a run is going gets the next run.
 */
export function crmEventWaker(
  jobs: SyncJobs,
  onError: (error: unknown) => void,
): (connections: readonly { readonly id: string; readonly tenantId: string }[]) => void {
  const gathering = new Set<string>();
  return (connections) => {
    for (const connection of connections) {
      if (gathering.has(connection.id)) continue;
      gathering.add(connection.id);
      setTimeout(() => {
        gathering.delete(connection.id);
        jobs.crmEvents
          .send({ tenantId: connection.tenantId, connectionId: connection.id }, { key: connection.id })
          .catch(onError);
      }, GATHER_MS).unref();
    }
  };
}

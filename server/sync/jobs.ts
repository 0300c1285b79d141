import * as z from 'zod';
import type { JobKind, JobQueue } from '../queue/index.ts';
import { applyCrmEvents } from './apply-crm-events.ts';
import { EXPORT_RETRIES, type ExportJob, exportJobSchema, runExportJob } from './export-job.ts';
import { OUTREACH_RETRIES, type OutreachJob, outreachJobSchema, runOutreachJob } from './outreach.ts';
import type { SyncRuntime } from './runtime.ts';

const connectionRef = z.strictObject({ tenantId: z.string().min(1), connectionId: z.string().min(1) });

/** The sync engine's job kinds, for routes and webhooks to send work to. */
export interface SyncJobs {
  /** Applies a connection's pending webhook events; one connection's runs never overlap. */
  readonly crmEvents: JobKind<z.input<typeof connectionRef>>;
  /** Pushes sheet rows to the CRM; keyed by table. */
  readonly export: JobKind<ExportJob>;
  /** Logs outreach events on CRM records; keyed by table. */
  readonly outreach: JobKind<OutreachJob>;
}

/**
 * Registers the sync engine's jobs on the queue (before it starts). Each kind is keyed so that work on
 * one connection or table runs in order and never races itself.
 */
export function defineSyncJobs(queue: JobQueue, runtime: SyncRuntime): SyncJobs {
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
  return { crmEvents, export: exportKind, outreach };
}

/** Sends one `crm-events` job per connection that got events: the worker claims all that are pending. */
export function wakeCrmEvents(jobs: SyncJobs, connections: readonly { id: string; tenantId: string }[]) {
  return Promise.all(
    connections.map((c) => jobs.crmEvents.send({ tenantId: c.tenantId, connectionId: c.id }, { key: c.id })),
  );
}

import { RowbridgeError } from '../../../shared/errors.ts';
import { callerOf } from '../../auth/middleware.ts';
import type { Database } from '../../store/database.ts';
import type { Job } from '../../store/repos/index.ts';
import type { SyncJobs } from '../../sync/jobs.ts';
import { connectorFor, type SyncRuntime } from '../../sync/runtime.ts';
import { setupFields } from '../../sync/setup-fields.ts';
import type { ApiHandlers } from './handlers.ts';
import { toApiJob } from './jobs.ts';
import { findConnection, findTable, type Scope, scopeOf } from './scope.ts';

/** The sync engine as routes reach it: its runtime (connectors) and its job kinds. */
export interface SyncDeps {
  readonly runtime: SyncRuntime;
  readonly jobs: SyncJobs;
}

function unavailable(): RowbridgeError {
  return new RowbridgeError(
    'crm_not_configured',
    'Syncing is not available on this companion (it runs without a job queue). Start it with `npm start`.',
  );
}

/**
 * `POST /api/v1/tables/{tableId}/export|import|reconcile|setup-fields|events`. The table is looked up in the caller's
 * scope first, so another tenant's table id is a 404 whether or not syncing is available.
 */
export function syncHandlers(
  db: Database,
  sync: SyncDeps | undefined,
): Pick<ApiHandlers, 'exportRows' | 'importRows' | 'reconcileTable' | 'setupFields' | 'logOutreachEvents'> {
  return {
    async exportRows(c, { params, body }) {
      const scope = scopeOf(callerOf(c));
      const job = await startJob(db, sync, scope, params.tableId, 'export', body.rows.length, (ref, key) =>
        sync?.jobs.export.send(
          { ...ref, rows: body.rows, dryRun: body.dryRun, receivedAt: Date.now() },
          { key },
        ),
      );
      return { job: toApiJob(job) };
    },

    async importRows(c, { params, body }) {
      const scope = scopeOf(callerOf(c));
      const job = await startJob(db, sync, scope, params.tableId, 'import', 0, (ref, key) =>
        sync?.jobs.import.send(
          {
            ...ref,
            limit: body.limit,
            ...(body.where ? { where: body.where } : {}),
            ...(body.since ? { since: body.since } : {}),
            ...(body.list ? { list: body.list } : {}),
          },
          { key },
        ),
      );
      return { job: toApiJob(job) };
    },

    async reconcileTable(c, { params }) {
      const scope = scopeOf(callerOf(c));
      const job = await startJob(db, sync, scope, params.tableId, 'reconcile', 0, (ref, key) =>
        sync?.jobs.poll.send({ tenantId: ref.tenantId, tableId: ref.tableId, jobId: ref.jobId }, { key }),
      );
      return { job: toApiJob(job) };
    },

    async setupFields(c, { params }) {
      const scope = scopeOf(callerOf(c));
      const table = await findTable(db.repos, scope, params.tableId);
      const connection = await findConnection(db.repos, scope, table.connectionId);
      if (!sync) throw unavailable();
      const objects = await setupFields(connectorFor(sync.runtime, connection), table.mapping);
      const created = Object.entries(objects).flatMap(([object, r]) =>
        r.created.map((p) => `${object}.${p}`),
      );
      if (created.length > 0) {
        await db.repos.audit.append(scope.tenantId, [
          {
            tableId: table.id,
            target: 'crm',
            source: 'user',
            actor: scope.email,
            action: 'crm.properties_created',
            newValue: created,
            explanation: `Created ${created.length} custom propert${created.length === 1 ? 'y' : 'ies'} in ${connection.label}: ${created.join(', ')}.`,
          },
        ]);
      }
      return { objects };
    },

    async logOutreachEvents(c, { params, body }) {
      const scope = scopeOf(callerOf(c));
      const job = await startJob(
        db,
        sync,
        scope,
        params.tableId,
        'outreach',
        body.events.length,
        (ref, key) => sync?.jobs.outreach.send({ ...ref, events: body.events }, { key }),
      );
      return { job: toApiJob(job) };
    },
  };
}

/** What a queued sync job needs to find its table and name its user. */
interface JobRef {
  readonly tenantId: string;
  readonly tableId: string;
  readonly jobId: string;
  readonly actor: string;
}

/**
 * Records a job users can watch and queues it. The table is looked up in the caller's scope first (another
 * tenant's id is a 404 whether or not syncing is available), and the connection's CRM must be reachable
 * before anything is queued. Sync jobs are keyed by connection, like the webhook worker, so one
 * connection's work never races itself.
 */
async function startJob(
  db: Database,
  sync: SyncDeps | undefined,
  scope: Scope,
  tableId: string,
  kind: string,
  total: number,
  send: (ref: JobRef, connectionId: string) => Promise<string | null> | undefined,
): Promise<Job> {
  const table = await findTable(db.repos, scope, tableId);
  const connection = await findConnection(db.repos, scope, table.connectionId);
  if (!sync) throw unavailable();
  connectorFor(sync.runtime, connection);
  const job = await db.repos.jobs.create(scope.tenantId, {
    kind,
    tableId: table.id,
    createdBy: scope.userId,
    progress: { done: 0, total },
  });
  const queueJobId = await send(
    { tenantId: scope.tenantId, tableId: table.id, jobId: job.id, actor: scope.email },
    connection.id,
  );
  if (queueJobId) await db.repos.jobs.setQueueJobId(scope.tenantId, job.id, queueJobId);
  return job;
}

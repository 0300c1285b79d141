import type { Conflict as ApiConflict } from '../../../shared/api/conflicts.ts';
import { callerOf } from '../../auth/middleware.ts';
import type { Database } from '../../store/database.ts';
import type { Conflict } from '../../store/repos/index.ts';
import { crmIdOf, crmIdsOf } from './crm-ids.ts';
import type { ApiHandlers } from './handlers.ts';
import { recordResolutions } from './resolve-conflicts.ts';
import { findTable, scopeOf } from './scope.ts';
import type { SyncDeps } from './sync.ts';

/** The contract has no paging for conflicts; this is the most the review list shows at once. */
const MAX_LISTED = 1000;

/** A stored conflict as the contract describes it. */
export function toApiConflict(conflict: Conflict, crmId: string): ApiConflict {
  return {
    id: conflict.id,
    rowId: conflict.rowId,
    crmId,
    field: conflict.field,
    base: conflict.base,
    sheet: conflict.sheet,
    crm: conflict.crm,
    explanation: conflict.explanation,
    status: conflict.status,
    detectedAt: conflict.createdAt.toISOString(),
    ...(conflict.resolvedAt ? { resolvedAt: conflict.resolvedAt.toISOString() } : {}),
  };
}

/** `GET /tables/{tableId}/conflicts` and `POST /tables/{tableId}/conflicts/resolve`. */
export function conflictHandlers(
  db: Database,
  sync?: SyncDeps,
): Pick<ApiHandlers, 'listConflicts' | 'resolveConflicts'> {
  return {
    async listConflicts(c, { params, query }) {
      const scope = scopeOf(callerOf(c));
      const table = await findTable(db.repos, scope, params.tableId);
      const rows = await db.repos.conflicts.listByStatus(scope.tenantId, table.id, query.status, {
        limit: MAX_LISTED,
      });
      const crmIds = await crmIdsOf(
        db.repos,
        scope.tenantId,
        table.id,
        rows.map((row) => row.rowId),
      );
      return { conflicts: rows.map((row) => toApiConflict(row, crmIdOf(row, crmIds))) };
    },

    async resolveConflicts(c, { params, body }) {
      const scope = scopeOf(callerOf(c));
      const recorded = await recordResolutions(db, scope, params.tableId, body.resolutions);
      if (sync && recorded.resolved > 0) {
        // The choices are stored; writing them to both sides is a job, keyed like every sync job of the
        // table's connection so it cannot race a webhook round.
        const table = await findTable(db.repos, scope, params.tableId);
        await sync.jobs.resolutions.send(
          {
            tenantId: scope.tenantId,
            tableId: table.id,
            conflictIds: recorded.conflicts.map((c) => c.id),
            actor: scope.email,
          },
          { key: table.connectionId },
        );
      }
      return recorded;
    },
  };
}

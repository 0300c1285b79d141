import type { ConflictResolution, ResolveConflictsResponse } from '../../../shared/api/conflicts.ts';
import { type Problem, RowbridgeError } from '../../../shared/errors.ts';
import { FieldCatalog } from '../../../shared/fields.ts';
import { fieldLabel } from '../../../shared/merge/explain.ts';
import { type ConflictChoice, resolveConflict } from '../../../shared/merge/resolve.ts';
import type { Database } from '../../store/database.ts';
import type { Conflict, NewAuditEntry, Repositories, SyncTable } from '../../store/repos/index.ts';
import { crmIdOf, crmIdsOf } from './crm-ids.ts';
import { findTable, type Scope } from './scope.ts';

/** The job kind that writes resolved values to the sheet and the CRM; the sync engine runs it. */

interface Decision {
  readonly resolution: ConflictResolution;
  readonly conflict: Conflict;
}

const pathOf = (index: number) => ['body', 'resolutions', index, 'conflictId'];

function missing(conflictId: string, index: number): Problem {
  return {
    code: 'not_found',
    path: pathOf(index),
    message: `Conflict ${conflictId} is not in this sync table.`,
  };
}

function settled(conflictId: string, index: number): Problem {
  const message = `Conflict ${conflictId} was already resolved; reload the list of conflicts.`;
  return { code: 'conflict_already_resolved', path: pathOf(index), message };
}

/** One error for all problems of one kind, so the sidebar can mark every bad choice at once. */
function refuse(problems: readonly Problem[]): RowbridgeError {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more; see details)` : '';
  return new RowbridgeError(
    first?.code ?? 'internal',
    `${first?.message}${more} Nothing was resolved.`,
    problems,
  );
}

/**
 * Loads the conflicts chosen for, all in `table` and still open. Unknown ids (including other tables' and
 * tenants', which look the same) are reported first as 404, then ones already settled as 409.
 */
async function loadDecisions(
  repos: Repositories,
  scope: Scope,
  table: SyncTable,
  resolutions: readonly ConflictResolution[],
): Promise<Decision[]> {
  const decisions: Decision[] = [];
  const unknown: Problem[] = [];
  const done: Problem[] = [];
  for (const [index, resolution] of resolutions.entries()) {
    const conflict = await repos.conflicts.get(scope.tenantId, resolution.conflictId);
    if (conflict?.tableId !== table.id) unknown.push(missing(resolution.conflictId, index));
    else if (conflict.status !== 'open') done.push(settled(resolution.conflictId, index));
    else decisions.push({ resolution, conflict });
  }
  if (unknown.length > 0) throw refuse(unknown);
  if (done.length > 0) throw refuse(done);
  return decisions;
}

function choiceOf(resolution: ConflictResolution): ConflictChoice {
  return resolution.take === 'custom'
    ? { take: 'custom', value: resolution.value }
    : { take: resolution.take };
}

/**
 * Records people's choices for conflicts of a table, all or none, in one transaction: each conflict is
 * marked resolved with the value kept and gets an audit entry. Writing the values to the sheet and the
 * CRM is the `apply-resolutions` job's (queued by the route after this commits): nothing here claims it
 * happened, and the response says which sides need the value.
 */
export async function recordResolutions(
  db: Database,
  scope: Scope,
  tableId: string,
  resolutions: readonly ConflictResolution[],
): Promise<ResolveConflictsResponse> {
  const ids = resolutions.map((resolution) => resolution.conflictId);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated) {
    throw new RowbridgeError(
      'invalid_input',
      `Conflict ${repeated} is resolved twice in this request; send one choice per conflict.`,
    );
  }
  return db.transaction(async ({ repos }) => {
    const table = await findTable(repos, scope, tableId);
    const decisions = await loadDecisions(repos, scope, table, resolutions);
    const crmIds = await crmIdsOf(
      repos,
      scope.tenantId,
      table.id,
      decisions.map(({ conflict }) => conflict.rowId),
    );
    const catalog = new FieldCatalog(table.mapping.customFields);
    const entries: NewAuditEntry[] = [];
    const recorded: ResolveConflictsResponse['conflicts'] = [];
    for (const [index, { resolution, conflict }] of decisions.entries()) {
      const field = catalog.get(conflict.field);
      const label = fieldLabel({ key: conflict.field, ...(field ? { label: field.label } : {}) });
      // A field no longer in the mapping is compared as text: equal only when spelled the same.
      const outcome = resolveConflict(conflict, choiceOf(resolution), field?.type ?? 'text', label);
      const stored = await repos.conflicts.resolve(scope.tenantId, conflict.id, {
        resolution: { choice: resolution.take, value: outcome.value },
        resolvedBy: scope.userId,
      });
      // Someone resolved it since it was read (on PostgreSQL two requests can interleave): roll back.
      if (!stored) throw refuse([settled(conflict.id, index)]);
      entries.push({
        tableId: table.id,
        rowId: conflict.rowId,
        crmId: crmIdOf(conflict, crmIds),
        field: conflict.field,
        oldValue: conflict.base,
        newValue: outcome.value,
        target: 'conflict',
        source: 'user',
        actor: scope.email,
        action: 'conflict.resolved',
        explanation: outcome.explanation,
      });
      recorded.push({
        id: conflict.id,
        rowId: conflict.rowId,
        field: conflict.field,
        value: outcome.value,
        writeSheet: outcome.writeSheet,
        writeCrm: outcome.writeCrm,
      });
    }
    await repos.audit.append(scope.tenantId, entries);
    return { resolved: decisions.length, conflicts: recorded };
  });
}

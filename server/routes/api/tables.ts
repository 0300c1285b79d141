import type { SyncTable as ApiSyncTable } from '../../../shared/api/tables.ts';
import { RowbridgeError } from '../../../shared/errors.ts';
import { callerOf } from '../../auth/middleware.ts';
import type { Database } from '../../store/database.ts';
import { defined } from '../../store/repos/common.ts';
import type { NewAuditEntry, SyncTable, SyncTablePatch } from '../../store/repos/index.ts';
import { POLLED_CRMS, schedulePoll } from '../../sync/poll.ts';
import type { ApiHandlers } from './handlers.ts';
import { checkMapping, requireSameCrm } from './mapping-check.ts';
import { findConnection, findTable, type Scope, scopeOf } from './scope.ts';
import type { SyncDeps } from './sync.ts';

/** A stored table as the contract describes it; cursors, status and errors are the sync engine's. */
export function toApiTable(table: SyncTable): ApiSyncTable {
  return {
    id: table.id,
    sheetTabId: table.sheetTabId,
    sheetTabName: table.sheetTabName,
    connectionId: table.connectionId,
    crmObject: table.crmObject,
    mapping: table.mapping,
    policy: table.policy,
    region: table.region,
    reconcileIntervalSeconds: table.reconcileIntervalSeconds,
    settings: table.settings,
    createdAt: table.createdAt.toISOString(),
    updatedAt: table.updatedAt.toISOString(),
  };
}

/** Settings a PATCH may change that are single values, audited as old → new. */
const SCALAR_SETTINGS = [
  ['policy', 'conflict policy'],
  ['region', 'phone region'],
  ['reconcileIntervalSeconds', 'reconcile interval (seconds)'],
] as const;

/** One audit entry per setting that changed, so the history reads "policy: manual → crm-wins". */
function settingChanges(scope: Scope, table: SyncTable, patch: SyncTablePatch): NewAuditEntry[] {
  const base = { tableId: table.id, target: 'table', source: 'user', actor: scope.email } as const;
  const entries: NewAuditEntry[] = [];
  for (const [key, label] of SCALAR_SETTINGS) {
    const next = patch[key];
    if (next === undefined || next === table[key]) continue;
    entries.push({
      ...base,
      action: 'table.updated',
      field: key,
      oldValue: table[key],
      newValue: next,
      explanation: `Changed the ${label} of "${table.sheetTabName}" from ${table[key] ?? 'none'} to ${next ?? 'none'}.`,
    });
  }
  if (patch.settings && JSON.stringify(patch.settings) !== JSON.stringify(table.settings)) {
    entries.push({
      ...base,
      action: 'table.updated',
      field: 'settings',
      oldValue: table.settings,
      newValue: patch.settings,
      explanation: `Changed the outreach settings of "${table.sheetTabName}".`,
    });
  }
  if (patch.mapping && JSON.stringify(patch.mapping) !== JSON.stringify(table.mapping)) {
    entries.push({
      ...base,
      action: 'table.updated',
      field: 'mapping',
      explanation: `Changed the column mapping of "${table.sheetTabName}": ${table.mapping.fields.length} → ${patch.mapping.fields.length} mapped columns.`,
    });
  }
  return entries;
}

/**
 * Queues the first poll of a new table of a polled CRM, or the next one at a changed interval (see
 * `sync/poll.ts`). The table is already saved: a queue that cannot take the job now is logged, and the
 * companion re-arms every poll when it starts.
 */
async function armPoll(
  sync: SyncDeps | undefined,
  table: SyncTable,
  crm: string,
  log: { error(value: object, message: string): void },
): Promise<void> {
  if (!sync || !(POLLED_CRMS as ReadonlySet<string>).has(crm)) return;
  await schedulePoll(sync.jobs.poll, table, Date.now()).catch((error: unknown) =>
    log.error({ err: error, table: table.id }, 'Could not queue the table’s CRM poll'),
  );
}

/** `GET/POST /api/v1/tables`, `GET/PATCH /api/v1/tables/{tableId}`: sync tables of the spreadsheet. */
export function tableHandlers(
  db: Database,
  sync?: SyncDeps,
): Pick<ApiHandlers, 'listTables' | 'createTable' | 'getTable' | 'updateTable'> {
  return {
    async listTables(c) {
      const scope = scopeOf(callerOf(c));
      const rows = await db.repos.tables.listForSpreadsheet(scope.tenantId, scope.spreadsheetId);
      return { tables: rows.map(toApiTable) };
    },

    async createTable(c, { body }) {
      const scope = scopeOf(callerOf(c));
      const mapping = checkMapping(body.mapping);
      // Storage takes the object from the mapping; two spellings of it would be two sources of truth.
      if (mapping.object !== body.crmObject) {
        const message = `crmObject "${body.crmObject}" differs from mapping.object "${mapping.object}"; send the same CRM object in both.`;
        throw new RowbridgeError('invalid_input', message, [
          { code: 'invalid_input', message, path: ['body', 'crmObject'] },
        ]);
      }
      const { table, crm } = await db.transaction(async ({ repos }) => {
        const connection = await findConnection(repos, scope, body.connectionId);
        requireSameCrm(mapping, connection);
        // A second table on the same tab is `already_exists` (409) from the unique key.
        const created = await repos.tables.create(scope.tenantId, {
          spreadsheetId: scope.spreadsheetId,
          sheetTabId: body.sheetTabId,
          sheetTabName: body.sheetTabName,
          connectionId: connection.id,
          mapping,
          policy: body.policy,
          region: body.region ?? null,
          ...(body.settings ? { settings: body.settings } : {}),
        });
        await repos.audit.append(scope.tenantId, [
          {
            tableId: created.id,
            target: 'table',
            source: 'user',
            actor: scope.email,
            action: 'table.created',
            explanation: `Started syncing the tab "${created.sheetTabName}" with ${connection.crm} ${created.crmObject} (${mapping.fields.length} mapped columns, conflict policy ${created.policy}).`,
          },
        ]);
        return { table: created, crm: connection.crm };
      });
      await armPoll(sync, table, crm, c.get('log'));
      return toApiTable(table);
    },

    async getTable(c, { params }) {
      const scope = scopeOf(callerOf(c));
      return toApiTable(await findTable(db.repos, scope, params.tableId));
    },

    async updateTable(c, { params, body }) {
      const scope = scopeOf(callerOf(c));
      const mapping = body.mapping === undefined ? undefined : checkMapping(body.mapping);
      let retimed: string | undefined;
      const table = await db.transaction(async ({ repos }) => {
        const current = await findTable(repos, scope, params.tableId);
        if (mapping) requireSameCrm(mapping, await findConnection(repos, scope, current.connectionId));
        const patch: SyncTablePatch = defined({
          mapping,
          policy: body.policy,
          region: body.region,
          reconcileIntervalSeconds: body.reconcileIntervalSeconds,
          settings: body.settings,
        });
        const changes = settingChanges(scope, current, patch);
        // Nothing changed: no write, so `updatedAt` and the audit log stay as they are.
        if (changes.length === 0) return current;
        const updated = await repos.tables.update(scope.tenantId, current.id, patch);
        if (!updated)
          throw new RowbridgeError('internal', `Sync table ${current.id} vanished during an update.`);
        await repos.audit.append(scope.tenantId, changes);
        if (updated.reconcileIntervalSeconds !== current.reconcileIntervalSeconds) {
          retimed = (await findConnection(repos, scope, updated.connectionId)).crm;
        }
        return updated;
      });
      if (retimed) await armPoll(sync, table, retimed, c.get('log'));
      return toApiTable(table);
    },
  };
}

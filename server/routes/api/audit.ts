import type { AuditEntry as ApiAuditEntry } from '../../../shared/api/audit.ts';
import { RowbridgeError } from '../../../shared/errors.ts';
import type { FieldValue } from '../../../shared/fields.ts';
import { callerOf } from '../../auth/middleware.ts';
import type { Database } from '../../store/database.ts';
import type { AuditEntry } from '../../store/repos/index.ts';
import type { JsonValue } from '../../store/values.ts';
import type { ApiHandlers } from './handlers.ts';
import { findTable, scopeOf } from './scope.ts';

/**
 * Storage pages by numeric id; the contract's cursor is an opaque string. It is the id in decimal, but
 * clients must not rely on that, and anything else is refused rather than read as "from the start".
 */
export function cursorToId(cursor: string): number {
  const id = /^[1-9]\d{0,15}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!Number.isSafeInteger(id)) {
    const message = 'query.cursor: not a cursor this API gave out; pass nextCursor back unchanged.';
    throw new RowbridgeError('invalid_input', `Invalid request: ${message}`, [
      { code: 'invalid_input', message, path: ['query', 'cursor'] },
    ]);
  }
  return id;
}

// The contract shows field values; entries written by other parts of Rowbridge may hold a structure
// (a whole record), which is shown as its JSON text rather than failing the page.
function shown(value: JsonValue): FieldValue {
  return value === null || typeof value !== 'object' ? value : JSON.stringify(value);
}

/** A stored audit entry as the contract describes it. */
export function toApiAuditEntry(entry: AuditEntry): ApiAuditEntry {
  return {
    id: String(entry.id),
    at: entry.at.toISOString(),
    field: entry.field,
    oldValue: shown(entry.oldValue),
    newValue: shown(entry.newValue),
    source: entry.source,
    target: entry.target,
    actor: entry.actor,
    explanation: entry.explanation,
    jobId: entry.jobId,
    rowId: entry.rowId,
    crmId: entry.crmId,
    action: entry.action,
  };
}

/** `GET /api/v1/tables/{tableId}/audit`: a table's history, newest first, by row or record if asked. */
export function auditHandlers(db: Database): Pick<ApiHandlers, 'listAudit'> {
  return {
    async listAudit(c, { params, query }) {
      const scope = scopeOf(callerOf(c));
      if (query.rowId !== undefined && query.crmId !== undefined) {
        const message = 'query: filter by rowId or by crmId, not both.';
        throw new RowbridgeError('invalid_input', `Invalid request: ${message}`, [
          { code: 'invalid_input', message, path: ['query', 'crmId'] },
        ]);
      }
      const request = {
        limit: query.limit,
        ...(query.cursor === undefined ? {} : { before: cursorToId(query.cursor) }),
      };
      const table = await findTable(db.repos, scope, params.tableId);
      const { audit } = db.repos;
      const page =
        query.rowId !== undefined
          ? await audit.listForRecord(scope.tenantId, table.id, { rowId: query.rowId }, request)
          : query.crmId !== undefined
            ? await audit.listForRecord(scope.tenantId, table.id, { crmId: query.crmId }, request)
            : await audit.listForTable(scope.tenantId, table.id, request);
      return {
        entries: page.entries.map(toApiAuditEntry),
        ...(page.nextBefore === undefined ? {} : { nextCursor: String(page.nextBefore) }),
      };
    },
  };
}

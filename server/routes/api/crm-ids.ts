import { RowbridgeError } from '../../../shared/errors.ts';
import type { Conflict, Repositories } from '../../store/repos/index.ts';

/** CRM record ids of a table's rows, from their links (conflicts are stored by row). */
export async function crmIdsOf(
  repos: Repositories,
  tenantId: string,
  tableId: string,
  rowIds: readonly string[],
) {
  const links = await repos.links.getByRowIds(tenantId, tableId, [...new Set(rowIds)]);
  return new Map(links.flatMap((link) => (link.crmId ? [[link.rowId, link.crmId] as const] : [])));
}

/** The CRM record id of a conflict's row; its absence is a storage inconsistency, not a user error. */
export function crmIdOf(conflict: Conflict, crmIds: ReadonlyMap<string, string>): string {
  const crmId = crmIds.get(conflict.rowId);
  // A conflict needs a CRM value, so its row is linked; a missing link means the rows were edited by hand.
  if (!crmId) {
    throw new RowbridgeError(
      'storage_corrupt',
      `Stored conflict ${conflict.id} belongs to row ${conflict.rowId}, which is not linked to a CRM record. Run a reconcile of the table to rebuild its links.`,
    );
  }
  return crmId;
}

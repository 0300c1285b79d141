import { RowbridgeError } from '../../../shared/errors.ts';
import { type Caller, spreadsheetOf } from '../../auth/middleware.ts';
import type { Connection, Repositories, SyncTable } from '../../store/repos/index.ts';

/**
 * What every add-on query is scoped by: the caller's tenant and the spreadsheet their sheet secret
 * proved. Taken from authentication only, never from the URL or body, so a forged id cannot widen it.
 */
export interface Scope {
  readonly tenantId: string;
  readonly spreadsheetId: string;
  readonly userId: string;
  readonly email: string;
}

/** The scope of a route that requires the sheet secret. */
export function scopeOf(caller: Caller): Scope {
  return {
    tenantId: caller.tenantId,
    spreadsheetId: spreadsheetOf(caller).id,
    userId: caller.userId,
    email: caller.email,
  };
}

/**
 * One `not_found` for "does not exist" and "belongs to another tenant or spreadsheet": answering
 * differently would tell a caller which ids exist elsewhere.
 */
export function notFound(what: string): RowbridgeError {
  return new RowbridgeError(
    'not_found',
    `No ${what} with this id in this spreadsheet. Reload the sidebar; it may have been deleted.`,
  );
}

/** A connection this spreadsheet may use: its own, or one shared by the whole tenant (no spreadsheet). */
export function isVisibleConnection(connection: Connection, scope: Scope): boolean {
  return connection.spreadsheetId === null || connection.spreadsheetId === scope.spreadsheetId;
}

/** The connection, if this spreadsheet may see it; `not_found` otherwise. */
export async function findConnection(repos: Repositories, scope: Scope, id: string): Promise<Connection> {
  const connection = await repos.connections.get(scope.tenantId, id);
  if (!connection || !isVisibleConnection(connection, scope)) throw notFound('CRM connection');
  return connection;
}

/** The sync table, if it belongs to this spreadsheet; `not_found` otherwise. */
export async function findTable(repos: Repositories, scope: Scope, id: string): Promise<SyncTable> {
  const table = await repos.tables.get(scope.tenantId, id);
  if (!table || table.spreadsheetId !== scope.spreadsheetId) throw notFound('sync table');
  return table;
}

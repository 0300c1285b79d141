import type { Connection as ApiConnection } from '../../../shared/api/connections.ts';
import { RowbridgeError } from '../../../shared/errors.ts';
import { isCrmId } from '../../../shared/mapping/schema.ts';
import { callerOf } from '../../auth/middleware.ts';
import type { Database } from '../../store/database.ts';
import type { Connection } from '../../store/repos/index.ts';
import type { ApiHandlers } from './handlers.ts';
import { findConnection, scopeOf } from './scope.ts';

/** The endpoint URL a CRM that calls us per connection needs configured (Salesforce Outbound Messages). */
export type WebhookUrlOf = (connection: Connection) => string | undefined;

/**
 * A stored connection as the add-on sees it. Fields are copied one by one, never spread: the stored row
 * carries the sealed credentials, and a spread would send them the day someone drops the response check.
 */
export function toApiConnection(connection: Connection, webhookUrlOf?: WebhookUrlOf): ApiConnection {
  const { id, crm, accountId } = connection;
  // The contract promises a known CRM; a row without one was written outside the connect flow.
  if (!isCrmId(crm)) {
    throw new RowbridgeError(
      'storage_corrupt',
      `Stored CRM connection ${id} has an unknown CRM "${crm}". Connect the CRM account again, or remove the connection from the database.`,
    );
  }
  const webhookUrl = webhookUrlOf?.(connection);
  return {
    id,
    crm,
    label: connection.label,
    status: connection.status,
    accountId: accountId ?? null,
    createdAt: connection.createdAt.toISOString(),
    ...(webhookUrl ? { webhookUrl } : {}),
  };
}

/** `GET/DELETE /api/v1/connections[/{connectionId}]`: the caller's spreadsheet's CRM connections. */
export function connectionHandlers(
  db: Database,
  webhookUrlOf?: WebhookUrlOf,
): Pick<ApiHandlers, 'listConnections' | 'getConnection' | 'deleteConnection'> {
  return {
    async listConnections(c) {
      const scope = scopeOf(callerOf(c));
      const rows = await db.repos.connections.listForSpreadsheet(scope.tenantId, scope.spreadsheetId, {
        includeShared: true,
      });
      return { connections: rows.map((row) => toApiConnection(row, webhookUrlOf)) };
    },

    async getConnection(c, { params }) {
      const scope = scopeOf(callerOf(c));
      return toApiConnection(await findConnection(db.repos, scope, params.connectionId), webhookUrlOf);
    },

    async deleteConnection(c, { params }) {
      const scope = scopeOf(callerOf(c));
      await db.transaction(async ({ repos }) => {
        const connection = await findConnection(repos, scope, params.connectionId);
        // Throws `in_use` (409) while a sync table uses it; the transaction then writes no audit entry.
        await repos.connections.delete(scope.tenantId, connection.id);
        await repos.audit.append(scope.tenantId, [
          {
            target: 'connection',
            source: 'user',
            actor: scope.email,
            action: 'connection.deleted',
            explanation: `Disconnected the ${connection.crm} account "${connection.label}" and deleted its stored credentials.`,
          },
        ]);
      });
      return { id: params.connectionId, deleted: true };
    },
  };
}

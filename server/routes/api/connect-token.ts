import { RowbridgeError } from '../../../shared/errors.ts';
import { callerOf } from '../../auth/middleware.ts';
import { createConnection, replaceCredentials } from '../../connections/credentials.ts';
import { hubspotPortalOf } from '../../connectors/hubspot/account.ts';
import type { Keyring } from '../../security/keyring.ts';
import type { Database } from '../../store/database.ts';
import { toApiConnection } from './connections.ts';
import type { ApiHandlers } from './handlers.ts';
import { scopeOf } from './scope.ts';

export interface TokenConnectDeps {
  readonly db: Database;
  readonly keyring: Keyring;
  /** HubSpot's API base: the sandbox's in sandbox mode. */
  readonly hubspotApiBase: () => string;
}

/**
 * `POST /api/v1/connections/token`: a HubSpot private app token, checked by asking HubSpot whose portal
 * it is, then sealed on a connection of the caller's spreadsheet (the same portal's connection gets the
 * new token rather than a second connection). The token itself never appears in the answer or the audit.
 */
export function tokenConnectHandlers(
  deps: TokenConnectDeps | undefined,
): Pick<ApiHandlers, 'connectWithToken'> {
  return {
    async connectWithToken(c, { body }) {
      const scope = scopeOf(callerOf(c));
      if (!deps) {
        throw new RowbridgeError(
          'crm_not_configured',
          'This companion cannot reach any CRM to check the token.',
        );
      }
      const { portalId } = await hubspotPortalOf(body.token, { basePath: deps.hubspotApiBase() });
      const credentials = { kind: 'token' as const, token: body.token };
      const existing = (
        await deps.db.repos.connections.listForSpreadsheet(scope.tenantId, scope.spreadsheetId)
      ).find((connection) => connection.crm === body.crm && connection.accountId === portalId);
      const connection = existing
        ? ((await replaceCredentials(deps.db, deps.keyring, existing, credentials)) ?? existing)
        : await createConnection(deps.db, deps.keyring, scope.tenantId, {
            spreadsheetId: scope.spreadsheetId,
            crm: body.crm,
            label: `HubSpot portal ${portalId} (private app)`,
            accountId: portalId,
            createdBy: scope.userId,
            credentials,
          });
      await deps.db.repos.audit.append(scope.tenantId, [
        {
          target: 'connection',
          source: 'user',
          actor: scope.email,
          action: existing ? 'connection.reconnected' : 'connection.created',
          newValue: `${body.crm} ${portalId} (private app token)`,
        },
      ]);
      return toApiConnection(connection);
    },
  };
}

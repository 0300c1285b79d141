import { RowbridgeError } from '../../shared/errors.ts';
import { openCredentials, replaceCredentials } from '../connections/credentials.ts';
import type { Keyring } from '../security/keyring.ts';
import type { Database } from '../store/database.ts';
import type { Connection } from '../store/repos/connections.ts';
import { type RefreshingTokenOptions, refreshingTokenSource, type TokenSource } from './tokens.ts';

/**
 * The token source of a stored connection: reads its sealed credentials, refreshes through `exchange`
 * (the CRM's token endpoint, e.g. `refreshHubSpotToken`) and stores rotated tokens (and a moved Salesforce
 * instance URL) with `replaceCredentials`' compare-and-swap, so two workers refreshing at once keep one valid refresh token.
 * A `token` connection (private app, API key) never refreshes.
 */
export function storedTokenSource(
  db: Pick<Database, 'repos'>,
  keyring: Keyring,
  ref: { readonly tenantId: string; readonly connectionId: string },
  exchange: RefreshingTokenOptions<Connection>['exchange'],
): TokenSource {
  async function load() {
    const connection = await db.repos.connections.get(ref.tenantId, ref.connectionId);
    if (!connection) {
      throw new RowbridgeError('not_found', `Connection ${ref.connectionId} no longer exists.`);
    }
    const credentials = openCredentials(keyring, connection);
    return credentials.kind === 'token'
      ? { accessToken: credentials.token, version: connection }
      : { accessToken: credentials.accessToken, refreshToken: credentials.refreshToken, version: connection };
  }
  return refreshingTokenSource<Connection>({
    load,
    exchange,
    async swap(connection, next) {
      const { instanceUrl, expiresAt, ...tokens } = next;
      const stored = await replaceCredentials(
        db,
        keyring,
        connection,
        { kind: 'oauth', ...tokens, ...(expiresAt === undefined ? {} : { expiresAt }) },
        {
          ...(expiresAt === undefined ? {} : { expiresAt: new Date(expiresAt) }),
          // An org Salesforce moved answers the refresh with its new host; it goes in the same swap.
          ...(instanceUrl && instanceUrl !== connection.instanceUrl ? { instanceUrl } : {}),
        },
      );
      return stored !== undefined;
    },
  });
}

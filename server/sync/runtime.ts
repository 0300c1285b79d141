import { RowbridgeError } from '../../shared/errors.ts';
import { hubspotConnector, hubspotTokenExchange } from '../connectors/hubspot/index.ts';
import { salesforceConnector, salesforceTokenExchange } from '../connectors/salesforce/index.ts';
import { storedTokenSource } from '../connectors/stored-tokens.ts';
import type { CrmConnector } from '../connectors/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { JobQueue } from '../queue/index.ts';
import type { Keyring } from '../security/keyring.ts';
import type { Database } from '../store/database.ts';
import type { Connection } from '../store/repos/index.ts';
import type { SheetPort } from './sheet-port.ts';

/** A registered HubSpot app (or the sandbox's), as the sync engine needs it. */
export interface HubSpotApp {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The app's id: HubSpot's `sourceId` on changes the app made, which marks our own writes. */
  readonly appId?: string;
  /** API base URL, read per use (a companion started on port 0 learns its own URL late). */
  readonly apiBase: () => string;
}

/** A registered Salesforce connected app (or the sandbox's), as the sync engine needs it. */
export interface SalesforceApp {
  readonly clientId: string;
  readonly clientSecret: string;
  /** The login host of connections that stored none. */
  readonly loginUrl: () => string;
  /**
   * Sandbox mode: the sandbox org this companion serves, read per use. Connections to it follow the
   * companion wherever it listens (a port-0 start moves it), instead of the URL stored when connecting.
   */
  readonly sandboxMount?: () => string;
}

/** Everything sync jobs use, built once at start. */
export interface SyncRuntime {
  readonly db: Database;
  readonly keyring: Keyring;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** HubSpot's API base for token connections: the sandbox's, or `https://api.hubapi.com`. */
  readonly hubspotApiBase: () => string;
  /** The OAuth app, which OAuth connections need to refresh their tokens. */
  readonly hubspot?: HubSpotApp;
  /** The Salesforce connected app, which Salesforce connections need to refresh their tokens. */
  readonly salesforce?: SalesforceApp;
  /** Spreadsheet access; without it the engine cannot read or write sheets and says so. */
  readonly sheets?: SheetPort;
}

/**
 * A connection's connector: tokens from its sealed credentials, refreshed and re-stored as needed. A
 * private-app token connection works without the OAuth app; an OAuth one needs it to refresh.
 */
export function connectorFor(runtime: SyncRuntime, connection: Connection): CrmConnector {
  const ref = { tenantId: connection.tenantId, connectionId: connection.id };
  if (connection.crm === 'hubspot') {
    const app = runtime.hubspot;
    const basePath = runtime.hubspotApiBase();
    const exchange = app
      ? hubspotTokenExchange({ ...app, basePath })
      : async () => {
          throw new RowbridgeError(
            'crm_not_configured',
            `The HubSpot app is not set up on this companion, so connection "${connection.label}" cannot renew its token. Set HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET, or connect with a private app token.`,
          );
        };
    return hubspotConnector({
      basePath,
      tokens: storedTokenSource(runtime.db, runtime.keyring, ref, exchange),
      ...(runtime.metrics ? { metrics: runtime.metrics } : {}),
    });
  }
  if (connection.crm === 'salesforce') return salesforceConnectorFor(runtime, connection);
  throw new RowbridgeError(
    'crm_not_configured',
    `${connection.crm} is not set up on this companion, so connection "${connection.label}" cannot sync. Configure the app's credentials and restart.`,
  );
}

/**
 * A Salesforce connection's connector: the org's instance URL and login host as stored when connecting
 * (a refresh that reports a moved org updates them), tokens refreshed at that login host.
 */
function salesforceConnectorFor(runtime: SyncRuntime, connection: Connection): CrmConnector {
  const app = runtime.salesforce;
  const sandbox = app?.sandboxMount?.();
  const instanceUrl = sandbox ?? connection.instanceUrl;
  const loginUrl = sandbox ?? connection.loginUrl ?? app?.loginUrl();
  if (!instanceUrl) {
    throw new RowbridgeError(
      'auth_expired',
      `Connection "${connection.label}" does not know its Salesforce org's address. Connect Salesforce again from the sidebar.`,
    );
  }
  const exchange = app
    ? salesforceTokenExchange({
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        ...(loginUrl ? { loginUrl } : {}),
        ...(runtime.metrics ? { runner: { metrics: runtime.metrics } } : {}),
      })
    : async () => {
        throw new RowbridgeError(
          'crm_not_configured',
          `The Salesforce connected app is not set up on this companion, so connection "${connection.label}" cannot renew its token. Set SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET.`,
        );
      };
  const ref = { tenantId: connection.tenantId, connectionId: connection.id };
  return salesforceConnector({
    instanceUrl,
    ...(loginUrl ? { loginUrl } : {}),
    tokens: storedTokenSource(runtime.db, runtime.keyring, ref, exchange),
    ...(runtime.metrics ? { metrics: runtime.metrics } : {}),
  });
}

/** The queue plus the runtime: what route handlers need to start sync work. */
export interface SyncServices extends SyncRuntime {
  readonly queue: JobQueue;
}

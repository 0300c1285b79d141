import { createRequestRunner, type RunnerOptions } from '../http.ts';
import { staticToken, type TokenSource } from '../tokens.ts';
import type { CrmConnector } from '../types.ts';
import { createSalesforceClient } from './client.ts';
import { describeSalesforceError } from './mappers.ts';
import { salesforceProvider } from './provider.ts';
import { runnerConnection, soapSessionFetch } from './transport.ts';

export { describeSalesforceError } from './mappers.ts';
export { type ExchangedTokens, type SalesforceAppCredentials, salesforceTokenExchange } from './oauth.ts';
export { SALESFORCE_LOGIN, salesforceProvider } from './provider.ts';
export { soqlName, soqlString } from './soql.ts';
export {
  outboundMessageAck,
  outboundMessageToken,
  outboundMessageUrl,
  parseSalesforceOutbound,
  salesforceWebhook,
  verifySalesforceOutbound,
} from './webhook.ts';

/** The API version every call uses unless told otherwise (jsforce's own default is far older). */
export const SALESFORCE_API_VERSION = '62.0';

export interface SalesforceConnectorOptions
  extends Omit<RunnerOptions, 'crm' | 'label' | 'tokens' | 'rateLimits' | 'describeError'> {
  /** An OAuth token source that refreshes (`storedTokenSource`), or a fixed access token. */
  readonly tokens: TokenSource | string;
  /** The org's host: `instance_url` from the token response. */
  readonly instanceUrl: string;
  readonly loginUrl?: string;
  readonly version?: string;
  /** How often a Bulk API 2.0 job's state is polled (default 2 s; each poll is an API call). */
  readonly bulkPollMs?: number;
}

/**
 * A Salesforce connection's connector: jsforce for every call, each request through the connection's
 * runner (limits, Retry-After, 5xx backoff for idempotent requests, one refresh on 401, counting).
 *
 * @example
 * const tokens = storedTokenSource(db, keyring, { tenantId, connectionId },
 *   salesforceTokenExchange({ clientId, clientSecret }));
 * const salesforce = salesforceConnector({ tokens, instanceUrl, metrics });
 * const page = await salesforce.listRecords('Lead', { properties: ['Email'] });
 */
export function salesforceConnector(options: SalesforceConnectorOptions): CrmConnector {
  const {
    tokens,
    instanceUrl,
    loginUrl,
    version = SALESFORCE_API_VERSION,
    fetch,
    bulkPollMs,
    ...runnerOptions
  } = options;
  const runner = createRequestRunner({
    ...runnerOptions,
    crm: salesforceProvider.id,
    label: salesforceProvider.label,
    rateLimits: salesforceProvider.rateLimits,
    describeError: describeSalesforceError,
    tokens: typeof tokens === 'string' ? staticToken(tokens) : tokens,
    fetch: soapSessionFetch(fetch ?? ((url, init) => globalThis.fetch(url, init))),
  });
  const connection = runnerConnection(runner, { instanceUrl, version, ...(loginUrl ? { loginUrl } : {}) });
  return createSalesforceClient(connection, runner, bulkPollMs === undefined ? {} : { bulkPollMs });
}

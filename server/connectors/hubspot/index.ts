import { createRequestRunner, type RunnerOptions } from '../http.ts';
import { staticToken, type TokenSource } from '../tokens.ts';
import type { CrmConnector } from '../types.ts';
import { createHubSpotClient } from './client.ts';
import { describeHubSpotError } from './mappers.ts';
import { HUBSPOT_API, hubspotProvider } from './provider.ts';

export { describeHubSpotError } from './mappers.ts';
export { type ExchangedTokens, type HubSpotAppCredentials, hubspotTokenExchange } from './oauth.ts';
export { HUBSPOT_API, hubspotProvider } from './provider.ts';
export { hubspotWebhook, parseHubSpotEvents, signHubSpotV3, verifyHubSpotSignature } from './webhook.ts';

export interface HubSpotConnectorOptions
  extends Omit<RunnerOptions, 'crm' | 'label' | 'tokens' | 'rateLimits' | 'describeError'> {
  /** Replaces `https://api.hubapi.com` for every call (the sandbox, tests). */
  readonly basePath?: string;
  /** A private-app token, or an OAuth token source that refreshes (`storedTokenSource`). */
  readonly tokens: TokenSource | string;
}

/**
 * A HubSpot connection's connector.
 *
 * @example
 * const tokens = storedTokenSource(db, keyring, { tenantId, connectionId },
 *   hubspotTokenExchange({ clientId, clientSecret }));
 * const hubspot = hubspotConnector({ tokens, metrics });
 * const page = await hubspot.listRecords('contacts', { properties: ['email'] });
 */
export function hubspotConnector(options: HubSpotConnectorOptions): CrmConnector {
  const { basePath = HUBSPOT_API, tokens, ...runnerOptions } = options;
  const runner = createRequestRunner({
    ...runnerOptions,
    crm: hubspotProvider.id,
    label: hubspotProvider.label,
    rateLimits: hubspotProvider.rateLimits,
    describeError: describeHubSpotError,
    tokens: typeof tokens === 'string' ? staticToken(tokens) : tokens,
  });
  return createHubSpotClient(basePath, runner);
}

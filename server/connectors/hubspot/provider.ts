import { defineProvider } from '../provider-schema.ts';

/** HubSpot's production API host; the sandbox and tests pass their own `basePath`. */
export const HUBSPOT_API = 'https://api.hubapi.com';

/**
 * HubSpot CRM v3/v4, as data. Facts and their sources: shared/reference/crm-apis.md (HubSpot section).
 * Limits are the lowest tier's (Free/Starter, OAuth apps: 100 per 10 s): being too slow on a
 * Professional portal is harmless, a burst of 429s is not.
 */
export const hubspotProvider = defineProvider({
  id: 'hubspot',
  label: 'HubSpot',
  docs: 'https://developers.hubspot.com/docs/api-reference/overview',
  auth: [
    {
      kind: 'oauth2',
      authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
      tokenUrl: `${HUBSPOT_API}/oauth/v1/token`,
      scopes: [
        'oauth',
        'crm.objects.contacts.read',
        'crm.objects.contacts.write',
        'crm.objects.companies.read',
        'crm.objects.companies.write',
        'crm.objects.deals.read',
        'crm.objects.deals.write',
        'crm.schemas.contacts.write',
      ],
      pkce: true,
      // Refresh tokens are long-lived and returned unchanged; storing whatever comes back is still right.
      rotatesRefreshTokens: false,
      accessTokenSeconds: 1800,
    },
    // Private-app tokens: no expiry until rotated by the portal admin.
    { kind: 'token', header: 'authorization', scheme: 'Bearer' },
  ],
  apiBaseUrl: HUBSPOT_API,
  objects: [
    { name: 'contacts', label: 'Contacts', people: true },
    { name: 'companies', label: 'Companies' },
    { name: 'deals', label: 'Deals' },
    { name: 'notes', label: 'Notes' },
    { name: 'emails', label: 'Emails' },
    { name: 'tasks', label: 'Tasks' },
  ],
  // 100 per batch call is universally used but not stated by HubSpot (UNCONFIRMED in the reference);
  // batch read with history is 50 (client.ts).
  batch: { read: 100, create: 100, update: 100, upsert: 100, archive: 100 },
  upsertKey: 'native',
  search: { pageSize: 200, maxResults: 10_000, maxFilters: 25, maxFilterGroups: 5 },
  pagination: { kind: 'cursor', pageSize: 100 },
  companies: {
    object: 'companies',
    nameProperty: 'name',
    // HubSpot's own company dedup key (not a unique property, so not usable for upserts).
    domainProperty: 'domain',
    keyProperty: 'rowbridge_company_key',
    people: ['contacts'],
  },
  // The default pipeline's id and first stage (HubSpot's pipelines guide).
  deals: {
    object: 'deals',
    keyProperty: 'rowbridge_deal_key',
    nameProperty: 'dealname',
    stageProperty: 'dealstage',
    pipelineProperty: 'pipeline',
    closeDateProperty: 'closedate',
    defaultPipeline: 'default',
    defaultStage: 'appointmentscheduled',
  },
  rateLimits: [
    { scope: 'portal', requests: 100, perSeconds: 10, policy: 'TEN_SECONDLY_ROLLING' },
    { scope: 'portal', requests: 250_000, perSeconds: 86_400, policy: 'DAILY' },
    // "About 4-5 requests/s per token" for search (UNCONFIRMED which): the lower figure.
    { scope: 'token', requests: 4, perSeconds: 1, burst: 1, pathPattern: '/search$', unconfirmed: true },
  ],
  webhook: {
    kind: 'hmac',
    signatureHeader: 'x-hubspot-signature-v3',
    timestampHeader: 'x-hubspot-request-timestamp',
    maxAgeSeconds: 300,
  },
  hooks: {
    verifyWebhook: 'verifyHubSpotSignature',
    parseWebhook: 'parseHubSpotEvents',
    describeError: 'describeHubSpotError',
    refreshToken: 'hubspotTokenExchange',
  },
});

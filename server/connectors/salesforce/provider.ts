import { defineProvider } from '../provider-schema.ts';

/**
 * Salesforce, as data, from shared/reference/crm-apis.md (Salesforce section) only: the connector itself
 * (jsforce client, Outbound Message / CDC parsing) comes with its own issue and names its hooks then.
 * Where the reference is silent the value is the safe one (`archive: null` = one call per record).
 */
export const salesforceProvider = defineProvider({
  id: 'salesforce',
  label: 'Salesforce',
  docs: 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/',
  auth: [
    {
      kind: 'oauth2',
      // Sandboxes use test.salesforce.com and My Domain hosts work too: the OAuth routes may override the host.
      authorizeUrl: 'https://login.salesforce.com/services/oauth2/authorize',
      tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
      scopes: ['api', 'refresh_token'],
      pkce: true,
      // "Refresh tokens may rotate (store the new one) or expire when idle."
      rotatesRefreshTokens: true,
    },
  ],
  // Every org has its own host: `instance_url` from the token response.
  apiBaseUrl: null,
  objects: [
    { name: 'Lead', label: 'Leads', people: true },
    { name: 'Contact', label: 'Contacts', people: true },
    { name: 'Account', label: 'Accounts' },
    { name: 'Opportunity', label: 'Opportunities' },
    { name: 'Campaign', label: 'Campaigns' },
    { name: 'Task', label: 'Tasks' },
  ],
  // sObject Collections: 200 records per call for create, update and upsert by external id.
  // Reads go through SOQL (`WHERE Id IN (...)`), whose pages hold up to 2,000 records.
  batch: { read: 2000, create: 200, update: 200, upsert: 200, archive: null },
  upsertKey: 'external_id',
  search: { pageSize: 2000, maxResults: null },
  pagination: { kind: 'next_url', pageSize: 2000 },
  // A rolling 24-hour allocation of about 100,000 calls plus a per-licence share (`GET /limits` tells).
  rateLimits: [{ scope: 'portal', requests: 100_000, perSeconds: 86_400, unconfirmed: true }],
  webhook: { kind: 'soap_outbound' },
});

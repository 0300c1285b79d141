import { defineProvider } from '../provider-schema.ts';

/** Where orgs log in; sandboxes use `https://test.salesforce.com`, and a My Domain host works for both. */
export const SALESFORCE_LOGIN = 'https://login.salesforce.com';

/**
 * Salesforce, as data. Facts and their sources: shared/reference/crm-apis.md (Salesforce section) and
 * server/sandbox/salesforce/README.md; the connector's own findings in ../README.md.
 */
export const salesforceProvider = defineProvider({
  id: 'salesforce',
  label: 'Salesforce',
  docs: 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/',
  auth: [
    {
      kind: 'oauth2',
      // The OAuth routes may use test.salesforce.com or a My Domain host instead.
      authorizeUrl: `${SALESFORCE_LOGIN}/services/oauth2/authorize`,
      tokenUrl: `${SALESFORCE_LOGIN}/services/oauth2/token`,
      scopes: ['api', 'refresh_token'],
      pkce: true,
      // Rotation is a connected-app setting: when on, every refresh returns a new refresh token and revokes
      // the old one, so whatever comes back is stored in the same swap as the access token.
      rotatesRefreshTokens: true,
      // The answer has no `expires_in`; tokens last the org's session timeout (two hours by default).
      accessTokenSeconds: 7200,
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
    { name: 'CampaignMember', label: 'Campaign Members' },
    { name: 'Task', label: 'Tasks' },
  ],
  // sObject Collections: 200 records per create, update, upsert (by external id) and delete. Reads are SOQL
  // `Id IN (...)` lists, kept to 200 values so a statement stays short.
  batch: { read: 200, create: 200, update: 200, upsert: 200, archive: 200 },
  upsertKey: 'external_id',
  search: { pageSize: 2000, maxResults: null },
  pagination: { kind: 'next_url', pageSize: 2000 },
  // Salesforce refuses a create without these (REQUIRED_FIELD_MISSING); the object reference lists them.
  required: {
    Lead: ['LastName', 'Company'],
    Contact: ['LastName'],
    Account: ['Name'],
    Opportunity: ['Name', 'StageName', 'CloseDate'],
  },
  // A Contact belongs to an Account (its AccountId); a Lead keeps its company as text until converted.
  companies: {
    object: 'Account',
    nameProperty: 'Name',
    domainProperty: 'Website',
    keyProperty: 'Rowbridge_Company_Key__c',
    people: ['Contact'],
  },
  // An Opportunity links to an Account, not to a person (contact roles aside); StageName has no org-wide
  // default, so "Prospecting", the first stage of Salesforce's standard sales process, stands in.
  deals: {
    object: 'Opportunity',
    keyProperty: 'Rowbridge_Deal_Key__c',
    nameProperty: 'Name',
    stageProperty: 'StageName',
    closeDateProperty: 'CloseDate',
    closeDateIsDate: true,
    linksPeople: false,
    defaultStage: 'Prospecting',
  },
  // Rows join existing campaigns as CampaignMembers; a campaign is never created from a sheet value.
  campaigns: { object: 'Campaign', nameProperty: 'Name', people: ['Lead', 'Contact'] },
  // A rolling 24-hour allocation of about 100,000 calls plus a per-licence share (`GET /limits` tells).
  rateLimits: [{ scope: 'portal', requests: 100_000, perSeconds: 86_400, unconfirmed: true }],
  // Outbound Messages are retried for 24 hours: 25 covers their stamps' age with an hour's slack.
  webhook: { kind: 'soap_outbound', maxAgeSeconds: 90_000 },
  hooks: {
    verifyWebhook: 'verifySalesforceOutbound',
    parseWebhook: 'parseSalesforceOutbound',
    describeError: 'describeSalesforceError',
    refreshToken: 'salesforceTokenExchange',
  },
});

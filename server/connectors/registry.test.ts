import { describe, expect, it } from 'vitest';
import { CRM_IDS, type CrmId } from '../../shared/mapping/index.ts';
import * as hubspot from './hubspot/index.ts';
import {
  authMethodSchema,
  type ProviderDescription,
  providerSchema,
  resolveHooks,
  WEBHOOK_KINDS,
} from './provider-schema.ts';
import { PROVIDERS, providerFor } from './registry.ts';
import * as salesforce from './salesforce/index.ts';

/** Each connector module, where its provider's hooks must resolve. */
const MODULES: Partial<Record<CrmId, Readonly<Record<string, unknown>>>> = { hubspot, salesforce };

describe('provider registry', () => {
  it.each(Object.entries(PROVIDERS))('%s is a valid description whose hooks exist', (crm, provider) => {
    expect(providerSchema.parse(provider)).toEqual(provider);
    const hooks = Object.keys((provider as ProviderDescription).hooks);
    if (hooks.length === 0) return;
    const module = MODULES[crm as CrmId];
    expect(module, `${crm} names hooks but has no connector module`).toBeDefined();
    expect(Object.keys(resolveHooks(provider as ProviderDescription, module ?? {}))).toEqual(hooks);
  });

  it('fails when a provider names a hook its module lacks', () => {
    const broken = { ...hubspot.hubspotProvider, hooks: { parseWebhook: 'parseHubSpotEventz' } };
    expect(() => resolveHooks(broken, hubspot)).toThrow(/parseHubSpotEventz/);
  });

  it('answers not_found for a CRM without a connector yet', () => {
    expect(() => providerFor('bitrix24')).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(providerFor('hubspot').label).toBe('HubSpot');
  });
});

/**
 * The interface checked against every CRM of the brief before freezing it (shared/reference/crm-apis.md):
 * how each would declare auth, upserts and webhooks in the provider schema, and how its connector composes
 * the `CrmConnector` operations the schema cannot express.
 */
const FIT: Record<CrmId, { auth: string[]; upsert: string; webhook: string; note: string }> = {
  hubspot: {
    auth: ['oauth2', 'token'],
    upsert: 'native',
    webhook: 'hmac',
    note: 'batch 100, search 10k ceiling',
  },
  salesforce: {
    auth: ['oauth2'],
    upsert: 'external_id',
    webhook: 'soap_outbound',
    note: 'sObject Collections 200, SOQL pages via next_url; CDC is a stream, Outbound Messages push',
  },
  zoho: {
    auth: ['oauth2'],
    upsert: 'native',
    webhook: 'token_echo',
    note: 'upsert 100 with duplicate_check_fields; per-DC hosts (apiBaseUrl null)',
  },
  pipedrive: {
    auth: ['token', 'oauth2'],
    upsert: 'none',
    webhook: 'basic_auth',
    note: 'no batch (null sizes): search then create',
  },
  odoo: {
    auth: ['token'],
    upsert: 'none',
    webhook: 'unsigned',
    note: 'JSON-RPC: search_read + create/write composed in the connector',
  },
  freshsales: {
    auth: ['token'],
    upsert: 'native',
    webhook: 'unsigned',
    note: 'upsert by unique_identifier (UNCONFIRMED)',
  },
  monday: {
    auth: ['token', 'oauth2'],
    upsert: 'none',
    webhook: 'jwt',
    note: 'GraphQL items; records = items of a board',
  },
  dynamics365: {
    auth: ['oauth2'],
    upsert: 'external_id',
    webhook: 'token_echo',
    note: 'alternate keys; $batch 1000',
  },
  copper: { auth: ['token'], upsert: 'none', webhook: 'token_echo', note: 'search page_size ≤ 200; 180/min' },
  close: {
    auth: ['basic'],
    upsert: 'none',
    webhook: 'hmac',
    note: 'contacts live inside leads: object "contacts" resolves through leads',
  },
  keap: {
    auth: ['oauth2', 'token'],
    upsert: 'none',
    webhook: 'token_echo',
    note: 'REST hooks echo X-Hook-Secret',
  },
  bitrix24: {
    auth: ['oauth2', 'token'],
    upsert: 'none',
    webhook: 'token_echo',
    note: 'batch = 50 commands; 503 QUERY_LIMIT_EXCEEDED → rateLimited',
  },
};

describe('the provider schema fits all twelve CRMs', () => {
  const kinds = authMethodSchema.options.map((option) => option.shape.kind.value);
  it.each(CRM_IDS)('%s', (crm) => {
    const fit = FIT[crm];
    for (const auth of fit.auth) expect(kinds).toContain(auth);
    expect(providerSchema.shape.upsertKey.options).toContain(fit.upsert);
    expect(WEBHOOK_KINDS).toContain(fit.webhook);
    const declared = PROVIDERS[crm];
    if (declared) {
      expect(declared.upsertKey).toBe(fit.upsert);
      expect(declared.webhook.kind).toBe(fit.webhook);
      expect(declared.auth.map((a) => a.kind)).toEqual(fit.auth);
    }
  });
});

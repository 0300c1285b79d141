import { join } from 'node:path';
import type { Hono } from 'hono';
import type { ServerConfig } from './config.ts';
import type { OAuthCrms } from './oauth/crms.ts';
import { HUBSPOT_API_BASE, HUBSPOT_APP_BASE, hubspotOAuth } from './oauth/hubspot.ts';
import { salesforceOAuth } from './oauth/salesforce.ts';
import { SANDBOX_HUBSPOT_CLIENT } from './sandbox/hubspot/client.ts';
import { createSandboxHubSpot, type SandboxHubSpot } from './sandbox/hubspot/index.ts';
import { SANDBOX_SALESFORCE_CLIENT } from './sandbox/salesforce/client.ts';
import { createSandboxSalesforce, type SandboxSalesforce } from './sandbox/salesforce/index.ts';
import type { HubSpotApp, SalesforceApp } from './sync/runtime.ts';

/** A sandbox CRM served by the companion under `/sandbox/<crm>`. */
export interface Sandbox {
  readonly app: { fetch: Hono['fetch'] };
  close(): Promise<void>;
}

/** The CRMs users can connect on this companion, and what the sync engine and webhooks need of them. */
export interface CrmApps {
  readonly crms: OAuthCrms;
  readonly sandboxes: Record<string, Sandbox>;
  readonly hubspotApp?: HubSpotApp;
  readonly salesforceApp?: SalesforceApp;
  /**
   * Points each sandbox CRM's webhooks at this companion, once its URL is known. The sandbox Salesforce
   * org is not aimed: its Outbound Message URL is per connection, and the org sends messages only for
   * edits made "in the UI" (tests and tools point their own instance at a connection's `webhookUrl`).
   */
  readonly aimWebhooks: () => void;
  /** The sandbox CRMs themselves in sandbox mode: sample data is seeded into them, the preview page edits them, tests reach their fault switches. */
  readonly sandboxCrms?: { readonly hubspot: SandboxHubSpot; readonly salesforce: SandboxSalesforce };
}

/**
 * The CRMs users can connect: the registered production apps, or in sandbox mode the sandbox CRMs served
 * by this companion under `/sandbox/<crm>` (state in `<dataDir>/sandbox/<crm>.json`). `publicUrl()` is
 * read per flow (a port-0 start fills it in).
 */
export function crmsFor(config: ServerConfig, publicUrl: () => string): CrmApps {
  if (config.mode === 'sandbox') return sandboxCrms(config, publicUrl);
  const crms: OAuthCrms = {};
  const { hubspot, salesforce } = config.crms;
  const hubspotApp: HubSpotApp | undefined = hubspot && { ...hubspot, apiBase: () => HUBSPOT_API_BASE };
  if (hubspot) {
    crms.hubspot = hubspotOAuth({
      ...hubspot,
      urls: () => ({
        appBase: HUBSPOT_APP_BASE,
        apiBase: HUBSPOT_API_BASE,
        redirectUri: `${publicUrl()}/oauth/hubspot/callback`,
      }),
    });
  }
  let salesforceApp: SalesforceApp | undefined;
  if (salesforce) {
    const { clientId, clientSecret, loginUrl } = salesforce;
    salesforceApp = { clientId, clientSecret, loginUrl: () => loginUrl };
    crms.salesforce = salesforceOAuth({
      clientId,
      clientSecret,
      policy: { kind: 'production', defaultUrl: loginUrl },
      redirectUri: () => `${publicUrl()}/oauth/salesforce/callback`,
    });
  }
  return {
    crms,
    sandboxes: {},
    ...(hubspotApp ? { hubspotApp } : {}),
    ...(salesforceApp ? { salesforceApp } : {}),
    aimWebhooks: () => {},
  };
}

function sandboxCrms(config: ServerConfig, publicUrl: () => string): CrmApps {
  const hubspot = createSandboxHubSpot({
    ...SANDBOX_HUBSPOT_CLIENT,
    stateFile: join(config.dataDir, 'sandbox', 'hubspot.json'),
  });
  // The sandbox org's instance URL and login URL are its mount, wherever the companion listens.
  const salesforceMount = () => `${publicUrl()}/sandbox/salesforce`;
  const salesforce = createSandboxSalesforce({
    ...SANDBOX_SALESFORCE_CLIENT,
    stateFile: join(config.dataDir, 'sandbox', 'salesforce.json'),
    instanceUrl: salesforceMount,
  });
  return {
    hubspotApp: {
      ...SANDBOX_HUBSPOT_CLIENT,
      appId: String(hubspot.appId),
      apiBase: () => `${publicUrl()}/sandbox/hubspot`,
    },
    salesforceApp: { ...SANDBOX_SALESFORCE_CLIENT, loginUrl: salesforceMount, sandboxMount: salesforceMount },
    aimWebhooks: () => hubspot.setWebhookTarget(`${publicUrl()}/webhooks/hubspot`),
    crms: {
      hubspot: hubspotOAuth({
        ...SANDBOX_HUBSPOT_CLIENT,
        urls: () => ({
          appBase: `${publicUrl()}/sandbox/hubspot`,
          apiBase: `${publicUrl()}/sandbox/hubspot`,
          redirectUri: `${publicUrl()}/oauth/hubspot/callback`,
        }),
        allowHttp: true,
      }),
      salesforce: salesforceOAuth({
        ...SANDBOX_SALESFORCE_CLIENT,
        policy: { kind: 'sandbox', mount: salesforceMount },
        redirectUri: () => `${publicUrl()}/oauth/salesforce/callback`,
        allowHttp: true,
      }),
    },
    sandboxes: { hubspot, salesforce },
    sandboxCrms: { hubspot, salesforce },
  };
}

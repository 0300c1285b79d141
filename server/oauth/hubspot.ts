import * as z from 'zod';
import { RowbridgeError } from '../../shared/errors.ts';
import type { OAuthCrm } from './crms.ts';

/** HubSpot's hosts; the sandbox serves the same paths under one base URL. */
export const HUBSPOT_APP_BASE = 'https://app.hubspot.com';
export const HUBSPOT_API_BASE = 'https://api.hubapi.com';

/**
 * Scopes Rowbridge asks for: read and write contacts, companies and deals, and create the custom
 * properties setup-fields needs. https://developers.hubspot.com/docs/api/oauth/scopes
 */
export const HUBSPOT_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.schemas.contacts.write',
];

const tokenInfoSchema = z.object({ hub_id: z.number(), hub_domain: z.string().optional() });

export interface HubSpotOAuthOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Read when a flow runs, so a companion started on port 0 can fill in its own URL. */
  readonly urls: () => { appBase: string; apiBase: string; redirectUri: string };
  readonly allowHttp?: boolean;
  readonly fetch?: typeof fetch;
}

/**
 * HubSpot as an OAuth CRM: its install URL and token endpoint, and the portal behind new tokens from the
 * token metadata endpoint (`hub_id`), which labels the connection.
 * https://developers.hubspot.com/docs/api/oauth-quickstart-guide
 */
export function hubspotOAuth(options: HubSpotOAuthOptions): OAuthCrm {
  const doFetch = options.fetch ?? fetch;
  return {
    crm: 'hubspot',
    label: 'HubSpot',
    get client() {
      const { appBase, apiBase, redirectUri } = options.urls();
      return {
        authorizeUrl: `${appBase}/oauth/authorize`,
        tokenUrl: `${apiBase}/oauth/v1/token`,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        redirectUri,
        scopes: HUBSPOT_SCOPES,
        pkce: true,
        ...(options.allowHttp ? { allowHttp: true } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      };
    },
    // https://developers.hubspot.com/docs/api/oauth/tokens (GET /oauth/v1/access-tokens/{token})
    async account(tokens) {
      const { apiBase } = options.urls();
      const response = await doFetch(
        `${apiBase}/oauth/v1/access-tokens/${encodeURIComponent(tokens.accessToken)}`,
      );
      const info = tokenInfoSchema.safeParse(response.ok ? await response.json() : undefined);
      if (!info.success) {
        throw new RowbridgeError(
          'crm_unavailable',
          `HubSpot did not say which portal the new connection belongs to (HTTP ${response.status}). Try connecting again.`,
        );
      }
      const { hub_id: hubId, hub_domain: domain } = info.data;
      return { accountId: String(hubId), label: domain ? `HubSpot ${domain}` : `HubSpot portal ${hubId}` };
    },
  };
}

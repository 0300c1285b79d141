import * as z from 'zod';
import { RowbridgeError } from '../../shared/errors.ts';
import { hubspotProvider } from '../connectors/hubspot/provider.ts';
import type { OAuthCrm } from './crms.ts';

/**
 * HubSpot's OAuth facts come from its provider description (endpoints, scopes, PKCE): one source for the
 * connector and the connect flow. The sandbox serves the same paths under its own hosts.
 */
function oauthMethod() {
  for (const method of hubspotProvider.auth) if (method.kind === 'oauth2') return method;
  throw new Error('The HubSpot provider description has no OAuth method.');
}
const oauth = oauthMethod();
const AUTHORIZE = new URL(oauth.authorizeUrl);
const TOKEN = new URL(oauth.tokenUrl);

/** HubSpot's own hosts, for production. */
export const HUBSPOT_APP_BASE = AUTHORIZE.origin;
export const HUBSPOT_API_BASE = TOKEN.origin;

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
    client() {
      const { appBase, apiBase, redirectUri } = options.urls();
      return {
        authorizeUrl: `${appBase}${AUTHORIZE.pathname}`,
        tokenUrl: `${apiBase}${TOKEN.pathname}`,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        redirectUri,
        scopes: oauth.scopes,
        pkce: oauth.pkce,
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

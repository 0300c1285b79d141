import { salesforceIdentity } from '../connectors/salesforce/identity.ts';
import { SALESFORCE_API_VERSION, salesforceProvider } from '../connectors/salesforce/index.ts';
import type { OAuthCrm } from './crms.ts';
import {
  checkSalesforceInstanceUrl,
  type LoginUrlPolicy,
  resolveSalesforceLoginUrl,
} from './salesforce-hosts.ts';

/** Salesforce's OAuth facts from its provider description: one source for the connector and the flow. */
function oauthMethod() {
  for (const method of salesforceProvider.auth) if (method.kind === 'oauth2') return method;
  throw new Error('The Salesforce provider description has no OAuth method.');
}
const oauth = oauthMethod();
// The endpoints' paths; their host is the flow's login host (production, sandbox org or My Domain).
const AUTHORIZE_PATH = new URL(oauth.authorizeUrl).pathname;
const TOKEN_PATH = new URL(oauth.tokenUrl).pathname;

export interface SalesforceOAuthOptions {
  /** The connected app's consumer key and secret. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** Which login hosts flows may use, and the default one. */
  readonly policy: LoginUrlPolicy;
  /** Our callback, read per flow (a companion started on port 0 learns its URL late). */
  readonly redirectUri: () => string;
  /** Plain http endpoints: only the sandbox org on this machine. */
  readonly allowHttp?: boolean;
  readonly fetch?: typeof fetch;
}

/**
 * Salesforce as an OAuth CRM: the web server flow with PKCE on the login host the user chose (checked by
 * `resolveSalesforceLoginUrl`), and the org behind new tokens from `userinfo` on the token answer's
 * `instance_url`. The connection keeps its org id (`accountId`, which routes Outbound Messages), its
 * instance URL, its login host (refreshes go there) and the integration user (its changes are echoes).
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
 */
export function salesforceOAuth(options: SalesforceOAuthOptions): OAuthCrm {
  const loginUrl = (requested: string | undefined) => resolveSalesforceLoginUrl(requested, options.policy);
  return {
    crm: 'salesforce',
    label: 'Salesforce',
    loginUrl,
    client(flow) {
      const host = loginUrl(flow.loginUrl);
      return {
        authorizeUrl: `${host}${AUTHORIZE_PATH}`,
        tokenUrl: `${host}${TOKEN_PATH}`,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        redirectUri: options.redirectUri(),
        scopes: oauth.scopes,
        pkce: oauth.pkce,
        ...(options.allowHttp ? { allowHttp: true } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      };
    },
    async account(tokens, flow) {
      const instanceUrl = checkSalesforceInstanceUrl(tokens.raw.instance_url, options.policy);
      const identity = await salesforceIdentity({
        accessToken: tokens.accessToken,
        instanceUrl,
        version: SALESFORCE_API_VERSION,
        identityUrl: tokens.raw.id,
        ...(options.fetch ? { runner: { fetch: options.fetch } } : {}),
      });
      const host = new URL(instanceUrl).host;
      return {
        accountId: identity.organizationId,
        label:
          options.policy.kind === 'sandbox'
            ? `Salesforce sandbox org ${identity.organizationId.slice(0, 15)}`
            : `Salesforce ${host}`,
        instanceUrl,
        loginUrl: loginUrl(flow.loginUrl),
        crmUserId: identity.userId,
      };
    },
  };
}

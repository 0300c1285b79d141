import * as oauth from 'oauth4webapi';
import { RowbridgeError } from '../../shared/errors.ts';

/** One CRM's OAuth 2.0 authorization-code setup, as its provider description and configuration give it. */
export interface OAuthClientConfig {
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Our callback, registered with the CRM app: `${ROWBRIDGE_PUBLIC_URL}/oauth/<crm>/callback`. */
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** Proof Key for Code Exchange (Salesforce wants it; harmless where unsupported). */
  readonly pkce: boolean;
  /** Plain http endpoints: only the sandbox CRMs on this machine. */
  readonly allowHttp?: boolean;
  /** For counting API calls (and tests); defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

/** Tokens as the companion keeps them. `raw` holds vendor extras (Salesforce `instance_url`). */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string;
  /** Epoch ms. */
  readonly expiresAt?: number;
  readonly scope?: string;
  readonly raw: Readonly<Record<string, unknown>>;
}

function server(config: OAuthClientConfig): oauth.AuthorizationServer {
  // These CRMs publish no discovery document; oauth4webapi only needs the endpoints and an issuer name.
  return {
    issuer: new URL(config.tokenUrl).origin,
    authorization_endpoint: config.authorizeUrl,
    token_endpoint: config.tokenUrl,
  };
}

function options(config: OAuthClientConfig): oauth.TokenEndpointRequestOptions {
  return {
    ...(config.allowHttp ? { [oauth.allowInsecureRequests]: true } : {}),
    ...(config.fetch ? { [oauth.customFetch]: config.fetch } : {}),
  };
}

/** A fresh PKCE verifier, to carry (sealed) in the flow's state. */
export function newCodeVerifier(): string {
  return oauth.generateRandomCodeVerifier();
}

/**
 * The CRM's authorize URL for this flow (RFC 6749 §4.1.1; PKCE S256 per RFC 7636 when enabled).
 * Scopes are space-separated, as HubSpot and Salesforce both expect:
 * https://developers.hubspot.com/docs/api/oauth-quickstart-guide
 */
export async function authorizeUrl(
  config: OAuthClientConfig,
  state: string,
  codeVerifier?: string,
): Promise<string> {
  const url = new URL(config.authorizeUrl);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', config.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', config.scopes.join(' '));
  url.searchParams.set('state', state);
  if (config.pkce && codeVerifier) {
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
  }
  return url.toString();
}

function tokenSet(response: oauth.TokenEndpointResponse, now: number): TokenSet {
  return {
    accessToken: response.access_token,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    ...(typeof response.expires_in === 'number' ? { expiresAt: now + response.expires_in * 1000 } : {}),
    ...(response.scope ? { scope: response.scope } : {}),
    raw: response,
  };
}

function refusal(error: unknown, action: string): RowbridgeError {
  if (error instanceof oauth.AuthorizationResponseError) {
    const denied = error.error === 'access_denied';
    return new RowbridgeError(
      'oauth_denied',
      denied
        ? 'Access was not granted in the CRM. Click "Connect" in the sidebar again and approve the access Rowbridge asks for.'
        : `The CRM refused the connection (${error.error}). Click "Connect" in the sidebar to try again.`,
    );
  }
  if (error instanceof oauth.ResponseBodyError) {
    return new RowbridgeError(
      'oauth_denied',
      `The CRM refused to ${action} (${error.error}${error.error_description ? `: ${error.error_description}` : ''}). Connect the CRM again from the sidebar.`,
    );
  }
  return new RowbridgeError(
    'crm_unavailable',
    `Could not reach the CRM to ${action}. Try again in a moment.`,
  );
}

/**
 * Refreshing is each connector's (its token exchange runs through the connector's request runner, with
 * its rate limits and retries): see `server/connectors/stored-tokens.ts`.
 *
 * Exchanges the authorization code from the callback URL for tokens (RFC 6749 §4.1.3), after checking
 * the callback carries a code and no error. State is checked by the caller (it is sealed, not compared).
 */
export async function exchangeCode(
  config: OAuthClientConfig,
  callback: URL,
  codeVerifier?: string,
  now: number = Date.now(),
): Promise<TokenSet> {
  const as = server(config);
  const client: oauth.Client = { client_id: config.clientId };
  try {
    const params = oauth.validateAuthResponse(as, client, callback, oauth.skipStateCheck);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretPost(config.clientSecret),
      params,
      config.redirectUri,
      config.pkce && codeVerifier ? codeVerifier : oauth.nopkce,
      options(config),
    );
    return tokenSet(await oauth.processAuthorizationCodeResponse(as, client, response), now);
  } catch (error) {
    throw refusal(error, 'connect');
  }
}

import { OAuth2 } from 'jsforce';
import { CrmApiError, isCrmApiError } from '../crm-error.ts';
import { createRequestRunner, type RunnerOptions } from '../http.ts';
import { describeSalesforceError } from './mappers.ts';
import { SALESFORCE_LOGIN, salesforceProvider } from './provider.ts';
import { RunnerTransport } from './transport.ts';

export interface SalesforceAppCredentials {
  /** The connected app's consumer key and secret. */
  readonly clientId: string;
  readonly clientSecret: string;
  /** `https://login.salesforce.com`, `https://test.salesforce.com`, a My Domain, or the sandbox's URL. */
  readonly loginUrl?: string;
  /** Test seams and metrics for the token endpoint's own runner. */
  readonly runner?: Omit<RunnerOptions, 'crm' | 'label' | 'tokens'>;
}

export interface ExchangedTokens {
  accessToken: string;
  /** Present when the connected app rotates refresh tokens: the old one no longer works, store this one. */
  refreshToken?: string;
  /** Salesforce may move an org; later calls should use this host. */
  instanceUrl?: string;
}

/**
 * A refresh-token exchange for `refreshingTokenSource` / `storedTokenSource`: jsforce's `OAuth2.refreshToken`
 * (`POST /services/oauth2/token`, `grant_type=refresh_token`) sent through a runner without a bearer token.
 * A rotated refresh token in the answer is returned, so the token source stores it in the same swap as the
 * access token. Salesforce's answer has no `expires_in`: tokens live until the session times out (a 401).
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
 */
export function salesforceTokenExchange(
  app: SalesforceAppCredentials,
): (refreshToken: string) => Promise<ExchangedTokens> {
  const runner = createRequestRunner({
    ...app.runner,
    crm: salesforceProvider.id,
    label: salesforceProvider.label,
    describeError: describeSalesforceError,
  });
  const oauth2 = new OAuth2({
    loginUrl: app.loginUrl ?? SALESFORCE_LOGIN,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
  });
  oauth2._transport = new RunnerTransport(runner, { anonymous: true });
  return async (refreshToken) => {
    const answer = await oauth2.refreshToken(refreshToken).catch((error: unknown) => {
      // A refused grant (revoked, expired, or rotated away) is not fixed by retrying: reconnect.
      if (!isCrmApiError(error) || error.code !== 'crm_rejected') throw error;
      throw new CrmApiError(
        'auth_expired',
        `Salesforce refused to refresh the connection's token (${error.message}). Reconnect the account.`,
        error.details,
      );
    });
    return {
      accessToken: answer.access_token,
      ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
      ...(answer.instance_url ? { instanceUrl: answer.instance_url } : {}),
    };
  };
}

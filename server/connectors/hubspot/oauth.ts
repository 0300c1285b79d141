import type { CrmId } from '../../../shared/mapping/index.ts';
import { CrmApiError, isCrmApiError } from '../crm-error.ts';
import { createRequestRunner, type RunnerOptions } from '../http.ts';
import { describeHubSpotError } from './mappers.ts';
import { HUBSPOT_API, hubspotProvider } from './provider.ts';
import { hubspotTokensApi } from './sdk.ts';

export interface HubSpotAppCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Defaults to `https://api.hubapi.com`; the sandbox passes its own URL. */
  readonly basePath?: string;
  /** Test seams and metrics for the token endpoint's own runner. */
  readonly runner?: Omit<RunnerOptions, 'crm' | 'label' | 'tokens'>;
}

export interface ExchangedTokens {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt?: number;
}

/**
 * A refresh-token exchange for `refreshingTokenSource` / `storedTokenSource`: `POST /oauth/v1/token` with
 * `grant_type=refresh_token`, through the SDK's `TokensApi` on a runner without a bearer token.
 *
 * https://developers.hubspot.com/docs/api-reference/auth-oauth-v1/tokens/post-oauth-v1-token
 */
export function hubspotTokenExchange(
  app: HubSpotAppCredentials,
): (refreshToken: string) => Promise<ExchangedTokens> {
  const now = app.runner?.now ?? Date.now;
  const runner = createRequestRunner({
    ...app.runner,
    crm: hubspotProvider.id satisfies CrmId,
    label: hubspotProvider.label,
    describeError: describeHubSpotError,
  });
  const tokens = hubspotTokensApi(app.basePath ?? HUBSPOT_API, runner);
  return async (refreshToken) => {
    const answer = await tokens
      .create('refresh_token', undefined, undefined, app.clientId, app.clientSecret, refreshToken)
      .catch((error: unknown) => {
        // A refused grant (revoked app, unknown refresh token) is not fixed by retrying: reconnect.
        if (!isCrmApiError(error) || error.code !== 'crm_rejected') throw error;
        throw new CrmApiError(
          'auth_expired',
          `HubSpot refused to refresh the connection's token (${error.message}). Reconnect the account.`,
          error.details,
        );
      });
    return {
      accessToken: answer.accessToken,
      ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
      ...(answer.expiresIn ? { expiresAt: now() + answer.expiresIn * 1000 } : {}),
    };
  };
}

import * as z from 'zod';
import { CrmApiError } from '../crm-error.ts';
import { createRequestRunner, type FetchLike } from '../http.ts';
import { staticToken } from '../tokens.ts';
import { describeHubSpotError } from './mappers.ts';
import { HUBSPOT_API, hubspotProvider } from './provider.ts';

const detailsSchema = z.looseObject({ portalId: z.number().int().positive() });

/**
 * The portal a token belongs to: `GET /account-info/v3/details`, which private-app tokens may call (the
 * SDK has no client for it, so it goes through a runner of its own). A refused token is `auth_expired`
 * with the CRM's reason; anything else unexpected is `crm_unavailable`.
 *
 * https://developers.hubspot.com/docs/api-reference/legacy/account/account-information/get-account-details
 */
export async function hubspotPortalOf(
  token: string,
  options: { readonly basePath?: string; readonly fetch?: FetchLike } = {},
): Promise<{ portalId: string }> {
  const runner = createRequestRunner({
    crm: hubspotProvider.id,
    label: hubspotProvider.label,
    tokens: staticToken(token),
    describeError: describeHubSpotError,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const response = await runner.send({
    method: 'GET',
    url: `${(options.basePath ?? HUBSPOT_API).replace(/\/$/, '')}/account-info/v3/details`,
    idempotent: true,
  });
  let parsed: z.infer<typeof detailsSchema> | undefined;
  try {
    parsed = detailsSchema.parse(JSON.parse(response.body));
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    throw new CrmApiError('crm_unavailable', 'HubSpot did not say which portal this token belongs to.', {
      status: response.status,
      endpoint: 'GET /account-info/v3/details',
      attempts: 1,
    });
  }
  return { portalId: String(parsed.portalId) };
}

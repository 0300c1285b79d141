import { RowbridgeError } from '../../../shared/errors.ts';
import { connectStart, type OAuthDeps } from '../../oauth/routes.ts';
import type { ApiHandlers } from './handlers.ts';

/** `POST /api/v1/connections/connect/{crm}`: the URL for the connect popup (see `oauth/routes.ts`). */
export function connectHandlers(oauth: OAuthDeps | undefined): Pick<ApiHandlers, 'connectCrm'> {
  return {
    connectCrm: (c, { params, query }) => {
      if (!oauth) {
        throw new RowbridgeError(
          'crm_not_configured',
          'No CRM can be connected on this companion: OAuth is not configured.',
        );
      }
      return connectStart(oauth, c.get('caller'), params.crm, { loginUrl: query.loginUrl });
    },
  };
}

import { Hono } from 'hono';
import { ROUTES } from '../../../shared/api/routes.ts';
import type { IdentityVerifier } from '../../auth/identity.ts';
import { type AuthEnv, authenticate } from '../../auth/middleware.ts';
import { route } from '../../http/route.ts';
import type { OAuthDeps } from '../../oauth/routes.ts';
import type { Database } from '../../store/database.ts';
import { auditHandlers } from './audit.ts';
import { conflictHandlers } from './conflicts.ts';
import { connectHandlers } from './connect.ts';
import { tokenConnectHandlers } from './connect-token.ts';
import { connectionHandlers, type WebhookUrlOf } from './connections.ts';
import type { AddonRouteName, ApiHandlers } from './handlers.ts';
import { jobHandlers } from './jobs.ts';
import { spreadsheetHandlers } from './spreadsheets.ts';
import { type SyncDeps, syncHandlers } from './sync.ts';
import { tableHandlers } from './tables.ts';

export interface ApiDeps {
  readonly db: Database;
  /** Checks Google identity tokens (the sandbox's own issuer in sandbox mode). */
  readonly verify: IdentityVerifier;
  /** Check every response against the contract: on outside production, where a drift is a bug to see. */
  readonly checkResponse: boolean;
  /** CRMs that connect through OAuth; absent, connecting answers `crm_not_configured`. */
  readonly oauth?: OAuthDeps;
  /** The sync engine; absent (API-only tests), sync routes answer `crm_not_configured`. */
  readonly sync?: SyncDeps;
  /** The per-connection webhook URL to show (Salesforce Outbound Messages). */
  readonly webhookUrlOf?: WebhookUrlOf;
}

/**
 * The add-on's v1 API: every `auth: 'addon'` route of the contract, each behind `authenticate` and
 * scoped to the caller's tenant and spreadsheet. A route missing here fails to compile (`ApiHandlers`).
 */
export function apiRoutes(deps: ApiDeps): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const auth = authenticate({ verify: deps.verify, repos: deps.db.repos });
  const handlers: ApiHandlers = {
    ...spreadsheetHandlers(deps.db),
    ...connectionHandlers(deps.db, deps.webhookUrlOf),
    ...connectHandlers(deps.oauth),
    ...tableHandlers(deps.db, deps.sync),
    ...conflictHandlers(deps.db, deps.sync),
    ...auditHandlers(deps.db),
    ...jobHandlers(deps.db),
    ...syncHandlers(deps.db, deps.sync),
    ...tokenConnectHandlers(deps.sync?.runtime),
  };
  const mount = <K extends AddonRouteName>(name: K) =>
    route(app, ROUTES[name], handlers[name], {
      before: auth(ROUTES[name]),
      checkResponse: deps.checkResponse,
    });
  for (const name of Object.keys(handlers) as AddonRouteName[]) mount(name);
  return app;
}

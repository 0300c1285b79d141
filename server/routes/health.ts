import { Hono } from 'hono';
import type { Mode } from '../../shared/api/common.ts';
import { ROUTES } from '../../shared/api/routes.ts';
import type { DatabaseKind } from '../../shared/api/system.ts';
import { route } from '../http/route.ts';

export interface HealthDeps {
  readonly version: string;
  readonly mode: Mode;
  /** The database the companion runs on. */
  readonly db: DatabaseKind;
  /** Check the body against the contract (see `route`). */
  readonly checkResponse: boolean;
}

/** `GET /healthz`: liveness for load balancers and the sidebar's "is the companion running?" check. */
export function healthRoutes(deps: HealthDeps): Hono {
  const app = new Hono();
  const body = { status: 'ok', mode: deps.mode, db: deps.db, version: deps.version } as const;
  route(app, ROUTES.health, () => body, { checkResponse: deps.checkResponse });
  return app;
}

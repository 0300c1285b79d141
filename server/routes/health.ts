import { Hono } from 'hono';
import type { AppDeps } from '../app.ts';

/** `GET /healthz`: liveness for load balancers and the sidebar's "is the companion running?" check. */
export function healthRoutes(deps: AppDeps): Hono {
  return new Hono().get('/healthz', (c) => c.json({ status: 'ok', mode: deps.mode, version: deps.version }));
}

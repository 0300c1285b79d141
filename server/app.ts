import { Hono } from 'hono';
import { handleError, handleNotFound } from './http-errors.ts';
import { healthRoutes } from './routes/health.ts';

/** `sandbox` talks to fake CRMs and sheets; `production` needs credentials (not configurable yet). */
export type Mode = 'sandbox' | 'production';

/** What the routes need. Grows as later issues add storage and the queue; routes get only this. */
export interface AppDeps {
  readonly version: string;
  readonly mode: Mode;
}

/**
 * Builds the companion's HTTP app from route modules, with one error mapping for all of them. No I/O
 * here, so tests drive it in process with `app.request(...)`.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.route('/', healthRoutes(deps));
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}

import { Hono } from 'hono';
import { parseOrThrow } from '../../shared/errors.ts';
import { type DashboardAccess, dashboardAccess } from '../dashboard/access.ts';
import { type DashboardSources, loadDashboard } from '../dashboard/data.ts';
import { renderDashboard } from '../dashboard/page.ts';
import { dashboardDataSchema, dashboardQuerySchema } from '../dashboard/schema.ts';

export interface DashboardDeps extends DashboardSources, DashboardAccess {
  /** Check the JSON against its schema before answering (outside production, as for the API). */
  readonly checkResponse: boolean;
}

// Operational data for one viewer: never cached, never framed, no script allowed to run in the page.
const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/**
 * `GET /dashboard` (the HTML page) and `GET /dashboard/data` (the same data as JSON), both taking
 * `table`, `record`, `before` and `limit` to filter and page the audit trail. Access: see `dashboardAccess`.
 */
export function dashboardRoutes(deps: DashboardDeps): Hono {
  const app = new Hono();
  app.use('/dashboard', dashboardAccess(deps));
  app.use('/dashboard/*', dashboardAccess(deps));
  const load = async (query: Record<string, string>) => {
    const data = await loadDashboard(deps, parseOrThrow(dashboardQuerySchema, query, 'dashboard filter'));
    return deps.checkResponse ? dashboardDataSchema.parse(data) : data;
  };
  app.get('/dashboard', async (c) => c.html(renderDashboard(await load(c.req.query())), 200, PAGE_HEADERS));
  app.get('/dashboard/data', async (c) =>
    c.json(await load(c.req.query()), 200, { 'Cache-Control': 'no-store' }),
  );
  return app;
}

import { Hono } from 'hono';
import type { DatabaseKind } from '../shared/api/system.ts';
import type { IdentityVerifier } from './auth/identity.ts';
import { handleError, handleNotFound } from './http-errors.ts';
import { type OAuthDeps, oauthRoutes } from './oauth/routes.ts';
import { httpMetrics } from './observability/http-metrics.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import type { MetricsHistory } from './observability/metrics-history.ts';
import { requestLogging } from './observability/request-logging.ts';
import type { WebhookUrlOf } from './routes/api/connections.ts';
import { apiRoutes } from './routes/api/index.ts';
import type { SyncDeps } from './routes/api/sync.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { openApiRoutes } from './routes/openapi.ts';
import type { Database } from './store/database.ts';

/** `sandbox` talks to fake CRMs and sheets; `production` needs credentials (not configurable yet). */
export type Mode = 'sandbox' | 'production';

/** What the routes need. Grows as later issues add storage and the queue; routes get only this. */
export interface AppDeps {
  readonly version: string;
  readonly mode: Mode;
  /** Structured request logs; silent when absent (tests). */
  readonly logger?: Logger;
  /** Prometheus metrics; a private registry when absent (tests). */
  readonly metrics?: Metrics;
  /** The open storage. The v1 API is mounted only with both `db` and `verify`. */
  readonly db?: Database;
  /** Checks the add-on's Google identity tokens. */
  readonly verify?: IdentityVerifier;
  /** CRMs that connect through OAuth (sandbox CRMs in sandbox mode); absent, connecting is refused. */
  readonly oauth?: OAuthDeps;
  /** The sync engine (connectors and jobs); absent, sync routes answer `crm_not_configured`. */
  readonly sync?: SyncDeps;
  /** The per-connection webhook URL the API shows (Salesforce Outbound Messages). */
  readonly webhookUrlOf?: WebhookUrlOf;
  /**
   * PostgreSQL instead of the embedded database (as in `ServerConfig`): what `/healthz` reports while no
   * database is open yet. An open `db` reports its own kind.
   */
  readonly databaseUrl?: string | undefined;
  /** The sampled metrics the dashboard charts; `/dashboard` is mounted with it and `db`. */
  readonly metricsHistory?: MetricsHistory;
  /** `ROWBRIDGE_DASHBOARD_TOKEN` (as in `ServerConfig`). */
  readonly dashboardToken?: string | undefined;
}

/**
 * Builds the companion's HTTP app from route modules, with one error mapping for all of them. No I/O
 * here, so tests drive it in process with `app.request(...)`.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const metrics = deps.metrics ?? createMetrics({ defaultMetrics: false });
  app.use(requestLogging(deps.logger ?? createLogger({ level: 'silent' })));
  app.use(httpMetrics(metrics));
  // Responses are checked against the contract outside production, where a drift is a bug to surface;
  // in production a small drift should not take a working feature down.
  const checkResponse = deps.mode !== 'production';
  const db: DatabaseKind = deps.db?.kind ?? (deps.databaseUrl ? 'postgres' : 'pglite');
  const store = deps.db;
  app.route(
    '/',
    healthRoutes({
      version: deps.version,
      mode: deps.mode,
      db,
      checkResponse,
      ...(store ? { probeStorage: () => store.client.query('select 1') } : {}),
    }),
  );
  app.route('/', openApiRoutes(deps));
  app.route('/', metricsRoutes(metrics));
  if (deps.db && deps.verify) {
    app.route(
      '/',
      apiRoutes({
        db: deps.db,
        verify: deps.verify,
        checkResponse,
        ...(deps.oauth ? { oauth: deps.oauth } : {}),
        ...(deps.sync ? { sync: deps.sync } : {}),
        ...(deps.webhookUrlOf ? { webhookUrlOf: deps.webhookUrlOf } : {}),
      }),
    );
    if (deps.oauth) app.route('/oauth', oauthRoutes(deps.oauth));
  }
  if (deps.db && deps.metricsHistory) {
    const { db, metricsHistory: history, mode, dashboardToken: token } = deps;
    app.route('/', dashboardRoutes({ db, history, mode, token, checkResponse }));
  }
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}

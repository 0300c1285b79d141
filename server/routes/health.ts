import { Hono } from 'hono';
import type { Mode } from '../../shared/api/common.ts';
import { ROUTES } from '../../shared/api/routes.ts';
import type { DatabaseKind, Readiness } from '../../shared/api/system.ts';
import { route } from '../http/route.ts';
import type { ErrorBody } from '../http-errors.ts';

export interface HealthDeps {
  readonly version: string;
  readonly mode: Mode;
  /** The database the companion runs on. */
  readonly db: DatabaseKind;
  /** Check the body against the contract (see `route`). */
  readonly checkResponse: boolean;
  /** Asks the database for `select 1`; absent when the companion runs without one. */
  readonly probeStorage?: () => Promise<unknown>;
}

/** A database that does not answer `select 1` within this is reported unavailable. */
const PROBE_TIMEOUT_MS = 2000;

async function storageState(probe: () => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'unavailable'>((resolve) => {
    timer = setTimeout(() => resolve('unavailable'), PROBE_TIMEOUT_MS);
  });
  // Through then(): a probe that throws at once counts as an unavailable database, not a failed check.
  const answered = Promise.resolve()
    .then(probe)
    .then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    );
  const state = await Promise.race([answered, timeout]);
  clearTimeout(timer);
  return state;
}

/**
 * `GET /healthz`: liveness for load balancers and the sidebar's "is the companion running?" check.
 * `GET /readyz`: readiness, failing with 503 `storage_unavailable` while the database does not answer.
 */
export function healthRoutes(deps: HealthDeps): Hono {
  const app = new Hono();
  const body = { status: 'ok', mode: deps.mode, db: deps.db, version: deps.version } as const;
  const probe = deps.probeStorage;
  route(app, ROUTES.health, async () => (probe ? { ...body, storage: await storageState(probe) } : body), {
    checkResponse: deps.checkResponse,
  });
  // Not through `route`: the 503 is an answer, not a failure to log with a stack at every probe.
  app.get(ROUTES.readiness.path, async (c) => {
    if (!probe) return c.json({ status: 'ready' } satisfies Readiness);
    if ((await storageState(probe)) === 'ok')
      return c.json({ status: 'ready', storage: 'ok' } satisfies Readiness);
    const unavailable: ErrorBody = {
      error: {
        code: 'storage_unavailable',
        message:
          'The companion cannot reach its database; send traffic to another instance until it answers again.',
      },
    };
    return c.json(unavailable, 503, { 'retry-after': '5' });
  });
  return app;
}

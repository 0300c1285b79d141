import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { accountRoutes } from './account.ts';
import { associationRoutes } from './associations.ts';
import { batchRoutes } from './batch.ts';
import type { Core, Env } from './core.ts';
import { HubSpotError } from './errors.ts';
import { listRoutes } from './lists.ts';
import { authenticate, bearerOf, oauthRoutes } from './oauth.ts';
import { objectRoutes } from './objects.ts';
import { pipelineRoutes } from './pipelines.ts';
import { propertyRoutes } from './properties.ts';
import { type RateLimitOptions, rateLimit } from './rate-limit.ts';
import { searchRoutes } from './search.ts';

/** One request the sandbox answered, for tests and the CLI to count API calls. */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The end of the bearer token (see `tokenHint`), when the request had one. */
  readonly tokenHint?: string;
  readonly at: number;
}

/** A long-running sandbox keeps the most recent requests only. */
const MAX_LOG = 10_000;

/** How a token appears in the request log: its last six characters, never the whole secret. */
export function tokenHint(token: string): string {
  return `…${token.slice(-6)}`;
}

/**
 * The sandbox's Hono app. Order: request log, fault injection, then for `/crm/*` authentication and rate
 * limits (`/account-info/*` authentication), then the API routes; errors are answered with HubSpot's
 * envelope.
 */
export function createApp(input: {
  readonly core: Core;
  readonly faults: MiddlewareHandler<Env>;
  readonly rateLimit: RateLimitOptions | false;
  readonly log: RequestLogEntry[];
}): Hono<Env> {
  const { core } = input;
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    await next();
    const token = bearerOf(c);
    if (input.log.length >= MAX_LOG) input.log.splice(0, input.log.length - MAX_LOG + 1);
    input.log.push({
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ...(token ? { tokenHint: tokenHint(token) } : {}),
      at: core.now(),
    });
  });
  app.use('*', input.faults);
  app.use('/crm/*', authenticate(core));
  app.use('/account-info/*', authenticate(core));
  if (input.rateLimit) app.use('/crm/*', rateLimit(core, input.rateLimit));

  for (const routes of [
    oauthRoutes(core),
    accountRoutes(core),
    listRoutes(core),
    pipelineRoutes(core),
    propertyRoutes(core),
    associationRoutes(core),
    searchRoutes(core),
    batchRoutes(core),
    objectRoutes(core),
  ]) {
    app.route('/', routes);
  }

  app.notFound((c) =>
    c.json({ status: 'error', message: 'resource not found', correlationId: randomUUID() }, 404),
  );
  app.onError((error, c) => {
    const known = error instanceof HubSpotError ? error : undefined;
    const problem = known ?? new HubSpotError(500, 'INTERNAL_ERROR', 'internal error');
    if (!known) console.error('sandbox HubSpot: unexpected error', error);
    const body = problem.body();
    c.header('x-hubspot-correlation-id', body.correlationId);
    return c.json(body, problem.status);
  });
  return app;
}

import { Hono, type MiddlewareHandler } from 'hono';
import { bulkRoutes } from './bulk.ts';
import { collectionRoutes } from './collections.ts';
import { compositeRoutes } from './composite.ts';
import type { Core, Env } from './core.ts';
import { SalesforceError } from './errors.ts';
import { countApiRequests, limitRoutes } from './limits.ts';
import { listViewRoutes } from './listviews.ts';
import { metadataRoutes } from './metadata.ts';
import { authenticate, bearerOf, identityUrl, oauthRoutes } from './oauth.ts';
import { queryRoutes } from './query.ts';
import { sobjectRoutes } from './sobjects.ts';

/** One request the sandbox answered, for tests and the CLI to count API calls. */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The end of the bearer token, when the request had one. */
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
 * The sandbox's Hono app. Order: request log, fault injection, OAuth and the Metadata SOAP endpoint, then
 * under `/services/data/vXX.X` authentication, API request counting and the REST resources. Errors are
 * answered with Salesforce's `[{message, errorCode}]` body.
 */
export function createApp(input: {
  readonly core: Core;
  readonly faults: MiddlewareHandler<Env>;
  readonly consent: { deny: boolean };
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
  app.route('/', oauthRoutes(core, input.consent));
  app.route('/', metadataRoutes(core));

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
  app.get('/services/data', (c) =>
    c.json(
      core.config.versions.map((version) => ({
        label: `v${version}`,
        url: `/services/data/v${version}`,
        version,
      })),
    ),
  );

  const rest = new Hono<Env>();
  rest.use('*', async (c, next) => {
    const version = /^v(\d+\.\d)$/.exec(c.req.param('version') ?? '')?.[1];
    if (!version || !core.config.versions.includes(version))
      throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
    await next();
  });
  rest.use('*', authenticate(core));
  rest.use('*', countApiRequests(core));
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_discoveryresource.htm
  rest.get('/', (c) => {
    const base = `/services/data/${c.req.param('version')}`;
    const names = ['sobjects', 'query', 'queryAll', 'limits', 'composite', 'jobs/ingest'];
    return c.json({
      ...Object.fromEntries(names.map((name) => [name, `${base}/${name}`])),
      identity: identityUrl(c, core, c.get('token').userId),
    });
  });
  for (const routes of [
    compositeRoutes(core, (request) => app.fetch(request)),
    listViewRoutes(core),
    limitRoutes(core),
    queryRoutes(core),
    collectionRoutes(core),
    bulkRoutes(core),
    sobjectRoutes(core),
  ]) {
    rest.route('/', routes);
  }
  app.route('/services/data/:version', rest);

  app.notFound((c) =>
    c.json(new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist').body(), 404),
  );
  app.onError((error, c) => {
    const known = error instanceof SalesforceError ? error : undefined;
    if (!known) console.error('sandbox Salesforce: unexpected error', error);
    const problem = known ?? new SalesforceError(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred.');
    return c.json(problem.body(), problem.status);
  });
  return app;
}

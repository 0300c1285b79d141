import { Hono, type MiddlewareHandler } from 'hono';
import { authenticate, bearerOf } from './auth.ts';
import { parseCall } from './call.ts';
import type { ApiCall, Core, Env, Operation } from './core.ts';
import { GoogleApiError } from './errors.ts';
import { type QuotaOptions, quotas } from './quota.ts';
import { spreadsheetsBatchUpdate, spreadsheetsCreate, spreadsheetsGet } from './spreadsheets.ts';
import {
  valuesAppend,
  valuesBatchClear,
  valuesBatchGet,
  valuesBatchUpdate,
  valuesClear,
  valuesGet,
  valuesUpdate,
} from './values.ts';

/** One request the sandbox answered, for tests and benchmarks to count API calls. */
export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The API method, when the path was one. */
  readonly operation?: Operation;
  readonly kind?: 'read' | 'write';
  readonly spreadsheetId?: string;
  /** The end of the bearer token (see `tokenHint`), when the request had one. */
  readonly tokenHint?: string;
  readonly at: number;
}

/** A long-running sandbox keeps the most recent requests only; the per-spreadsheet counts keep counting. */
const MAX_LOG = 10_000;

/** How a token appears in the request log: its last six characters, never the whole secret. */
export function tokenHint(token: string): string {
  return `…${token.slice(-6)}`;
}

/** Requests per spreadsheet, by kind, since the sandbox started (or `clearRequests`). */
export type RequestCounts = Map<string, { read: number; write: number }>;

const HANDLERS: Record<
  Operation,
  (core: Core, c: Parameters<typeof valuesGet>[1]) => Response | Promise<Response>
> = {
  'spreadsheets.create': spreadsheetsCreate,
  'spreadsheets.get': spreadsheetsGet,
  'spreadsheets.batchUpdate': spreadsheetsBatchUpdate,
  'values.get': valuesGet,
  'values.batchGet': valuesBatchGet,
  'values.update': valuesUpdate,
  'values.batchUpdate': valuesBatchUpdate,
  'values.append': valuesAppend,
  'values.clear': valuesClear,
  'values.batchClear': valuesBatchClear,
};

function notFound(): GoogleApiError {
  // What Google's front end answers for a path no API serves, in the JSON envelope.
  return new GoogleApiError(404, 'NOT_FOUND', 'Method not found.');
}

/**
 * The sandbox's Hono app, serving the real paths (`/v4/spreadsheets/...`): googleapis drops any path in
 * `rootUrl`, so the app must sit at the root of its origin. Order: request log, fault injection, then for
 * `/v4/*` authentication, routing and quotas, then the method; errors are answered with Google's envelope.
 */
export function createApp(input: {
  readonly core: Core;
  readonly faults: MiddlewareHandler<Env>;
  readonly quota: QuotaOptions | false;
  readonly acceptedTokens: ReadonlySet<string> | undefined;
  readonly log: RequestLogEntry[];
  readonly counts: RequestCounts;
}): Hono<Env> {
  const { core } = input;
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    await next();
    const token = bearerOf(c);
    const call: ApiCall | undefined = c.get('call');
    if (call?.kind && call.spreadsheetId) {
      const counts = input.counts.get(call.spreadsheetId) ?? { read: 0, write: 0 };
      counts[call.kind] += 1;
      input.counts.set(call.spreadsheetId, counts);
    }
    if (input.log.length >= MAX_LOG) input.log.splice(0, input.log.length - MAX_LOG + 1);
    input.log.push({
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ...(call ? { operation: call.operation, kind: call.kind } : {}),
      ...(call?.spreadsheetId ? { spreadsheetId: call.spreadsheetId } : {}),
      ...(token ? { tokenHint: tokenHint(token) } : {}),
      at: core.now(),
    });
  });
  app.use('/v4/*', async (c, next) => {
    // The raw path: ranges are percent-encoded path segments and must be decoded exactly once.
    const call = parseCall(c.req.method, new URL(c.req.url).pathname);
    if (call) c.set('call', call);
    await next();
  });
  app.use('*', input.faults);
  app.use('/v4/*', authenticate(input.acceptedTokens));
  app.use('/v4/*', async (c, next) => {
    if (!c.get('call')) throw notFound();
    await next();
  });
  if (input.quota) app.use('/v4/*', quotas(core, input.quota));
  app.all('/v4/*', (c) => HANDLERS[c.get('call').operation](core, c));

  app.notFound((c) => c.json(notFound().body(), 404));
  app.onError((error, c) => {
    const known = error instanceof GoogleApiError ? error : undefined;
    const problem = known ?? new GoogleApiError(500, 'INTERNAL', 'Internal error encountered.');
    if (!known) console.error('sandbox Google Sheets: unexpected error', error);
    for (const [name, value] of Object.entries(problem.extra.headers ?? {})) c.header(name, value);
    return c.json(problem.body(), problem.code);
  });
  return app;
}

import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type { Core, Env } from './core.ts';
import { SalesforceError } from './errors.ts';
import { objectNamed } from './fields.ts';
import { recordJson, restBase } from './json.ts';
import type { QueryCursor, SandboxData } from './model.ts';
import { bindQuery } from './soql/evaluate.ts';
import { parseSoql } from './soql/parser.ts';

/** Records per page unless `Sforce-Query-Options: batchSize=` asks for fewer (200 at least). */
export const QUERY_PAGE_SIZE = 2000;
/** Salesforce drops a query cursor after 15 minutes without use. */
const CURSOR_TTL_MS = 15 * 60_000;

/** The page size: the request's `batchSize` (200–2,000), never above the org's `queryBatchSize`. */
function batchSize(c: Context, largest: number): number {
  const match = /batchSize\s*=\s*(\d+)/i.exec(c.req.header('sforce-query-options') ?? '');
  const asked = match ? Math.min(QUERY_PAGE_SIZE, Math.max(200, Number(match[1]))) : QUERY_PAGE_SIZE;
  return Math.min(asked, largest);
}

/** One page from `ids` starting at `offset`, with `nextRecordsUrl` when more remain. */
function page(c: Context, data: SandboxData, cursor: QueryCursor, offset: number, size: number) {
  const object = objectNamed(cursor.object);
  const table = data.records[object.name] ?? {};
  const slice = cursor.ids.slice(offset, offset + size);
  const done = offset + slice.length >= cursor.ids.length;
  return {
    totalSize: cursor.ids.length,
    done,
    ...(done ? {} : { nextRecordsUrl: `${restBase(c)}/query/${cursor.id}-${offset + slice.length}` }),
    records: slice.flatMap((id) => {
      const record = table[id];
      return record ? [recordJson(c, data, object, record, cursor.fields)] : [];
    }),
  };
}

/**
 * SOQL through `/query` (live records) and `/queryAll` (the recycle bin too), pages of up to 2,000 records
 * with `nextRecordsUrl` cursors. The SOQL subset is in `soql/`.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 */
export function queryRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();

  const run = (c: Context, scanAll: boolean) => {
    const soql = c.req.query('q');
    if (!soql) throw new SalesforceError(400, 'MALFORMED_QUERY', 'The q parameter is required');
    const result = core.store.write((data) => {
      const bound = bindQuery(data, parseSoql(soql));
      const ids = bound.run(data, scanAll).map((record) => record.id);
      const cursor: QueryCursor = {
        id: `01g8d${randomBytes(6).toString('hex')}`,
        object: bound.object.name,
        fields: bound.fields,
        ids,
        scanAll,
        lastUsedAt: core.now(),
      };
      for (const [key, old] of Object.entries(data.cursors)) {
        if (old.lastUsedAt < core.now() - CURSOR_TTL_MS) delete data.cursors[key];
      }
      const size = batchSize(c, core.config.queryBatchSize);
      if (ids.length > size) data.cursors[cursor.id] = cursor;
      return page(c, data, cursor, 0, size);
    });
    return c.json(result);
  };

  const more = (c: Context) => {
    const match = /^(01g\w+)-(\d+)$/.exec(c.req.param('locator') ?? '');
    const result = core.store.write((data) => {
      const cursor = match?.[1] ? data.cursors[match[1]] : undefined;
      if (!cursor || !match) throw new SalesforceError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
      cursor.lastUsedAt = core.now();
      return page(c, data, cursor, Number(match[2]), batchSize(c, core.config.queryBatchSize));
    });
    return c.json(result);
  };

  app.get('/query', (c) => run(c, false));
  app.get('/queryAll', (c) => run(c, true));
  app.get('/query/:locator', more);
  app.get('/queryAll/:locator', more);
  return app;
}

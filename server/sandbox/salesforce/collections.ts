import { type Context, Hono } from 'hono';
import type { Core, Env } from './core.ts';
import { type RecordErrorJson, SalesforceError } from './errors.ts';
import { objectNamed } from './fields.ts';
import { toId18 } from './ids.ts';
import { asObject, readJsonBody, recordJson } from './json.ts';
import {
  checkFields,
  checkUnique,
  createRecord,
  deleteRecord,
  liveRecord,
  tentatively,
  updateRecord,
  type WriteContext,
  writeRecords,
} from './records.ts';
import { externalIdField, upsertOne } from './upsert.ts';

/** sObject Collections take at most 200 records per call. */
export const MAX_COLLECTION = 200;

interface ItemResult {
  id?: string;
  success: boolean;
  errors: RecordErrorJson[];
  created?: boolean;
}

const ROLLED_BACK: RecordErrorJson = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

/** Runs one item; a `SalesforceError` fails that item only (its checks run before anything changes). */
function item(run: () => Omit<ItemResult, 'errors' | 'success'>, id?: string): ItemResult {
  try {
    return { ...run(), success: true, errors: [] };
  } catch (error) {
    if (!(error instanceof SalesforceError)) throw error;
    return { ...(id ? { id } : {}), success: false, errors: [error.recordError()] };
  }
}

/**
 * Runs every item; with `allOrNone` a failure rolls the whole request back and the items that had succeeded
 * report `ALL_OR_NONE_OPERATION_ROLLED_BACK`.
 */
function runAll(
  ctx: WriteContext,
  allOrNone: boolean,
  run: (draft: WriteContext) => ItemResult[],
): ItemResult[] {
  if (!allOrNone) return run(ctx);
  const results = tentatively(ctx, run, (all) => all.every((r) => r.success));
  if (results.every((r) => r.success)) return results;
  return results.map((r) => (r.success ? { success: false, errors: [ROLLED_BACK] } : r));
}

function recordsOf(body: unknown): { allOrNone: boolean; records: Record<string, unknown>[] } {
  const input = asObject(body);
  const records = Array.isArray(input?.records) ? input.records.map((r) => asObject(r) ?? {}) : undefined;
  if (!records) throw new SalesforceError(400, 'JSON_PARSER_ERROR', 'The request body must contain records');
  if (records.length > MAX_COLLECTION) {
    throw new SalesforceError(
      400,
      'EXCEEDED_ID_LIMIT',
      `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`,
    );
  }
  return { allOrNone: input?.allOrNone === true, records };
}

function typeOf(record: Record<string, unknown>): string {
  const type = asObject(record.attributes)?.type;
  if (typeof type !== 'string')
    throw new SalesforceError(400, 'INVALID_TYPE', 'Must send a concrete entity type.');
  return type;
}

/**
 * sObject Collections: create, update, upsert by external id, delete and retrieve up to 200 records per
 * call, one result per record in request order (200 OK even when some fail).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
 */
export function collectionRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();

  app.post('/composite/sobjects', async (c) => {
    const { allOrNone, records } = recordsOf(await readJsonBody(c));
    const results = writeRecords(core, c.get('actor'), (ctx) =>
      runAll(ctx, allOrNone, (draft) =>
        records.map((record) =>
          item(() => {
            const object = objectNamed(typeOf(record));
            if ('Id' in record)
              throw new SalesforceError(400, 'INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']);
            const values = checkFields(draft, object, record, 'create');
            checkUnique(draft, object, values);
            return { id: createRecord(draft, object, values).id };
          }),
        ),
      ),
    );
    return c.json(results);
  });

  app.patch('/composite/sobjects', async (c) => {
    const { allOrNone, records } = recordsOf(await readJsonBody(c));
    const results = writeRecords(core, c.get('actor'), (ctx) =>
      runAll(ctx, allOrNone, (draft) =>
        records.map((record) => {
          const raw = String(record.id ?? record.Id ?? '');
          return item(() => {
            const object = objectNamed(typeOf(record));
            const target = liveRecord(draft, object, raw, toId18(raw));
            const { id: _id, Id: _Id, ...fields } = record;
            const values = checkFields(draft, object, fields, 'update');
            checkUnique(draft, object, values, target.id);
            updateRecord(draft, object, target, values);
            return { id: target.id };
          }, raw || undefined);
        }),
      ),
    );
    return c.json(results);
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_upsert.htm
  app.patch('/composite/sobjects/:object/:field', async (c) => {
    const object = objectNamed(c.req.param('object'));
    const { allOrNone, records } = recordsOf(await readJsonBody(c));
    const results = writeRecords(core, c.get('actor'), (ctx) => {
      const field = externalIdField(ctx, object, c.req.param('field'));
      return runAll(ctx, allOrNone, (draft) => {
        const seen = new Set<string>();
        return records.map((record) =>
          item(() => {
            if (typeOf(record).toLowerCase() !== object.name.toLowerCase()) {
              throw new SalesforceError(400, 'INVALID_TYPE', `Records must be of type ${object.name}`);
            }
            const key = Object.entries(record).find(
              ([name]) => name.toLowerCase() === field.name.toLowerCase(),
            )?.[1];
            if (typeof key !== 'string' || key === '') {
              throw new SalesforceError(400, 'MISSING_ARGUMENT', `${field.name} not specified`, [field.name]);
            }
            // Two records of one call with the same key would race in Salesforce's bulk DML: refused.
            if (seen.has(key.toLowerCase())) {
              throw new SalesforceError(
                400,
                'DUPLICATE_EXTERNAL_ID',
                `Duplicate external id specified: ${key}`,
                [field.name],
              );
            }
            seen.add(key.toLowerCase());
            const outcome = upsertOne(draft, object, field.name, key, record);
            if ('multiple' in outcome) {
              throw new SalesforceError(
                400,
                'DUPLICATE_EXTERNAL_ID',
                `${field.name}: more than one record found for external id field: [${outcome.multiple.join(', ')}]`,
                [field.name],
              );
            }
            return outcome;
          }),
        );
      });
    });
    return c.json(results);
  });

  app.delete('/composite/sobjects', (c) => {
    const ids = (c.req.query('ids') ?? '').split(',').filter(Boolean);
    if (ids.length > MAX_COLLECTION) {
      throw new SalesforceError(
        400,
        'EXCEEDED_ID_LIMIT',
        `record limit reached. cannot submit more than ${MAX_COLLECTION} records into this call`,
      );
    }
    const results = writeRecords(core, c.get('actor'), (ctx) =>
      runAll(ctx, c.req.query('allOrNone') === 'true', (draft) =>
        ids.map((raw) =>
          item(() => {
            const id = toId18(raw);
            const table = id ? Object.values(draft.data.records).find((t) => t[id]) : undefined;
            const object = table && id ? objectNamed((table[id] as { type: string }).type) : undefined;
            if (!object || !id) throw new SalesforceError(400, 'MALFORMED_ID', `malformed id ${raw}`, []);
            deleteRecord(draft, object, liveRecord(draft, object, raw, id));
            return { id };
          }, raw),
        ),
      ),
    );
    return c.json(results);
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections_retrieve.htm
  const retrieve = (c: Context<Env>, ids: string[], fields: string[]) => {
    const object = objectNamed(c.req.param('object') ?? '');
    const data = core.store.read();
    return c.json(
      ids.map((raw) => {
        const id = toId18(raw);
        const record = id ? data.records[object.name]?.[id] : undefined;
        return record && record.fields.IsDeleted !== true
          ? recordJson(c, data, object, record, fields)
          : null;
      }),
    );
  };
  app.get('/composite/sobjects/:object', (c) =>
    retrieve(
      c,
      (c.req.query('ids') ?? '').split(',').filter(Boolean),
      (c.req.query('fields') ?? 'Id').split(','),
    ),
  );
  app.post('/composite/sobjects/:object', async (c) => {
    const body = asObject(await readJsonBody(c)) ?? {};
    const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
    return retrieve(c, list(body.ids), list(body.fields));
  });

  return app;
}

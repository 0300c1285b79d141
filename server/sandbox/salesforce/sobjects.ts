import { Hono } from 'hono';
import type { Core, Env } from './core.ts';
import { describeGlobal, describeObject } from './describe.ts';
import { SalesforceError } from './errors.ts';
import { findField, objectNamed } from './fields.ts';
import { toId18 } from './ids.ts';
import { asObject, readJsonBody, recordJson, restBase } from './json.ts';
import {
  checkFields,
  checkUnique,
  createRecord,
  deleteRecord,
  findByValue,
  liveRecord,
  updateRecord,
  WriteContext,
  writeRecords,
} from './records.ts';
import { upsertOne } from './upsert.ts';

/**
 * `/sobjects`: describe, single-record create/read/update/delete and upsert by external id.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_list.htm
 */
export function sobjectRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  const read = (c: { get(key: 'actor'): Env['Variables']['actor'] }) =>
    new WriteContext(core.store.read(), core.now(), c.get('actor'));

  app.get('/sobjects', (c) => c.json(describeGlobal(c)));

  app.get('/sobjects/:object/describe', (c) =>
    c.json(describeObject(c, core.store.read(), objectNamed(c.req.param('object')))),
  );

  app.get('/sobjects/:object', (c) => {
    const object = objectNamed(c.req.param('object'));
    const { sobjects } = describeGlobal(c);
    return c.json({ objectDescribe: sobjects.find((s) => s.name === object.name), recentItems: [] });
  });

  app.post('/sobjects/:object', async (c) => {
    const object = objectNamed(c.req.param('object'));
    const input = asObject(await readJsonBody(c)) ?? {};
    if ('Id' in input)
      throw new SalesforceError(
        400,
        'INVALID_FIELD',
        `Unable to create/update fields: Id. Please check the security settings of this field.`,
        ['Id'],
      );
    const id = writeRecords(core, c.get('actor'), (ctx) => {
      const values = checkFields(ctx, object, input, 'create');
      checkUnique(ctx, object, values);
      return createRecord(ctx, object, values).id;
    });
    c.header('Location', `${restBase(c)}/sobjects/${object.name}/${id}`);
    return c.json({ id, success: true, errors: [] }, 201);
  });

  app.get('/sobjects/:object/:id', (c) => {
    const object = objectNamed(c.req.param('object'));
    const ctx = read(c);
    const raw = c.req.param('id');
    const record = liveRecord(ctx, object, raw, toId18(raw));
    return c.json(recordJson(c, ctx.data, object, record, selected(c.req.query('fields'), ctx, object)));
  });

  app.patch('/sobjects/:object/:id', async (c) => {
    const object = objectNamed(c.req.param('object'));
    const input = asObject(await readJsonBody(c)) ?? {};
    const raw = c.req.param('id');
    writeRecords(core, c.get('actor'), (ctx) => {
      const record = liveRecord(ctx, object, raw, toId18(raw));
      const values = checkFields(ctx, object, input, 'update');
      checkUnique(ctx, object, values, record.id);
      updateRecord(ctx, object, record, values);
    });
    return c.body(null, 204);
  });

  app.delete('/sobjects/:object/:id', (c) => {
    const object = objectNamed(c.req.param('object'));
    const raw = c.req.param('id');
    writeRecords(core, c.get('actor'), (ctx) =>
      deleteRecord(ctx, object, liveRecord(ctx, object, raw, toId18(raw))),
    );
    return c.body(null, 204);
  });

  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
  app.patch('/sobjects/:object/:field/:value', async (c) => {
    const object = objectNamed(c.req.param('object'));
    const input = asObject(await readJsonBody(c)) ?? {};
    const result = writeRecords(core, c.get('actor'), (ctx) =>
      upsertOne(ctx, object, c.req.param('field'), decodeURIComponent(c.req.param('value')), input),
    );
    if ('multiple' in result) {
      return c.json(
        result.multiple.map((id) => `${restBase(c)}/sobjects/${object.name}/${id}`),
        300,
      );
    }
    if (result.created) c.header('Location', `${restBase(c)}/sobjects/${object.name}/${result.id}`);
    return c.json(
      { id: result.id, success: true, errors: [], created: result.created },
      result.created ? 201 : 200,
    );
  });

  app.get('/sobjects/:object/:field/:value', (c) => {
    const object = objectNamed(c.req.param('object'));
    const ctx = read(c);
    const field = findField(ctx.data, object, c.req.param('field'));
    if (!field?.externalId)
      throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const found = findByValue(ctx, object, field.name, decodeURIComponent(c.req.param('value')));
    if (found.length === 0)
      throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
    if (found.length > 1)
      return c.json(
        found.map((r) => `${restBase(c)}/sobjects/${object.name}/${r.id}`),
        300,
      );
    return c.json(recordJson(c, ctx.data, object, found[0] as (typeof found)[number]));
  });

  return app;
}

function selected(fields: string | undefined, ctx: WriteContext, object: ReturnType<typeof objectNamed>) {
  if (!fields) return undefined;
  return fields.split(',').map((name) => {
    const field = findField(ctx.data, object, name.trim());
    if (!field)
      throw new SalesforceError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on sobject of type ${object.name}`,
      );
    return field.name;
  });
}

import type { Context } from 'hono';
import { Hono } from 'hono';
import * as z from 'zod';
import {
  applyInlineAssociations,
  inlineAssociationsSchema,
  planInlineAssociations,
  v3Associations,
} from './associations.ts';
import { type Core, type Env, listParam, originOf, readJson } from './core.ts';
import { touchLastContacted } from './engagements.ts';
import { objectNotFound } from './errors.ts';
import { type ObjectType, resolveObjectType, type SandboxData, type StoredRecord } from './model.ts';
import {
  archiveRecord,
  checkProperties,
  createRecord,
  findRecord,
  recordJson,
  uniqueConflict,
  updateRecord,
  WriteContext,
  writeRecords,
} from './records.ts';

/** A property value as JSON may carry it. */
export const valueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const propertiesSchema = z.record(z.string(), valueSchema);

const createSchema = z.object({
  properties: propertiesSchema,
  associations: inlineAssociationsSchema.optional(),
});
const updateSchema = z.object({ properties: propertiesSchema });

/** The `properties`, `propertiesWithHistory` and `associations` query parameters of a read. */
function readView(c: Context) {
  return {
    properties: listParam(c, 'properties'),
    propertiesWithHistory: listParam(c, 'propertiesWithHistory'),
    associations: listParam(c, 'associations') ?? [],
  };
}

function withAssociations(
  data: SandboxData,
  type: ObjectType,
  record: StoredRecord,
  view: ReturnType<typeof readView>,
) {
  const json = recordJson(data, type, record, view);
  if (!view.associations.length) return json;
  const associations = v3Associations(data, type, record.id, view.associations);
  return Object.keys(associations).length ? { ...json, associations } : json;
}

/**
 * Objects v3, one record at a time: list with paging, create (inline associations too), read (also by a
 * unique `idProperty`), update, archive. Works the same for every object type.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/objects/contacts/guide (and companies, deals, notes,
 * emails, tasks).
 */
export function objectRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();

  // Paged by id: `limit` (at most 100; 50 with propertiesWithHistory) and `after`.
  app.get('/crm/v3/objects/:objectType', (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const view = readView(c);
    const max = view.propertiesWithHistory?.length ? 50 : 100;
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 10) || 10, 1), max);
    const after = Number(c.req.query('after') ?? 0) || 0;
    const archived = c.req.query('archived') === 'true';
    const data = core.store.read();
    const matching = Object.values(data.records[type])
      .filter((record) => record.archived === archived && Number(record.id) >= after)
      .sort((a, b) => Number(a.id) - Number(b.id));
    const page = matching.slice(0, limit);
    const next = matching[limit];
    const paging = next
      ? {
          paging: {
            next: {
              after: next.id,
              link: `${originOf(c)}/crm/v3/objects/${type}?limit=${limit}&after=${next.id}`,
            },
          },
        }
      : {};
    return c.json({ results: page.map((record) => withAssociations(data, type, record, view)), ...paging });
  });

  // https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/create-contact
  app.post('/crm/v3/objects/:objectType', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const input = await readJson(c, createSchema);
    const json = writeRecords(core, c.get('actor'), (ctx) => {
      const values = checkProperties(ctx.data, type, input.properties, 'create');
      const conflict = uniqueConflict(ctx, type, values, undefined);
      if (conflict) throw conflict;
      const planned = planInlineAssociations(ctx.data, type, input.associations);
      const record = createRecord(ctx, type, values);
      applyInlineAssociations(ctx.data, type, record.id, planned);
      touchLastContacted(ctx, type, record, planned);
      return recordJson(ctx.data, type, record, { all: true });
    });
    c.header('Location', `${originOf(c)}/crm/v3/objects/${type}/${json.id}`);
    return c.json(json, 201);
  });

  // By id, or by a unique property with `idProperty` (e.g. `email`); unset requested properties are null.
  app.get('/crm/v3/objects/:objectType/:objectId', (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const id = c.req.param('objectId');
    const data = core.store.read();
    const ctx = new WriteContext(data, core.now(), c.get('actor'));
    let record = findRecord(ctx, type, id, c.req.query('idProperty'));
    if (!record && c.req.query('archived') === 'true' && !c.req.query('idProperty'))
      record = data.records[type][id];
    if (!record) throw objectNotFound(id);
    return c.json(withAssociations(data, type, record, readView(c)));
  });

  // https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/update-contact
  // Empty strings clear values; read-only and unknown properties are errors.
  app.patch('/crm/v3/objects/:objectType/:objectId', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const id = c.req.param('objectId');
    const input = await readJson(c, updateSchema);
    const json = writeRecords(core, c.get('actor'), (ctx) => {
      const record = findRecord(ctx, type, id, c.req.query('idProperty'));
      if (!record) throw objectNotFound(id);
      const values = checkProperties(ctx.data, type, input.properties, 'update');
      const conflict = uniqueConflict(ctx, type, values, record.id);
      if (conflict) throw conflict;
      return recordJson(ctx.data, type, updateRecord(ctx, type, record, values), { all: true });
    });
    return c.json(json);
  });

  // Archives (HubSpot's "delete"); 204 also when the record is already gone.
  app.delete('/crm/v3/objects/:objectType/:objectId', (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    writeRecords(core, c.get('actor'), (ctx) => {
      const record = findRecord(ctx, type, c.req.param('objectId'));
      if (record) archiveRecord(ctx, type, record);
    });
    return c.body(null, 204);
  });

  return app;
}

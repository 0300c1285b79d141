import { Hono } from 'hono';
import * as z from 'zod';
import {
  applyInlineAssociations,
  inlineAssociationsSchema,
  type PlannedAssociation,
  planInlineAssociations,
} from './associations.ts';
import { type Core, type Env, readJson } from './core.ts';
import { touchLastContacted } from './engagements.ts';
import { type BatchError, HubSpotError, invalidInput, objectNotFound } from './errors.ts';
import { isoInstant, OBJECT_INFO, type ObjectType, resolveObjectType, type StoredRecord } from './model.ts';
import { propertiesSchema } from './objects.ts';
import {
  archiveRecord,
  type Claims,
  checkProperties,
  claim,
  createRecord,
  findRecord,
  recordJson,
  uniqueConflict,
  updateRecord,
  WriteContext,
  writeRecords,
} from './records.ts';

/** Inputs per batch call (HubSpot's documented limit for the objects batch endpoints). */
export const MAX_BATCH_INPUTS = 100;
/** Batch reads that ask for `propertiesWithHistory` take at most 50 inputs. */
const MAX_HISTORY_INPUTS = 50;

const idSchema = z.union([z.string(), z.number()]).transform(String);
const traceSchema = z.string().optional();

const readSchema = z.object({
  inputs: z.array(z.object({ id: idSchema })),
  idProperty: z.string().optional(),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
});
const createSchema = z.object({
  inputs: z.array(
    z.object({
      properties: propertiesSchema,
      associations: inlineAssociationsSchema.optional(),
      objectWriteTraceId: traceSchema,
    }),
  ),
});
const writeSchema = z.object({
  inputs: z.array(
    z.object({
      id: idSchema,
      idProperty: z.string().optional(),
      properties: propertiesSchema,
      objectWriteTraceId: traceSchema,
    }),
  ),
});
const archiveSchema = z.object({ inputs: z.array(z.object({ id: idSchema })) });

function checkSize(count: number, max = MAX_BATCH_INPUTS): void {
  if (count > max) {
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Too many inputs: ${count} were given, at most ${max} are allowed.`,
    );
  }
}

function notFound(type: ObjectType, ids: readonly string[]): BatchError {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Could not get some ${OBJECT_INFO[type].upper} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids: [...ids] },
  };
}

function duplicates(keys: readonly string[]): void {
  const seen = new Set<string>();
  const repeated = keys.filter((key) => seen.has(key) || !seen.add(key));
  if (repeated.length) {
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Duplicate IDs found in batch input: [${[...new Set(repeated)].join(', ')}]`,
    );
  }
}

/** A planned write of one input: what to do, or why not. */
type Plan =
  | {
      readonly kind: 'create';
      readonly values: Record<string, string>;
      readonly links?: PlannedAssociation[];
    }
  | { readonly kind: 'update'; readonly record: StoredRecord; readonly values: Record<string, string> }
  | { readonly kind: 'missing'; readonly id: string }
  | { readonly kind: 'error'; readonly error: HubSpotError };

interface Traced {
  readonly objectWriteTraceId?: string | undefined;
}

/**
 * Plans every input, then either applies them all, or (when some fail) follows HubSpot's multi-status rule:
 * with a unique `objectWriteTraceId` on every input the valid ones are written and the answer is 207 with
 * the failures listed; without, the first failure fails the whole batch and nothing is written
 * (https://developers.hubspot.com/docs/api-reference/error-handling#multi-status-errors documents this for
 * batch create; the sandbox applies the same rule to update and upsert). Ids that do not exist are
 * reported like batch read reports them, in a 207, either way.
 */
function runWrites<I extends Traced>(
  ctx: WriteContext,
  type: ObjectType,
  inputs: readonly I[],
  plan: (input: I, claims: Claims) => Plan,
) {
  const claims: Claims = new Map();
  const plans = inputs.map((input, at) => {
    try {
      const planned = plan(input, claims);
      if (planned.kind === 'create' || planned.kind === 'update') {
        const conflict = uniqueConflict(
          ctx,
          type,
          planned.values,
          planned.kind === 'update' ? planned.record.id : undefined,
          claims,
        );
        if (conflict) return { kind: 'error', error: conflict } as const;
        claim(ctx, type, planned.values, claims, at);
      }
      return planned;
    } catch (error) {
      if (error instanceof HubSpotError) return { kind: 'error', error } as const;
      throw error;
    }
  });
  const traces = inputs.map((input) => input.objectWriteTraceId);
  const traced = traces.every((trace) => trace !== undefined) && new Set(traces).size === traces.length;
  const firstError = plans.find((p) => p.kind === 'error');
  if (firstError && !traced) throw firstError.error;

  const results: { record: StoredRecord; isNew: boolean; trace: string | undefined }[] = [];
  const errors: BatchError[] = [];
  const missing: string[] = [];
  plans.forEach((p, at) => {
    const trace = traces[at];
    if (p.kind === 'error') errors.push(p.error.batchError(trace ? { objectWriteTraceId: [trace] } : {}));
    else if (p.kind === 'missing') missing.push(p.id);
    else if (p.kind === 'create') {
      const record = createRecord(ctx, type, p.values);
      if (p.links) {
        applyInlineAssociations(ctx.data, type, record.id, p.links);
        touchLastContacted(ctx, type, record, p.links);
      }
      results.push({ record, isNew: true, trace });
    } else results.push({ record: updateRecord(ctx, type, p.record, p.values), isNew: false, trace });
  });
  if (missing.length) errors.unshift(notFound(type, missing));
  return { results, errors };
}

/** Written records as the answer lists them; upserts say whether each record is `new`. */
function resultsJson(
  ctx: WriteContext,
  type: ObjectType,
  results: ReturnType<typeof runWrites>['results'],
  upsert: boolean,
) {
  return results.map(({ record, isNew, trace }) => ({
    ...recordJson(ctx.data, type, record, { all: true }),
    ...(upsert ? { new: isNew } : {}),
    ...(trace ? { objectWriteTraceId: trace } : {}),
  }));
}

function envelope(startedAt: number, completedAt: number, results: unknown[], errors: readonly BatchError[]) {
  return {
    status: 'COMPLETE',
    results,
    ...(errors.length ? { numErrors: errors.length, errors } : {}),
    startedAt: isoInstant(startedAt),
    completedAt: isoInstant(completedAt),
  };
}

/**
 * Objects v3 batch endpoints: read, create, update, upsert and archive, 100 inputs at most.
 * https://developers.hubspot.com/docs/api-reference/2026-03/crm/objects/contacts/batch/create-contacts,
 * https://developers.hubspot.com/docs/api-reference/2026-03/crm/objects/contacts/batch/update-contacts,
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts
 */
export function batchRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();

  app.post('/crm/v3/objects/:objectType/batch/read', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const input = await readJson(c, readSchema);
    checkSize(
      input.inputs.length,
      input.propertiesWithHistory?.length ? MAX_HISTORY_INPUTS : MAX_BATCH_INPUTS,
    );
    const startedAt = core.now();
    const archived = c.req.query('archived') === 'true';
    const ctx = new WriteContext(core.store.read(), startedAt, c.get('actor'));
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const id of new Set(input.inputs.map((i) => i.id))) {
      let record = findRecord(ctx, type, id, input.idProperty);
      if (!record && archived && !input.idProperty) record = ctx.data.records[type][id];
      if (!record) missing.push(id);
      else results.push(recordJson(ctx.data, type, record, input));
    }
    const errors = missing.length ? [notFound(type, missing)] : [];
    return c.json(envelope(startedAt, core.now(), results, errors), errors.length ? 207 : 200);
  });

  app.post('/crm/v3/objects/:objectType/batch/create', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const { inputs } = await readJson(c, createSchema);
    checkSize(inputs.length);
    const startedAt = core.now();
    const { json, errors } = writeRecords(core, c.get('actor'), (ctx) => {
      const outcome = runWrites(ctx, type, inputs, (input) => {
        const values = checkProperties(ctx.data, type, input.properties, 'create');
        const links = planInlineAssociations(ctx.data, type, input.associations);
        return { kind: 'create', values, links };
      });
      return { json: resultsJson(ctx, type, outcome.results, false), errors: outcome.errors };
    });
    return c.json(envelope(startedAt, core.now(), json, errors), errors.length ? 207 : 201);
  });

  app.post('/crm/v3/objects/:objectType/batch/update', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const { inputs } = await readJson(c, writeSchema);
    checkSize(inputs.length);
    duplicates(inputs.map((input) => `${input.idProperty ?? ''}:${input.id}`));
    const startedAt = core.now();
    const { json, errors } = writeRecords(core, c.get('actor'), (ctx) => {
      const outcome = runWrites(ctx, type, inputs, (input) => {
        const record = findRecord(ctx, type, input.id, input.idProperty);
        if (!record) return { kind: 'missing', id: input.id };
        return {
          kind: 'update',
          record,
          values: checkProperties(ctx.data, type, input.properties, 'update'),
        };
      });
      return { json: resultsJson(ctx, type, outcome.results, false), errors: outcome.errors };
    });
    return c.json(envelope(startedAt, core.now(), json, errors), errors.length ? 207 : 200);
  });

  app.post('/crm/v3/objects/:objectType/batch/upsert', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const { inputs } = await readJson(c, writeSchema);
    checkSize(inputs.length);
    inputs.forEach((input, at) => {
      if (!input.idProperty) throw invalidInput(`inputs[${at}].idProperty is required for an upsert`);
    });
    const normalise = (input: (typeof inputs)[number]) =>
      input.idProperty === 'email' && type === 'contacts' ? input.id.trim().toLowerCase() : input.id;
    duplicates(inputs.map(normalise));
    const startedAt = core.now();
    const { json, errors } = writeRecords(core, c.get('actor'), (ctx) => {
      const outcome = runWrites(ctx, type, inputs, (input) => {
        const idProperty = input.idProperty ?? 'hs_object_id';
        const record = findRecord(ctx, type, input.id, idProperty);
        if (record) {
          return {
            kind: 'update',
            record,
            values: checkProperties(ctx.data, type, input.properties, 'update'),
          };
        }
        if (idProperty === 'hs_object_id') return { kind: 'error', error: objectNotFound(input.id) };
        const properties = { ...input.properties, [idProperty]: input.id };
        return { kind: 'create', values: checkProperties(ctx.data, type, properties, 'create') };
      });
      return { json: resultsJson(ctx, type, outcome.results, true), errors: outcome.errors };
    });
    return c.json(envelope(startedAt, core.now(), json, errors), errors.length ? 207 : 200);
  });

  app.post('/crm/v3/objects/:objectType/batch/archive', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const { inputs } = await readJson(c, archiveSchema);
    checkSize(inputs.length);
    writeRecords(core, c.get('actor'), (ctx) => {
      for (const { id } of inputs) {
        const record = findRecord(ctx, type, id);
        if (record) archiveRecord(ctx, type, record);
      }
    });
    return c.body(null, 204);
  });

  return app;
}

import { Hono } from 'hono';
import * as z from 'zod';
import { type Core, type Env, readJson } from './core.ts';
import { type BatchError, HubSpotError } from './errors.ts';
import {
  type AssociationRow,
  isoInstant,
  OBJECT_INFO,
  type ObjectType,
  resolveObjectType,
  type SandboxData,
} from './model.ts';

interface AssociationType {
  readonly from: ObjectType;
  readonly to: ObjectType;
  readonly typeId: number;
  readonly inverse: number;
  readonly label: string | null;
}

// HubSpot-defined association type ids (the SDK's `AssociationTypes` enum and
// https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide#association-type-id-values):
// [from, to, type id, inverse type id, label].
const DEFINED: readonly [ObjectType, ObjectType, number, number, string | null][] = [
  ['contacts', 'companies', 279, 280, null],
  ['contacts', 'companies', 1, 2, 'Primary'],
  ['deals', 'contacts', 3, 4, null],
  ['deals', 'companies', 341, 342, null],
  ['deals', 'companies', 5, 6, 'Primary'],
  ['notes', 'contacts', 202, 201, null],
  ['notes', 'companies', 190, 189, null],
  ['notes', 'deals', 214, 213, null],
  ['tasks', 'contacts', 204, 203, null],
  ['tasks', 'companies', 192, 191, null],
  ['tasks', 'deals', 216, 215, null],
  ['emails', 'contacts', 198, 197, null],
  ['emails', 'companies', 186, 185, null],
  ['emails', 'deals', 210, 209, null],
];

const TYPES: readonly AssociationType[] = DEFINED.flatMap(([from, to, typeId, inverse, label]) => [
  { from, to, typeId, inverse, label },
  { from: to, to: from, typeId: inverse, inverse: typeId, label },
]);

const CATEGORY = 'HUBSPOT_DEFINED';

function typeFor(from: ObjectType, to: ObjectType, typeId: number): AssociationType {
  const found = TYPES.find((t) => t.from === from && t.to === to && t.typeId === typeId);
  if (found) return found;
  const other = TYPES.find((t) => t.typeId === typeId);
  if (other) {
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `invalid from object type ${OBJECT_INFO[from].typeId} for associations to be created. expected: ${OBJECT_INFO[other.from].typeId}`,
    );
  }
  throw new HubSpotError(
    400,
    'VALIDATION_ERROR',
    `Unknown association type id ${typeId} from ${from} to ${to}.`,
  );
}

function defaultType(from: ObjectType, to: ObjectType): AssociationType {
  const found = TYPES.find((t) => t.from === from && t.to === to && t.label === null);
  if (!found)
    throw new HubSpotError(400, 'VALIDATION_ERROR', `No association type exists from ${from} to ${to}.`);
  return found;
}

function mustExist(data: SandboxData, type: ObjectType, id: string): void {
  const record = data.records[type][id];
  if (!record || record.archived) {
    throw new HubSpotError(400, 'VALIDATION_ERROR', 'One or more associations are invalid', {
      context: { INVALID_OBJECT_IDS: [id], objectType: [OBJECT_INFO[type].typeId] },
    });
  }
}

function addRow(data: SandboxData, row: AssociationRow): void {
  const exists = data.associations.some(
    (r) =>
      r.fromType === row.fromType &&
      r.fromId === row.fromId &&
      r.toId === row.toId &&
      r.typeId === row.typeId,
  );
  if (!exists) data.associations.push(row);
}

/**
 * Associates two live records with `typeId` (the pair's unlabelled type when omitted), storing both
 * directions; a labelled association also gets the unlabelled one, as in HubSpot.
 */
export function associate(
  data: SandboxData,
  from: ObjectType,
  fromId: string,
  to: ObjectType,
  toId: string,
  typeId?: number,
): void {
  mustExist(data, from, fromId);
  mustExist(data, to, toId);
  const types = [defaultType(from, to)];
  if (typeId !== undefined && typeId !== types[0]?.typeId) types.push(typeFor(from, to, typeId));
  for (const type of types) {
    addRow(data, { fromType: from, fromId, toType: to, toId, typeId: type.typeId, category: CATEGORY });
    addRow(data, {
      fromType: to,
      fromId: toId,
      toType: from,
      toId: fromId,
      typeId: type.inverse,
      category: CATEGORY,
    });
  }
}

function unassociate(
  data: SandboxData,
  from: ObjectType,
  fromId: string,
  to: ObjectType,
  toId: string,
): void {
  data.associations = data.associations.filter(
    (r) =>
      !(
        (r.fromType === from && r.fromId === fromId && r.toType === to && r.toId === toId) ||
        (r.fromType === to && r.fromId === toId && r.toType === from && r.toId === fromId)
      ),
  );
}

function labelOf(row: AssociationRow): string | null {
  return (
    TYPES.find((t) => t.from === row.fromType && t.to === row.toType && t.typeId === row.typeId)?.label ??
    null
  );
}

/** `{toObjectId, associationTypes}` per associated record, by id (SDK model `MultiAssociatedObjectWithLabel`). */
export function associatedWith(data: SandboxData, from: ObjectType, fromId: string, to: ObjectType) {
  const byTarget = new Map<string, AssociationRow[]>();
  for (const row of data.associations) {
    if (row.fromType !== from || row.fromId !== fromId || row.toType !== to) continue;
    byTarget.set(row.toId, [...(byTarget.get(row.toId) ?? []), row]);
  }
  return [...byTarget.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([toId, rows]) => ({
      toObjectId: Number(toId),
      associationTypes: rows.map((row) => ({
        category: row.category,
        typeId: row.typeId,
        label: labelOf(row),
      })),
    }));
}

const specSchema = z.object({
  associationCategory: z.string().optional(),
  associationTypeId: z.number().int(),
});
const idSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String) });

/** The `associations` of an object create: `[{to: {id}, types: [{associationCategory, associationTypeId}]}]`. */
export const inlineAssociationsSchema = z.array(
  z.object({ to: idSchema, types: z.array(specSchema).min(1) }),
);

export interface PlannedAssociation {
  readonly to: ObjectType;
  readonly toId: string;
  readonly typeId: number;
}

/** Checks inline associations before the record exists; throws the 400 HubSpot gives for a bad one. */
export function planInlineAssociations(
  data: SandboxData,
  from: ObjectType,
  input: z.infer<typeof inlineAssociationsSchema> | undefined,
): PlannedAssociation[] {
  const planned: PlannedAssociation[] = [];
  for (const association of input ?? []) {
    for (const spec of association.types) {
      const type = TYPES.find((t) => t.from === from && t.typeId === spec.associationTypeId);
      if (!type) typeFor(from, from, spec.associationTypeId);
      else {
        mustExist(data, type.to, association.to.id);
        planned.push({ to: type.to, toId: association.to.id, typeId: type.typeId });
      }
    }
  }
  return planned;
}

export function applyInlineAssociations(
  data: SandboxData,
  from: ObjectType,
  fromId: string,
  planned: readonly PlannedAssociation[],
): void {
  for (const p of planned) associate(data, from, fromId, p.to, p.toId, p.typeId);
}

/** The `associations` a v3 GET adds when asked: `{companies: {results: [{id, type}]}}`. */
export function v3Associations(
  data: SandboxData,
  from: ObjectType,
  fromId: string,
  targets: readonly string[],
) {
  const result: Record<string, { results: { id: string; type: string }[] }> = {};
  for (const target of targets) {
    const to = resolveObjectType(target);
    const rows = data.associations.filter(
      (r) => r.fromType === from && r.fromId === fromId && r.toType === to,
    );
    if (!rows.length) continue;
    result[to] = {
      results: rows.map((row) => ({
        id: row.toId,
        type: `${OBJECT_INFO[from].singular}_to_${OBJECT_INFO[to].singular}${labelOf(row) ? `_${labelOf(row)?.toLowerCase()}` : ''}`,
      })),
    };
  }
  return result;
}

function batchEnvelope(startedAt: number, now: number) {
  return { status: 'COMPLETE', startedAt: isoInstant(startedAt), completedAt: isoInstant(now) };
}

function labelsBetween(data: SandboxData, from: ObjectType, fromId: string, to: ObjectType, toId: string) {
  const rows = data.associations.filter(
    (r) => r.fromType === from && r.fromId === fromId && r.toType === to && r.toId === toId,
  );
  return {
    fromObjectTypeId: OBJECT_INFO[from].typeId,
    fromObjectId: Number(fromId),
    toObjectTypeId: OBJECT_INFO[to].typeId,
    toObjectId: Number(toId),
    labels: rows.map(labelOf).filter((label): label is string => label !== null),
  };
}

function defaultResults(from: ObjectType, fromId: string, to: ObjectType, toId: string) {
  const type = defaultType(from, to);
  return [
    {
      from: { id: fromId },
      to: { id: toId },
      associationSpec: { associationCategory: CATEGORY, associationTypeId: type.typeId },
    },
    {
      from: { id: toId },
      to: { id: fromId },
      associationSpec: { associationCategory: CATEGORY, associationTypeId: type.inverse },
    },
  ];
}

const batchCreateSchema = z.object({
  inputs: z.array(z.object({ from: idSchema, to: idSchema, types: z.array(specSchema).min(1) })).max(2000),
});
const batchDefaultSchema = z.object({
  inputs: z.array(z.object({ from: idSchema, to: idSchema })).max(2000),
});
const batchReadSchema = z.object({ inputs: z.array(idSchema).max(1000) });
const batchArchiveSchema = z.object({
  inputs: z.array(z.object({ from: idSchema, to: z.array(idSchema) })).max(2000),
});

/**
 * Associations v4: associate (default or labelled), list, remove, and the batch endpoints.
 * https://developers.hubspot.com/docs/api-reference/crm-associations-v4/guide
 */
export function associationRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  const pair = (from: string, to: string) => [resolveObjectType(from), resolveObjectType(to)] as const;

  app.put('/crm/v4/objects/:from/:fromId/associations/default/:to/:toId', (c) => {
    const [from, to] = pair(c.req.param('from'), c.req.param('to'));
    const { fromId, toId } = c.req.param();
    const startedAt = core.now();
    core.store.write((data) => associate(data, from, fromId, to, toId));
    return c.json({
      ...batchEnvelope(startedAt, core.now()),
      results: defaultResults(from, fromId, to, toId),
    });
  });

  app.put('/crm/v4/objects/:from/:fromId/associations/:to/:toId', async (c) => {
    const [from, to] = pair(c.req.param('from'), c.req.param('to'));
    const { fromId, toId } = c.req.param();
    const specs = await readJson(c, z.array(specSchema).min(1));
    const labels = core.store.write((data) => {
      for (const spec of specs) typeFor(from, to, spec.associationTypeId);
      for (const spec of specs) associate(data, from, fromId, to, toId, spec.associationTypeId);
      return labelsBetween(data, from, fromId, to, toId);
    });
    return c.json(labels, 201);
  });

  app.delete('/crm/v4/objects/:from/:fromId/associations/:to/:toId', (c) => {
    const [from, to] = pair(c.req.param('from'), c.req.param('to'));
    core.store.write((data) => unassociate(data, from, c.req.param('fromId'), to, c.req.param('toId')));
    return c.body(null, 204);
  });

  app.get('/crm/v4/objects/:from/:fromId/associations/:to', (c) => {
    const [from, to] = pair(c.req.param('from'), c.req.param('to'));
    const all = associatedWith(core.store.read(), from, c.req.param('fromId'), to);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 500) || 500, 1), 500);
    const offset = Math.max(Number(c.req.query('after') ?? 0) || 0, 0);
    const page = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? { paging: { next: { after: String(offset + limit) } } } : {};
    return c.json({ results: page, ...next });
  });

  app.post('/crm/v4/associations/:from/:to/batch/create', async (c) => {
    const [from, to] = pair(c.req.param('from'), c.req.param('to'));
    const { inputs } = await readJson(c, batchCreateSchema);
    const startedAt = core.now();
    const { results, errors } = core.store.write((data) => {
      const results: ReturnType<typeof labelsBetween>[] = [];
      const errors: BatchError[] = [];
      for (const input of inputs) {
        try {
          for (const spec of input.types) typeFor(from, to, spec.associationTypeId);
          for (const spec of input.types)
            associate(data, from, input.from.id, to, input.to.id, spec.associationTypeId);
          results.push(labelsBetween(data, from, input.from.id, to, input.to.id));
        } catch (error) {
          if (!(error instanceof HubSpotError)) throw error;
          errors.push(error.batchError({ fromId: [input.from.id], toId: [input.to.id] }));
        }
      }
      return { results, errors };
    });
    const body = { ...batchEnvelope(startedAt, core.now()), results };
    return errors.length ? c.json({ ...body, numErrors: errors.length, errors }, 207) : c.json(body, 201);
  });

  app.post('/crm/v4/associations/:from/:to/batch/associate/default', async (c) => {
    const [from, to] = pair(c.req.param('from'), c.req.param('to'));
    const { inputs } = await readJson(c, batchDefaultSchema);
    const startedAt = core.now();
    core.store.write((data) => {
      for (const input of inputs) {
        mustExist(data, from, input.from.id);
        mustExist(data, to, input.to.id);
      }
      for (const input of inputs) associate(data, from, input.from.id, to, input.to.id);
    });
    const results = inputs.flatMap((input) => defaultResults(from, input.from.id, to, input.to.id));
    return c.json({ ...batchEnvelope(startedAt, core.now()), results });
  });

  app.post('/crm/v4/associations/:from/:to/batch/read', async (c) => {
    const [from, to] = pair(c.req.param('from'), c.req.param('to'));
    const { inputs } = await readJson(c, batchReadSchema);
    const startedAt = core.now();
    const data = core.store.read();
    const results = inputs.map((input) => ({
      from: { id: input.id },
      to: associatedWith(data, from, input.id, to),
    }));
    return c.json({ ...batchEnvelope(startedAt, core.now()), results });
  });

  app.post('/crm/v4/associations/:from/:to/batch/archive', async (c) => {
    const [from, to] = pair(c.req.param('from'), c.req.param('to'));
    const { inputs } = await readJson(c, batchArchiveSchema);
    core.store.write((data) => {
      for (const input of inputs)
        for (const target of input.to) unassociate(data, from, input.from.id, to, target.id);
    });
    return c.body(null, 204);
  });

  return app;
}

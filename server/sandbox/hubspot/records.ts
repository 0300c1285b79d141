import type { Core } from './core.ts';
import { HubSpotError, type PropertyProblem, propertyValuesError } from './errors.ts';
import {
  type Actor,
  type ChangeEvent,
  isoInstant,
  OBJECT_INFO,
  type ObjectType,
  type SandboxData,
  type StoredRecord,
} from './model.ts';
import { allProperties, findProperty, isUniqueProperty, normalizeValue } from './properties.ts';

/** One request's (or one state-API call's) view of the state while it writes. */
export class WriteContext {
  readonly events: ChangeEvent[] = [];
  readonly #indexes = new Map<ObjectType, Map<string, Map<string, string>>>();

  constructor(
    readonly data: SandboxData,
    readonly now: number,
    readonly actor: Actor,
  ) {}

  /** Unique property → value → record id, over live records; built on first use, kept current by writes. */
  uniqueIndex(type: ObjectType): Map<string, Map<string, string>> {
    let index = this.#indexes.get(type);
    if (!index) {
      index = new Map();
      for (const property of allProperties(this.data, type)) {
        if (isUniqueProperty(type, property) && property.name !== 'hs_object_id')
          index.set(property.name, new Map());
      }
      for (const record of Object.values(this.data.records[type])) {
        if (record.archived) continue;
        for (const [name, values] of index) {
          const value = record.properties[name];
          if (value !== undefined) values.set(value, record.id);
        }
      }
      this.#indexes.set(type, index);
    }
    return index;
  }
}

/** Raw property input: the SDK sends strings; plain JSON may carry numbers, booleans or null. */
export type PropertyInput = Record<string, string | number | boolean | null>;

/**
 * Checks a write's properties and returns them normalised (emails lower-cased, datetimes as ISO, ...).
 * Every invalid property is listed in one 400, as HubSpot does.
 */
export function checkProperties(
  data: SandboxData,
  type: ObjectType,
  input: PropertyInput,
  mode: 'create' | 'update',
): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: PropertyProblem[] = [];
  for (const [name, raw] of Object.entries(input)) {
    const property = findProperty(data, type, name);
    if (!property) {
      problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (property.readOnlyValue) {
      problems.push({
        name,
        error: 'READ_ONLY_VALUE',
        message: `"${name}" is a calculated property; its value cannot be set.`,
      });
      continue;
    }
    const result = normalizeValue(type, property, raw === null ? '' : String(raw));
    if ('problem' in result) problems.push(result.problem);
    else values[name] = result.value;
  }
  if (mode === 'create') {
    for (const name of OBJECT_INFO[type].required) {
      if (!values[name] && !problems.some((p) => p.name === name)) {
        problems.push({
          name,
          error: 'MISSING_REQUIRED_PROPERTY',
          message: `Property "${name}" is required.`,
        });
      }
    }
  }
  if (problems.length) throw propertyValuesError(problems);
  return values;
}

/**
 * Finds a live record by id or by a unique property (`idProperty`). A property that is not unique cannot
 * identify a record: 400, as HubSpot answers.
 */
export function findRecord(
  ctx: WriteContext,
  type: ObjectType,
  id: string,
  idProperty?: string,
): StoredRecord | undefined {
  if (!idProperty || idProperty === 'hs_object_id') {
    const record = ctx.data.records[type][id];
    return record && !record.archived ? record : undefined;
  }
  const property = findProperty(ctx.data, type, idProperty);
  if (!property || !isUniqueProperty(type, property)) {
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `Unable to perform update/upsert by non-unique ${OBJECT_INFO[type].typeId} property ${idProperty}`,
    );
  }
  const key = idProperty === 'email' && type === 'contacts' ? id.trim().toLowerCase() : id;
  const found = ctx.uniqueIndex(type).get(idProperty)?.get(key);
  return found === undefined ? undefined : ctx.data.records[type][found];
}

/** Values claimed by earlier inputs of the same batch: `${property}\0${value}` → input index. */
export type Claims = Map<string, number>;

/**
 * The 409 a write gets when it would give a unique property a value another record has (HubSpot's
 * message for contacts: "Contact already exists. Existing ID: <id>").
 */
export function uniqueConflict(
  ctx: WriteContext,
  type: ObjectType,
  values: Record<string, string>,
  ownId: string | undefined,
  claims?: Claims,
): HubSpotError | undefined {
  for (const [name, taken] of ctx.uniqueIndex(type)) {
    const value = values[name];
    if (!value) continue;
    const holder = taken.get(value);
    if (holder !== undefined && holder !== ownId) {
      if (type === 'contacts' && name === 'email') {
        return new HubSpotError(409, 'CONFLICT', `Contact already exists. Existing ID: ${holder}`);
      }
      return new HubSpotError(
        409,
        'CONFLICT',
        `A ${OBJECT_INFO[type].singular} with the unique value "${value}" for property "${name}" already exists. Existing ID: ${holder}`,
      );
    }
    if (claims?.has(`${name}\0${value}`)) {
      return new HubSpotError(
        409,
        'CONFLICT',
        `Duplicate value "${value}" for unique property "${name}" in the batch.`,
      );
    }
  }
  return undefined;
}

/** Records the unique values an input of a batch will write, for `uniqueConflict` of later inputs. */
export function claim(
  ctx: WriteContext,
  type: ObjectType,
  values: Record<string, string>,
  claims: Claims,
  at: number,
) {
  for (const name of ctx.uniqueIndex(type).keys()) {
    const value = values[name];
    if (value) claims.set(`${name}\0${value}`, at);
  }
}

function setValue(
  ctx: WriteContext,
  type: ObjectType,
  record: StoredRecord,
  name: string,
  value: string,
): boolean {
  const current = record.properties[name] ?? '';
  if (current === value) return false;
  const index = ctx.uniqueIndex(type).get(name);
  if (index && current) index.delete(current);
  if (value === '') delete record.properties[name];
  else {
    record.properties[name] = value;
    index?.set(value, record.id);
  }
  const { sourceType, sourceId, userId } = ctx.actor;
  const entry = {
    value,
    timestamp: ctx.now,
    sourceType,
    ...(sourceId !== undefined ? { sourceId } : {}),
    ...(userId !== undefined ? { updatedByUserId: userId } : {}),
  };
  record.history[name] = [entry, ...(record.history[name] ?? [])];
  return true;
}

function event(
  ctx: WriteContext,
  type: ObjectType,
  id: string,
  kind: ChangeEvent['kind'],
  change?: [string, string],
) {
  ctx.events.push({
    kind,
    objectType: type,
    objectId: id,
    occurredAt: ctx.now,
    changeSource: ctx.actor.changeSource,
    ...(ctx.actor.sourceId !== undefined ? { sourceId: ctx.actor.sourceId } : {}),
    ...(change ? { propertyName: change[0], propertyValue: change[1] } : {}),
  });
}

/** Creates a record from checked values; the caller has ruled out unique conflicts. */
export function createRecord(
  ctx: WriteContext,
  type: ObjectType,
  values: Record<string, string>,
): StoredRecord {
  const info = OBJECT_INFO[type];
  const id = String(ctx.data.nextObjectId++);
  const record: StoredRecord = {
    id,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    archived: false,
    properties: {},
    history: {},
  };
  ctx.data.records[type][id] = record;
  const at = isoInstant(ctx.now);
  for (const [name, value] of [
    ['hs_object_id', id],
    [info.createdProperty, at],
    [info.modifiedProperty, at],
  ]) {
    if (name && value) setValue(ctx, type, record, name, value);
  }
  event(ctx, type, id, 'creation');
  for (const [name, value] of Object.entries(values)) {
    if (setValue(ctx, type, record, name, value)) event(ctx, type, id, 'propertyChange', [name, value]);
  }
  return record;
}

/** Applies checked values to a record; unchanged values are no change (no history, no event). */
export function updateRecord(
  ctx: WriteContext,
  type: ObjectType,
  record: StoredRecord,
  values: Record<string, string>,
): StoredRecord {
  let changed = false;
  for (const [name, value] of Object.entries(values)) {
    if (setValue(ctx, type, record, name, value)) {
      changed = true;
      event(ctx, type, record.id, 'propertyChange', [name, value]);
    }
  }
  if (changed) {
    record.updatedAt = ctx.now;
    setValue(ctx, type, record, OBJECT_INFO[type].modifiedProperty, isoInstant(ctx.now));
  }
  return record;
}

/** Archives a record ("delete" in HubSpot's API) and drops its associations. */
export function archiveRecord(ctx: WriteContext, type: ObjectType, record: StoredRecord): void {
  if (record.archived) return;
  record.archived = true;
  record.archivedAt = ctx.now;
  record.updatedAt = ctx.now;
  for (const [name, values] of ctx.uniqueIndex(type)) {
    const value = record.properties[name];
    if (value !== undefined && values.get(value) === record.id) values.delete(value);
  }
  ctx.data.associations = ctx.data.associations.filter(
    (row) =>
      !(
        (row.fromType === type && row.fromId === record.id) ||
        (row.toType === type && row.toId === record.id)
      ),
  );
  event(ctx, type, record.id, 'deletion');
}

/** One `propertiesWithHistory` entry (SDK model `ValueWithTimestamp`). */
export interface HistoryJson {
  readonly value: string;
  readonly timestamp: string;
  readonly sourceType: string;
  readonly sourceId?: string;
  readonly updatedByUserId?: number;
}

/** A record as the v3 objects API returns it (SDK model `SimplePublicObject`). */
export interface RecordJson {
  readonly id: string;
  readonly properties: Record<string, string | null>;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly archived: boolean;
  archivedAt?: string;
  propertiesWithHistory?: Record<string, HistoryJson[]>;
}

/** Which properties a response carries. */
export interface RecordView {
  /** Named properties (plus the always-returned id and dates); unset ones come back as null. */
  readonly properties?: readonly string[] | undefined;
  /** Every stored property (create and update answers). */
  readonly all?: boolean;
  readonly propertiesWithHistory?: readonly string[] | undefined;
}

/**
 * A record as HubSpot's v3 objects API returns it (SDK model `SimplePublicObject`): `id`, `properties`
 * sorted by name, `createdAt`, `updatedAt`, `archived`, and `propertiesWithHistory` when asked for (newest
 * value first).
 */
export function recordJson(
  data: SandboxData,
  type: ObjectType,
  record: StoredRecord,
  view: RecordView = {},
): RecordJson {
  const info = OBJECT_INFO[type];
  let names: string[];
  if (view.all) names = Object.keys(record.properties);
  else if (view.properties?.length) {
    const known = view.properties.filter((name) => findProperty(data, type, name));
    names = [...new Set([...known, 'hs_object_id', info.createdProperty, info.modifiedProperty])];
  } else names = [...info.defaultProperties];
  const properties: Record<string, string | null> = {};
  for (const name of names.sort()) properties[name] = record.properties[name] ?? null;
  const json: RecordJson = {
    id: record.id,
    properties,
    createdAt: isoInstant(record.createdAt),
    updatedAt: isoInstant(record.updatedAt),
    archived: record.archived,
  };
  if (record.archivedAt !== undefined) json.archivedAt = isoInstant(record.archivedAt);
  if (view.propertiesWithHistory?.length) {
    const history: Record<string, HistoryJson[]> = {};
    for (const name of view.propertiesWithHistory) {
      const entries = record.history[name];
      if (!entries) continue;
      history[name] = entries.map((entry) => ({
        value: entry.value,
        timestamp: new Date(entry.timestamp).toISOString(),
        sourceType: entry.sourceType,
        ...(entry.sourceId !== undefined ? { sourceId: entry.sourceId } : {}),
        ...(entry.updatedByUserId !== undefined ? { updatedByUserId: entry.updatedByUserId } : {}),
      }));
    }
    json.propertiesWithHistory = history;
  }
  return json;
}

/**
 * Runs one write with a fresh `WriteContext`: the state is saved once `change` returns, and the changes it
 * made are handed to the webhook dispatcher only then (a throw saves and emits nothing).
 */
export function writeRecords<T>(core: Core, actor: Actor, change: (ctx: WriteContext) => T): T {
  const { result, events } = core.store.write((data) => {
    const ctx = new WriteContext(data, core.now(), actor);
    return { result: change(ctx), events: ctx.events };
  });
  core.emit(events);
  return result;
}

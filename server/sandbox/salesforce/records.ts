import type { Core, RecordChange } from './core.ts';
import { SalesforceError } from './errors.ts';
import { fieldsOf, findField, normalizeValue, sameValue } from './fields.ts';
import { makeId } from './ids.ts';
import { type Actor, type FieldValue, type SandboxData, type StoredRecord, sfDateTime } from './model.ts';
import type { ObjectDef } from './objects.ts';

/** One request's (or one state-API call's) view of the state while it writes. */
export class WriteContext {
  readonly changes: RecordChange[] = [];

  constructor(
    readonly data: SandboxData,
    readonly now: number,
    readonly actor: Actor,
  ) {}

  table(object: ObjectDef): Record<string, StoredRecord> {
    this.data.records[object.name] ??= {};
    return this.data.records[object.name] as Record<string, StoredRecord>;
  }
}

/** Raw field input as a JSON body carries it. */
export type FieldInput = Readonly<Record<string, unknown>>;

/**
 * Checks a write's fields and returns them converted, keyed by their canonical names. The first problem is
 * thrown, as Salesforce reports one error per record: unknown fields (`INVALID_FIELD`), read-only ones
 * (`INVALID_FIELD_FOR_INSERT_UPDATE`), bad values, then missing required fields on create.
 */
export function checkFields(
  ctx: WriteContext,
  object: ObjectDef,
  input: FieldInput,
  mode: 'create' | 'update',
): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};
  const readOnly: string[] = [];
  for (const [name, raw] of Object.entries(input)) {
    if (name === 'attributes') continue;
    const field = findField(ctx.data, object, name);
    if (!field) {
      throw new SalesforceError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on sobject of type ${object.name}`,
      );
    }
    if (field.name === 'Id' && mode === 'update') continue;
    if (!(mode === 'create' ? field.createable : field.updateable)) {
      readOnly.push(field.name);
      continue;
    }
    values[field.name] = normalizeValue(ctx.data, field, raw);
  }
  if (readOnly.length > 0) {
    throw new SalesforceError(
      400,
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      readOnly,
    );
  }
  if (mode === 'create') {
    const missing = fieldsOf(ctx.data, object)
      .filter((f) => f.createable && !f.nillable && f.defaultValue === undefined && f.type !== 'boolean')
      .filter((f) => values[f.name] === null || values[f.name] === undefined)
      .map((f) => f.name);
    if (object.name === 'CampaignMember' && !values.LeadId && !values.ContactId) missing.push('LeadId');
    if (missing.length > 0) {
      throw new SalesforceError(
        400,
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      );
    }
  }
  return values;
}

/** Live records of `object` whose `field` equals `value` (text compared case-insensitively). */
export function findByValue(
  ctx: WriteContext,
  object: ObjectDef,
  field: string,
  value: FieldValue,
): StoredRecord[] {
  return Object.values(ctx.table(object)).filter(
    (record) => record.fields.IsDeleted !== true && sameValue(record.fields[field], value),
  );
}

/** 400 `DUPLICATE_VALUE` when a unique field would repeat another live record's value. */
export function checkUnique(
  ctx: WriteContext,
  object: ObjectDef,
  values: Record<string, FieldValue>,
  ownId?: string,
): void {
  for (const field of fieldsOf(ctx.data, object)) {
    const value = values[field.name];
    if (!field.unique || value === null || value === undefined) continue;
    const holder = findByValue(ctx, object, field.name, value).find((record) => record.id !== ownId);
    if (holder) {
      throw new SalesforceError(
        400,
        'DUPLICATE_VALUE',
        `duplicate value found: ${field.name} duplicates value on record with id: ${holder.id}`,
        [field.name],
      );
    }
  }
  if (object.name === 'CampaignMember' && ownId === undefined) {
    const member = Object.values(ctx.table(object)).find(
      (record) =>
        record.fields.IsDeleted !== true &&
        record.fields.CampaignId === values.CampaignId &&
        ((values.LeadId && record.fields.LeadId === values.LeadId) ||
          (values.ContactId && record.fields.ContactId === values.ContactId)),
    );
    if (member) throw new SalesforceError(400, 'DUPLICATE_VALUE', 'Already a campaign member.', []);
  }
}

function stamp(ctx: WriteContext, record: StoredRecord): void {
  const at = sfDateTime(ctx.now);
  record.fields.LastModifiedDate = at;
  record.fields.LastModifiedById = ctx.actor.userId;
  record.fields.SystemModstamp = at;
}

/** Fields Salesforce derives from others (formula-like standard fields). */
function derive(ctx: WriteContext, object: ObjectDef, record: StoredRecord): void {
  const f = record.fields;
  if (object.name === 'Lead' || object.name === 'Contact') {
    f.Name = [f.FirstName, f.LastName].filter((part) => typeof part === 'string' && part !== '').join(' ');
  }
  if (object.name === 'Opportunity') {
    f.IsClosed = typeof f.StageName === 'string' && f.StageName.startsWith('Closed');
    f.IsWon = f.StageName === 'Closed Won';
  }
  if (object.name === 'Task') {
    f.IsClosed = f.Status === 'Completed';
    if (f.IsClosed && typeof f.ActivityDate === 'string')
      touchActivity(ctx, [f.WhoId ?? null, f.WhatId ?? null], f.ActivityDate);
  }
  if (object.name === 'CampaignMember') {
    f.HasResponded = f.Status === 'Responded';
    if (f.HasResponded && !f.FirstRespondedDate) f.FirstRespondedDate = sfDateTime(ctx.now).slice(0, 10);
  }
}

/**
 * `LastActivityDate` of a task's Who and What: the latest due date of their closed tasks. Salesforce keeps
 * it without touching the record's modification stamps.
 */
function touchActivity(ctx: WriteContext, ids: readonly FieldValue[], date: string): void {
  for (const id of ids) {
    if (typeof id !== 'string') continue;
    for (const table of Object.values(ctx.data.records)) {
      const record = table[id];
      if (!record) continue;
      const current = record.fields.LastActivityDate;
      if (typeof current !== 'string' || current < date) record.fields.LastActivityDate = date;
    }
  }
}

/** Creates a record from checked values; the caller has ruled out unique conflicts. */
export function createRecord(
  ctx: WriteContext,
  object: ObjectDef,
  values: Record<string, FieldValue>,
): StoredRecord {
  const id = makeId(object.keyPrefix, ctx.data.nextId++);
  const record: StoredRecord = { id, type: object.name, fields: { Id: id, IsDeleted: false } };
  for (const field of fieldsOf(ctx.data, object)) {
    if (field.defaultValue !== undefined && field.defaultValue !== '')
      record.fields[field.name] = field.defaultValue;
    else if (field.type === 'boolean') record.fields[field.name] = false;
  }
  if (object.fields.some((f) => f.name === 'OwnerId')) record.fields.OwnerId = ctx.actor.userId;
  Object.assign(record.fields, values);
  record.fields.CreatedDate = sfDateTime(ctx.now);
  record.fields.CreatedById = ctx.actor.userId;
  stamp(ctx, record);
  derive(ctx, object, record);
  ctx.table(object)[id] = record;
  ctx.changes.push({ object: object.name, id, kind: 'created', actor: ctx.actor });
  return record;
}

/** Applies checked values. Every save moves the modification stamps, changed values or not, as in Salesforce. */
export function updateRecord(
  ctx: WriteContext,
  object: ObjectDef,
  record: StoredRecord,
  values: Record<string, FieldValue>,
): StoredRecord {
  Object.assign(record.fields, values);
  stamp(ctx, record);
  derive(ctx, object, record);
  ctx.changes.push({ object: object.name, id: record.id, kind: 'updated', actor: ctx.actor });
  return record;
}

/** Moves a record to the recycle bin (`IsDeleted = true`, still readable through `queryAll`). */
export function deleteRecord(ctx: WriteContext, object: ObjectDef, record: StoredRecord): void {
  record.fields.IsDeleted = true;
  stamp(ctx, record);
  ctx.changes.push({ object: object.name, id: record.id, kind: 'deleted', actor: ctx.actor });
}

/** A live record by id (15 or 18 characters), or the error Salesforce gives for a missing or deleted one. */
export function liveRecord(
  ctx: WriteContext,
  object: ObjectDef,
  id: string,
  id18: string | undefined,
): StoredRecord {
  const record = id18 ? ctx.table(object)[id18] : undefined;
  if (!record) {
    if (!id18)
      throw new SalesforceError(400, 'MALFORMED_ID', `${object.name} ID: id value of incorrect type: ${id}`, [
        'Id',
      ]);
    throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }
  if (record.fields.IsDeleted === true)
    throw new SalesforceError(404, 'ENTITY_IS_DELETED', 'entity is deleted', []);
  return record;
}

/**
 * Runs one write with a fresh `WriteContext`: the state is saved once `change` returns, and the changes it
 * made reach the outbound message dispatcher only then (a throw saves and emits nothing).
 */
export function writeRecords<T>(core: Core, actor: Actor, change: (ctx: WriteContext) => T): T {
  const { result, changes } = core.store.write((data) => {
    const ctx = new WriteContext(data, core.now(), actor);
    return { result: change(ctx), changes: ctx.changes };
  });
  core.emit(changes);
  return result;
}

/**
 * Runs `change` on a copy of the state and keeps the copy only if `keep` says so: how `allOrNone` rolls a
 * whole Collections request back after one record failed.
 */
export function tentatively<T>(
  ctx: WriteContext,
  change: (draft: WriteContext) => T,
  keep: (result: T) => boolean,
): T {
  const draft = new WriteContext(structuredClone(ctx.data), ctx.now, ctx.actor);
  const result = change(draft);
  if (keep(result)) {
    Object.assign(ctx.data, draft.data);
    ctx.changes.push(...draft.changes);
  }
  return result;
}

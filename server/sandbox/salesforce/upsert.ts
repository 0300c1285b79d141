import { SalesforceError } from './errors.ts';
import { findField, normalizeValue, sameValue } from './fields.ts';
import type { ObjectDef } from './objects.ts';
import {
  checkFields,
  checkUnique,
  createRecord,
  type FieldInput,
  findByValue,
  updateRecord,
  type WriteContext,
} from './records.ts';

export type UpsertOutcome =
  | { readonly id: string; readonly created: boolean }
  | { readonly multiple: string[] };

/** The external id field an upsert names: it must exist and be marked External ID. */
export function externalIdField(ctx: WriteContext, object: ObjectDef, name: string) {
  const field = findField(ctx.data, object, name);
  // An unknown external id field is a 404 like any unknown resource (Salesforce's upsert guide).
  if (!field) throw new SalesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (!field.externalId) {
    throw new SalesforceError(
      400,
      'INVALID_FIELD',
      `Field name provided, ${field.name} is not an External ID or indexed field for ${object.name}`,
    );
  }
  return field;
}

/**
 * Creates or updates the record whose external id `field` is `value`: no match creates (with the value
 * set), one match updates, several answer 300 with their ids. Matching is case-insensitive, like a unique
 * external id that is not case-sensitive.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm
 */
export function upsertOne(
  ctx: WriteContext,
  object: ObjectDef,
  fieldName: string,
  value: string,
  input: FieldInput,
): UpsertOutcome {
  const field = externalIdField(ctx, object, fieldName);
  const key = normalizeValue(ctx.data, field, value);
  const given = Object.entries(input).find(([name]) => name.toLowerCase() === field.name.toLowerCase());
  if (given && !sameValue(normalizeValue(ctx.data, field, given[1]), key)) {
    throw new SalesforceError(
      400,
      'INVALID_FIELD',
      `The value of ${field.name} in the body differs from the one in the URL`,
      [field.name],
    );
  }
  const matches = findByValue(ctx, object, field.name, key);
  if (matches.length > 1) return { multiple: matches.map((record) => record.id) };
  const [match] = matches;
  if (match) {
    const values = checkFields(ctx, object, input, 'update');
    checkUnique(ctx, object, values, match.id);
    updateRecord(ctx, object, match, values);
    return { id: match.id, created: false };
  }
  const values = { ...checkFields(ctx, object, input, 'create'), [field.name]: key };
  checkUnique(ctx, object, values);
  return { id: createRecord(ctx, object, values).id, created: true };
}

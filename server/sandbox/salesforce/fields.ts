import { SalesforceError } from './errors.ts';
import { toId18 } from './ids.ts';
import type { FieldValue, SandboxData } from './model.ts';
import { parseDateTime, sfDateTime } from './model.ts';
import { type FieldDef, OBJECTS, type ObjectDef, objectOfId } from './objects.ts';

/** The object named `name` (API names are case-insensitive); 404 `NOT_FOUND` like Salesforce's for a typo. */
export function objectNamed(name: string): ObjectDef {
  for (const [key, object] of OBJECTS) if (key.toLowerCase() === name.toLowerCase()) return object;
  throw new SalesforceError(404, 'NOT_FOUND', `The requested resource does not exist`);
}

/** Standard fields, then custom ones in creation order. */
export function fieldsOf(data: SandboxData, object: ObjectDef): FieldDef[] {
  return [...object.fields, ...(data.customFields[object.name] ?? [])];
}

/** A field by name, case-insensitively, as Salesforce resolves them. */
export function findField(data: SandboxData, object: ObjectDef, name: string): FieldDef | undefined {
  const wanted = name.toLowerCase();
  return fieldsOf(data, object).find((f) => f.name.toLowerCase() === wanted);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A written value, checked and converted to how Salesforce stores it; `null` clears. Throws the error a
 * Salesforce write gets for it (`INVALID_EMAIL_ADDRESS`, `STRING_TOO_LONG`, `MALFORMED_ID`, ...).
 */
export function normalizeValue(data: SandboxData, field: FieldDef, raw: unknown): FieldValue {
  if (raw === null || raw === undefined || raw === '') {
    return field.type === 'boolean' ? false : null;
  }
  const fields = [field.name];
  const text =
    typeof raw === 'string'
      ? raw
      : typeof raw === 'number' || typeof raw === 'boolean'
        ? String(raw)
        : undefined;
  if (text === undefined) {
    throw new SalesforceError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${field.type} from START_OBJECT value`,
      fields,
    );
  }
  const deserialize = () =>
    new SalesforceError(
      400,
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${field.type} from VALUE_STRING value ${text} or request may be missing a required field`,
      fields,
    );
  switch (field.type) {
    case 'boolean':
      if (text === 'true' || text === 'false') return text === 'true';
      throw deserialize();
    case 'double':
    case 'currency':
    case 'percent': {
      const number = Number(text);
      if (text.trim() === '' || !Number.isFinite(number)) throw deserialize();
      return number;
    }
    case 'date':
      if (!DATE.test(text) || Number.isNaN(Date.parse(text))) throw deserialize();
      return text;
    case 'datetime': {
      const ms = parseDateTime(text);
      if (Number.isNaN(ms)) throw deserialize();
      return sfDateTime(ms);
    }
    case 'id':
    case 'reference':
      return referenceValue(data, field, text);
    default:
      break;
  }
  if (field.type === 'email' && !EMAIL.test(text)) {
    throw new SalesforceError(
      400,
      'INVALID_EMAIL_ADDRESS',
      `${field.label}: invalid email address: ${text}`,
      fields,
    );
  }
  if (field.length > 0 && text.length > field.length) {
    throw new SalesforceError(
      400,
      'STRING_TOO_LONG',
      `${field.label}: data value too large: ${text.slice(0, 40)} (max length=${field.length})`,
      fields,
    );
  }
  return text;
}

function referenceValue(data: SandboxData, field: FieldDef, text: string): string {
  const id = toId18(text);
  const target = id ? objectOfId(id) : undefined;
  if (
    !id ||
    (field.referenceTo && field.referenceTo.length > 0 && !field.referenceTo.includes(target?.name ?? ''))
  ) {
    if (field.referenceTo?.includes('User') && id?.startsWith('005')) return id;
    throw new SalesforceError(400, 'MALFORMED_ID', `${field.label}: id value of incorrect type: ${text}`, [
      field.name,
    ]);
  }
  const record = target ? data.records[target.name]?.[id] : undefined;
  if (!record || record.fields.IsDeleted === true) {
    throw new SalesforceError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [field.name]);
  }
  return id;
}

/** Values equal as Salesforce compares text (case-insensitively) and numbers. */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return (a ?? null) === (b ?? null);
}

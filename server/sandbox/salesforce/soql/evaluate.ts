import { malformedQuery, SalesforceError } from '../errors.ts';
import { findField, objectNamed } from '../fields.ts';
import { toId18 } from '../ids.ts';
import { type FieldValue, parseDateTime, type SandboxData, type StoredRecord } from '../model.ts';
import type { FieldDef, ObjectDef } from '../objects.ts';
import { LITERAL_PERCENT, LITERAL_UNDERSCORE } from './lexer.ts';
import type { Condition, Literal, SelectQuery } from './parser.ts';

/** A parsed query bound to the object's fields, ready to run. */
export interface BoundQuery {
  readonly object: ObjectDef;
  /** Canonical names, in SELECT order. */
  readonly fields: readonly string[];
  run(data: SandboxData, scanAll: boolean): StoredRecord[];
}

const TEXT_TYPES = new Set(['string', 'email', 'phone', 'url', 'picklist', 'textarea', 'id', 'reference']);
const NUMBER_TYPES = new Set(['double', 'currency', 'percent']);

/** Checks every field and literal against the object's describe, as Salesforce does before running. */
export function bindQuery(data: SandboxData, query: SelectQuery): BoundQuery {
  const object = objectNamed(query.object);
  const resolve = (name: string): FieldDef => {
    const field = findField(data, object, name);
    if (!field) {
      throw new SalesforceError(
        400,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${object.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return field;
  };
  const fields = [...new Set(query.fields.map((name) => resolve(name).name))];
  const where = query.where ? bindCondition(query.where, resolve) : undefined;
  const order = query.orderBy.map((o) => ({ ...o, field: resolve(o.field) }));
  return {
    object,
    fields,
    run(state, scanAll) {
      let rows = Object.values(state.records[object.name] ?? {}).filter(
        (record) => (scanAll || record.fields.IsDeleted !== true) && (!where || where(record)),
      );
      if (order.length > 0) {
        rows = rows
          .map((record, index) => ({ record, index }))
          .sort((a, b) => {
            for (const o of order) {
              const diff = compareForSort(
                comparable(o.field, a.record.fields[o.field.name] ?? null),
                comparable(o.field, b.record.fields[o.field.name] ?? null),
                o.nullsLast,
              );
              if (diff !== 0) return o.descending ? -diff : diff;
            }
            return a.index - b.index;
          })
          .map((row) => row.record);
      }
      const offset = query.offset ?? 0;
      return rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
    },
  };
}

type Test = (record: StoredRecord) => boolean;

function bindCondition(condition: Condition, resolve: (name: string) => FieldDef): Test {
  switch (condition.kind) {
    case 'and': {
      const parts = condition.parts.map((part) => bindCondition(part, resolve));
      return (record) => parts.every((test) => test(record));
    }
    case 'or': {
      const parts = condition.parts.map((part) => bindCondition(part, resolve));
      return (record) => parts.some((test) => test(record));
    }
    case 'not': {
      const part = bindCondition(condition.part, resolve);
      return (record) => !part(record);
    }
    case 'compare': {
      const field = resolve(condition.field);
      const value = literalValue(field, condition.value);
      const { op } = condition;
      return (record) => {
        const actual = comparable(field, record.fields[field.name] ?? null);
        if (op === '=') return actual === value;
        if (op === '!=') return actual !== value;
        if (actual === null || value === null) return false;
        if (op === '<') return actual < value;
        if (op === '<=') return actual <= value;
        if (op === '>') return actual > value;
        return actual >= value;
      };
    }
    case 'in': {
      const field = resolve(condition.field);
      const values = new Set(condition.values.map((value) => literalValue(field, value)));
      return (record) =>
        values.has(comparable(field, record.fields[field.name] ?? null)) !== condition.negated;
    }
    case 'like': {
      const field = resolve(condition.field);
      if (!TEXT_TYPES.has(field.type))
        throw malformedQuery(`invalid operator on ${field.type} field: ${field.name}`);
      const pattern = likePattern(condition.pattern);
      return (record) => {
        const value = record.fields[field.name];
        return typeof value === 'string' && pattern.test(value);
      };
    }
  }
}

type Comparable = string | number | boolean | null;

/** A stored value in the form literals are compared with: lower-cased text, epoch ms for datetimes. */
function comparable(field: FieldDef, value: FieldValue): Comparable {
  if (value === null) return null;
  if (field.type === 'datetime' && typeof value === 'string') return parseDateTime(value);
  if (typeof value === 'string')
    return field.type === 'id' || field.type === 'reference' ? value : value.toLowerCase();
  return value;
}

/** A literal checked against the field's type, in comparable form. */
function literalValue(field: FieldDef, literal: Literal): Comparable {
  const wrongType = (expected: string) =>
    malformedQuery(
      `value of filter criterion for field '${field.name}' must be of type ${expected}${expected === 'string' ? '' : ' and should not be enclosed in quotes'}`,
    );
  if (literal.kind === 'null') return null;
  if (field.type === 'datetime') {
    if (literal.kind !== 'datetime') throw wrongType('dateTime');
    return parseDateTime(literal.value);
  }
  if (field.type === 'date') {
    if (literal.kind !== 'date') throw wrongType('date');
    return literal.value;
  }
  if (field.type === 'boolean') {
    if (literal.kind !== 'boolean') throw wrongType('boolean');
    return literal.value;
  }
  if (NUMBER_TYPES.has(field.type)) {
    if (literal.kind !== 'number') throw wrongType('double');
    return literal.value;
  }
  if (literal.kind !== 'string') throw wrongType('string');
  const text = literal.value.replaceAll(LITERAL_UNDERSCORE, '_').replaceAll(LITERAL_PERCENT, '%');
  if (field.type === 'id' || field.type === 'reference') {
    // Ids compare in their 18-character form; a value that cannot be an id matches nothing.
    return toId18(text) ?? `\u0000${text}`;
  }
  return text.toLowerCase();
}

function likePattern(pattern: string): RegExp {
  let source = '';
  for (const char of pattern) {
    if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else if (char === LITERAL_UNDERSCORE) source += '_';
    else if (char === LITERAL_PERCENT) source += '%';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

function compareForSort(a: Comparable, b: Comparable, nullsLast: boolean): number {
  if (a === null || b === null) return a === b ? 0 : (a === null) === nullsLast ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

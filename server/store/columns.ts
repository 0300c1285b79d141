import { type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, customType, timestamp } from 'drizzle-orm/pg-core';

/**
 * A `jsonb` column that returns what the driver parsed, untouched. drizzle's own `jsonb` runs
 * `JSON.parse` again on any string it reads back, so a stored string "123", "true" or "null" comes
 * back as a number, boolean or null: fatal for field values (a ZIP code, a status called "true").
 * Both drivers already parse jsonb, so nothing needs decoding here.
 */
export function json<T>(name: string) {
  return customType<{ data: T; driverData: unknown }>({
    dataType: () => 'jsonb',
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) => value as T,
  })(name);
}

/** `timestamptz` read as a `Date`, the same on both drivers. */
export function timestamptz(name: string) {
  return timestamp(name, { withTimezone: true, mode: 'date' });
}

/**
 * A CHECK that a text column holds one of a fixed list. Text plus CHECK rather than a Postgres enum:
 * extending an enum is awkward inside migrations, while a CHECK is dropped and recreated in one step.
 * The values are our own constants, so inlining them as literals is safe.
 */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  const list = values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ');
  return sql`${column} in (${sql.raw(list)})`;
}

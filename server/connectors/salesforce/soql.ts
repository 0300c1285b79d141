import { RowbridgeError } from '../../../shared/errors.ts';

/*
 * SOQL has no bind parameters over REST, so every value is written as a literal. Values go through
 * `soqlString` and names through `soqlName`; nothing else is ever interpolated into a statement.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/**
 * A quoted SOQL string literal: backslash, quotes and control characters escaped as Salesforce's
 * "Quoted String Escape Sequences" list them, so no value can end the literal early.
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm
 *
 * @example soqlString("O'Brien") // => 'O\'Brien'
 */
export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\b\f]/g, (char) => ESCAPES[char] ?? char)}'`;
}

const NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?:__c)?$/;

/** An object or field API name, checked: `invalid_input` for anything that is not a plain name. */
export function soqlName(name: string): string {
  if (!NAME.test(name)) {
    throw new RowbridgeError('invalid_input', `"${name}" is not a Salesforce field or object name.`);
  }
  return name;
}

/** A SOQL datetime literal (unquoted, to the second, UTC): `2025-01-01T12:00:00Z`. */
export function soqlDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `Field IN ('a','b')`. */
export function soqlIn(field: string, values: readonly string[]): string {
  return `${soqlName(field)} IN (${values.map(soqlString).join(',')})`;
}

/** `SELECT a, b FROM Object`, names checked and de-duplicated (case-insensitively, as Salesforce compares). */
export function soqlSelect(object: string, fields: readonly string[]): string {
  const seen = new Set<string>();
  const unique = fields.filter((field) => {
    const key = soqlName(field).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return `SELECT ${unique.join(', ')} FROM ${soqlName(object)}`;
}

/** Splits values so each `IN (...)` list stays short: at most `count` values and about `chars` characters. */
export function chunkValues(values: readonly string[], count = 200, chars = 3000): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = 0;
  for (const value of values) {
    const cost = soqlString(value).length + 1;
    if (current.length > 0 && (current.length >= count || length + cost > chars)) {
      chunks.push(current);
      current = [];
      length = 0;
    }
    current.push(value);
    length += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

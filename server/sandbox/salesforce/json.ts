import type { Context } from 'hono';
import { jsonParserError } from './errors.ts';
import { fieldsOf } from './fields.ts';
import type { SandboxData, StoredRecord } from './model.ts';
import type { ObjectDef } from './objects.ts';

/** The request's JSON body; 400 `JSON_PARSER_ERROR` when unreadable, as Salesforce answers. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw jsonParserError(`Unexpected character: ${(error as Error).message}`);
  }
}

/** `/services/data/v62.0`: the REST base of the request's API version. */
export function restBase(c: Context): string {
  return `/services/data/${c.req.param('version') ?? 'v62.0'}`;
}

/**
 * A record as the REST API returns it: `attributes` (`type`, `url`) first, then the fields asked for (every
 * field of the object by default), unset ones as `null`.
 */
export function recordJson(
  c: Context,
  data: SandboxData,
  object: ObjectDef,
  record: StoredRecord,
  fields?: readonly string[],
): Record<string, unknown> {
  const names = fields ?? fieldsOf(data, object).map((f) => f.name);
  const json: Record<string, unknown> = {
    attributes: { type: object.name, url: `${restBase(c)}/sobjects/${object.name}/${record.id}` },
  };
  for (const name of names) json[name] = record.fields[name] ?? null;
  return json;
}

/** A plain JSON object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

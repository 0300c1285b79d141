import type { Context } from 'hono';
import type * as z from 'zod';
import type { SharedStateFile } from '../state-file.ts';
import { invalidArgument } from './errors.ts';
import type { SheetsData } from './model.ts';

/** What every route module needs. */
export interface Core {
  readonly store: SharedStateFile<SheetsData>;
  readonly now: () => number;
  /** New spreadsheet and sheet ids; seeded in tests for stable ids. */
  readonly random: () => number;
}

/** Which API method a request is, read from its method and path. */
export type Operation =
  | 'spreadsheets.create'
  | 'spreadsheets.get'
  | 'spreadsheets.batchUpdate'
  | 'values.get'
  | 'values.update'
  | 'values.append'
  | 'values.clear'
  | 'values.batchGet'
  | 'values.batchUpdate'
  | 'values.batchClear';

/** One API call: what it is, which quota it counts against, and what it names. */
export interface ApiCall {
  readonly operation: Operation;
  readonly kind: 'read' | 'write';
  readonly spreadsheetId?: string;
  /** The A1 range of single-range methods, decoded. */
  readonly range?: string;
}

/** Hono variables: the bearer token (after auth) and the call (after routing). */
export type Env = { Variables: { token: string; call: ApiCall } };

/** Parses a JSON body against `schema`, answering Google's 400 for unparsable or ill-shaped input. */
export async function readJson<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.text();
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`Invalid JSON payload received. ${(error as Error).message}`);
  }
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? `'${issue.path.join('.')}'` : 'the body';
  throw invalidArgument(`Invalid value at ${where}: ${issue?.message ?? 'invalid'}`);
}

/** A query parameter that must be one of `allowed`; `fallback` when absent. */
export function enumParam<T extends string>(
  c: Context,
  name: string,
  allowed: readonly T[],
  fallback: T | undefined,
): T | undefined {
  const value = c.req.query(name);
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalidArgument(`Invalid value at '${name}' (${value}): expected one of ${allowed.join(', ')}`);
}

/** A boolean query parameter (`true`/`false`). */
export function booleanParam(c: Context, name: string): boolean {
  return c.req.query(name) === 'true';
}

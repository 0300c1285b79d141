import { Hono } from 'hono';
import * as z from 'zod';
import { type Core, type Env, readJson } from './core.ts';
import { HubSpotError } from './errors.ts';
import {
  OBJECT_INFO,
  type ObjectType,
  type PropertyDefinition,
  resolveObjectType,
  type SandboxData,
  type StoredRecord,
} from './model.ts';
import { findProperty, parseDateTime } from './properties.ts';
import { recordJson } from './records.ts';

/** Search answers stop at 10,000 results: paging further is a 400, so importers must window by date or id. */
export const SEARCH_RESULT_CEILING = 10_000;
const MAX_LIMIT = 200;
// https://developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-search-api
const MAX_GROUPS = 5;
const MAX_FILTERS_PER_GROUP = 10;
const MAX_FILTERS = 25;

const OPERATORS = [
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
] as const;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const filterSchema = z.object({
  propertyName: z.string(),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
type Filter = z.infer<typeof filterSchema>;

const sortSchema = z.union([
  z.string(),
  z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).optional() }),
]);

const searchSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).optional(),
  filters: z.array(filterSchema).optional(),
  sorts: z.array(sortSchema).optional(),
  query: z.string().optional(),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().min(0).nullable().optional(),
  after: z.union([z.string(), z.number()]).nullable().optional(),
});

/** A stored value and a filter value compared as the property's type: numbers, datetimes or text. */
function compare(property: PropertyDefinition, stored: string, given: string): number {
  if (property.type === 'number') return Number(stored) - Number(given);
  if (property.type === 'datetime' || property.type === 'date') {
    return (parseDateTime(stored) ?? Number.NaN) - (parseDateTime(given) ?? Number.NaN);
  }
  return stored.toLowerCase().localeCompare(given.toLowerCase());
}

function tokens(value: string): string[] {
  return [value, ...value.split(/[\s,;]+/)].map((token) => token.toLowerCase()).filter(Boolean);
}

function containsToken(stored: string, pattern: string): boolean {
  const escaped = pattern
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const regex = new RegExp(`^${escaped}$`);
  return tokens(stored).some((token) => regex.test(token));
}

function propertyOf(data: SandboxData, type: ObjectType, name: string): PropertyDefinition {
  const property = findProperty(data, type, name);
  if (!property) {
    throw new HubSpotError(
      400,
      'VALIDATION_ERROR',
      `There was a problem with the request: property ${name} does not exist.`,
    );
  }
  return property;
}

function matches(data: SandboxData, type: ObjectType, record: StoredRecord, filter: Filter): boolean {
  const property = propertyOf(data, type, filter.propertyName);
  const stored = record.properties[filter.propertyName];
  const value = filter.value ?? '';
  switch (filter.operator) {
    case 'HAS_PROPERTY':
      return stored !== undefined;
    case 'NOT_HAS_PROPERTY':
      return stored === undefined;
    case 'EQ':
      return stored !== undefined && compare(property, stored, value) === 0;
    case 'NEQ':
      return stored === undefined || compare(property, stored, value) !== 0;
    case 'LT':
      return stored !== undefined && compare(property, stored, value) < 0;
    case 'LTE':
      return stored !== undefined && compare(property, stored, value) <= 0;
    case 'GT':
      return stored !== undefined && compare(property, stored, value) > 0;
    case 'GTE':
      return stored !== undefined && compare(property, stored, value) >= 0;
    case 'BETWEEN':
      return (
        stored !== undefined &&
        compare(property, stored, value) >= 0 &&
        compare(property, stored, filter.highValue ?? '') <= 0
      );
    // HubSpot lower-cases the stored value only: `values` must be given in lower case to match text.
    case 'IN':
      return (
        stored !== undefined &&
        (filter.values ?? []).includes(property.type === 'string' ? stored.toLowerCase() : stored)
      );
    case 'NOT_IN':
      return (
        stored === undefined ||
        !(filter.values ?? []).includes(property.type === 'string' ? stored.toLowerCase() : stored)
      );
    case 'CONTAINS_TOKEN':
      return stored !== undefined && containsToken(stored, value);
    case 'NOT_CONTAINS_TOKEN':
      return stored === undefined || !containsToken(stored, value);
  }
}

function matchesQuery(type: ObjectType, record: StoredRecord, query: string): boolean {
  const wanted = query.trim().toLowerCase();
  if (!wanted) return true;
  return OBJECT_INFO[type].searchable.some((name) => {
    const value = record.properties[name];
    if (value === undefined) return false;
    const lower = value.toLowerCase();
    return (
      lower.startsWith(wanted) || lower.split(/[\s@.,;:\-_/()]+/).some((token) => token.startsWith(wanted))
    );
  });
}

type Sort = { readonly propertyName: string; readonly descending: boolean };

function sortsOf(input: z.infer<typeof sortSchema>[] | undefined): Sort[] {
  return (input ?? []).map((sort) =>
    typeof sort === 'string'
      ? { propertyName: sort.replace(/^-/, ''), descending: sort.startsWith('-') }
      : { propertyName: sort.propertyName, descending: sort.direction === 'DESCENDING' },
  );
}

function sorter(data: SandboxData, type: ObjectType, sorts: readonly Sort[]) {
  return (a: StoredRecord, b: StoredRecord): number => {
    for (const sort of sorts) {
      const property = findProperty(data, type, sort.propertyName);
      if (!property) continue;
      const left = a.properties[sort.propertyName];
      const right = b.properties[sort.propertyName];
      if (left === right) continue;
      // Records without a value come last in either direction.
      if (left === undefined) return 1;
      if (right === undefined) return -1;
      const order = compare(property, left, right);
      if (order !== 0 && !Number.isNaN(order)) return sort.descending ? -order : order;
    }
    return Number(a.id) - Number(b.id);
  };
}

function checkLimits(groups: readonly Filter[][], limit: number): void {
  const bad = (message: string) => new HubSpotError(400, 'VALIDATION_ERROR', message);
  if (groups.length > MAX_GROUPS)
    throw bad(`Too many filter groups: ${groups.length}. At most ${MAX_GROUPS} are allowed.`);
  if (groups.some((group) => group.length > MAX_FILTERS_PER_GROUP)) {
    throw bad(`Too many filters in a filter group. At most ${MAX_FILTERS_PER_GROUP} are allowed.`);
  }
  const total = groups.reduce((sum, group) => sum + group.length, 0);
  if (total > MAX_FILTERS) throw bad(`Too many filters: ${total}. At most ${MAX_FILTERS} are allowed.`);
  if (limit > MAX_LIMIT) throw bad(`limit must be at most ${MAX_LIMIT}, got ${limit}.`);
}

/**
 * CRM search: filter groups (OR) of filters (AND) with every operator, free-text `query`, sorts, chosen
 * properties, `limit` up to 200 and an offset `after`, answered as `{total, results, paging}`. Paging past
 * 10,000 results is refused with a 400, like HubSpot does.
 * https://developers.hubspot.com/docs/api-reference/search/guide
 */
export function searchRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  app.post('/crm/v3/objects/:objectType/search', async (c) => {
    const type = resolveObjectType(c.req.param('objectType'));
    const input = await readJson(c, searchSchema);
    const groups = [
      ...(input.filterGroups ?? []).map((group) => group.filters),
      ...(input.filters ? [input.filters] : []),
    ];
    const limit = input.limit ?? 10;
    const offset = Number(input.after ?? 0);
    checkLimits(groups, limit);
    if (!Number.isInteger(offset) || offset < 0)
      throw new HubSpotError(400, 'VALIDATION_ERROR', `Invalid after: ${input.after}`);
    if (offset >= SEARCH_RESULT_CEILING) {
      throw new HubSpotError(
        400,
        'VALIDATION_ERROR',
        `There was a problem with the request. Paging is limited to the first ${SEARCH_RESULT_CEILING} results; narrow the search with filters (for example on hs_lastmodifieddate or hs_object_id).`,
      );
    }
    const data = core.store.read();
    for (const filter of groups.flat()) propertyOf(data, type, filter.propertyName);
    const found = Object.values(data.records[type]).filter(
      (record) =>
        !record.archived &&
        (groups.length === 0 ||
          groups.some((group) => group.every((filter) => matches(data, type, record, filter)))) &&
        matchesQuery(type, record, input.query ?? ''),
    );
    found.sort(sorter(data, type, sortsOf(input.sorts)));
    const end = Math.min(offset + limit, SEARCH_RESULT_CEILING, found.length);
    const page = found.slice(offset, end);
    const view = input.properties?.length ? { properties: input.properties } : {};
    return c.json({
      total: found.length,
      results: page.map((record) => recordJson(data, type, record, view)),
      ...(end < found.length ? { paging: { next: { after: String(end) } } } : {}),
    });
  });
  return app;
}

import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/objects/index.js';
import { hubspotProvider } from './provider.ts';
import type { HubSpotApis } from './sdk.ts';

const SEARCH = hubspotProvider.search ?? {
  pageSize: 200,
  maxResults: 10_000,
  maxFilters: 25,
  maxFilterGroups: 5,
};
const MAX_RESULTS = SEARCH.maxResults ?? 10_000;

/** Contacts keep their modification stamp in `lastmodifieddate`; every other object in `hs_lastmodifieddate`. */
export function modifiedProperty(object: string): string {
  return object === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

type Filter = { propertyName: string; operator: FilterOperatorEnum; value?: string; values?: string[] };

/**
 * Records modified at or after `since` (and matching `where`), oldest first. Search stops paging at 10,000 results, so the cursor
 * carries a window start as well as an offset: near the ceiling the next window starts at the last
 * record's stamp (records sharing that stamp may be listed twice, which sync tolerates; none is skipped).
 *
 * https://developers.hubspot.com/docs/api-reference/search/guide
 */
export async function searchModifiedSince(
  apis: HubSpotApis,
  object: string,
  query: {
    readonly cursor: string | undefined;
    readonly since: string;
    readonly limit: number;
    readonly properties: readonly string[];
    /** Equality filters ANDed with the window (an import's filter). */
    readonly where: Readonly<Record<string, readonly string[]>>;
  },
) {
  const { cursor, since, limit, properties } = query;
  const stamp = modifiedProperty(object);
  const window = decodeWindow(cursor) ?? { since: Date.parse(since), offset: 0 };
  const pageSize = Math.min(limit, SEARCH.pageSize);
  const filters = candidateSearches([{ where: query.where }])[0]?.[0]?.filters ?? [];
  const page = await apis.search.doSearch(object, {
    filterGroups: [
      {
        filters: [
          { propertyName: stamp, operator: FilterOperatorEnum.Gte, value: String(window.since) },
          ...filters,
        ],
      },
    ],
    // The SDK types `sorts` as strings; the API takes `{propertyName, direction}` objects and the SDK
    // serialises array items of type string unchanged.
    sorts: [{ propertyName: stamp, direction: 'ASCENDING' } as unknown as string],
    properties: [...new Set([...properties, stamp])],
    limit: pageSize,
    after: String(window.offset),
  });
  const nextOffset = page.paging?.next?.after;
  let next: string | undefined;
  if (nextOffset !== undefined) {
    const offset = Number(nextOffset);
    const last = Date.parse(page.results.at(-1)?.properties[stamp] ?? '');
    // A window can only move forward: were 10,000 records stamped in the same millisecond, paging goes on
    // and HubSpot's own 400 at the ceiling ends it, rather than this looping on one window.
    next =
      offset + pageSize > MAX_RESULTS && last > window.since
        ? encodeWindow({ since: last, offset: 0 })
        : encodeWindow({ since: window.since, offset });
  }
  return { results: page.results, next };
}

function encodeWindow(window: { since: number; offset: number }): string {
  return `w${window.since}.${window.offset}`;
}

function decodeWindow(cursor: string | undefined): { since: number; offset: number } | undefined {
  const match = cursor === undefined ? null : /^w(\d+)\.(\d+)$/.exec(cursor);
  return match ? { since: Number(match[1]), offset: Number(match[2]) } : undefined;
}

/**
 * Dedup queries → search bodies: one filter group per query (AND inside, OR across), at most 5 groups
 * and 25 filters per request. IN takes lower-case values for string properties, so IN values are
 * lowered; EQ compares case-insensitively as typed.
 */
export function candidateSearches(
  queries: readonly { readonly where: Readonly<Record<string, readonly string[]>> }[],
): { filters: Filter[] }[][] {
  const requests: { filters: Filter[] }[][] = [];
  let groups: { filters: Filter[] }[] = [];
  let filterCount = 0;
  for (const query of queries) {
    const filters: Filter[] = [];
    for (const [propertyName, values] of Object.entries(query.where)) {
      const distinct = [...new Set(values.filter((value) => value !== ''))];
      if (distinct.length === 0) continue;
      const [only] = distinct;
      filters.push(
        distinct.length === 1 && only !== undefined
          ? { propertyName, operator: FilterOperatorEnum.Eq, value: only }
          : { propertyName, operator: FilterOperatorEnum.In, values: distinct.map((v) => v.toLowerCase()) },
      );
    }
    if (filters.length === 0) continue;
    const full =
      groups.length >= (SEARCH.maxFilterGroups ?? 5) ||
      filterCount + filters.length > (SEARCH.maxFilters ?? 25);
    if (full && groups.length > 0) {
      requests.push(groups);
      groups = [];
      filterCount = 0;
    }
    groups.push({ filters });
    filterCount += filters.length;
  }
  if (groups.length > 0) requests.push(groups);
  return requests;
}

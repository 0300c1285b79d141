import type { Connection } from 'jsforce';
import { CrmApiError } from '../crm-error.ts';
import type { SalesforceRecord } from './mappers.ts';

/**
 * Queries per composite call. A composite request takes 25 subrequests, but at most 5 of them may be
 * query operations (Query, QueryAll, or the next batch of a query's results); the whole call counts as one
 * API request.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
 */
const PER_CALL = 5;

interface QueryAnswer {
  readonly done: boolean;
  readonly nextRecordsUrl?: string;
  readonly records: SalesforceRecord[];
}

/**
 * Runs many SOQL statements as the subrequests of composite calls: 5 queries cost one API request, and
 * long statements travel in the body instead of the URI (whose limit, 16,384 bytes with the headers, a
 * query of many values would pass). A query with more results than one page follows `nextRecordsUrl`.
 * Stops collecting at `max` records.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
 */
export async function compositeQueries(
  connection: Connection,
  soqls: readonly string[],
  max: number,
  options: { readonly scanAll?: boolean } = {},
): Promise<SalesforceRecord[]> {
  const records: SalesforceRecord[] = [];
  const base = `/services/data/v${connection.version}`;
  // `queryAll` also returns records in the recycle bin (IsDeleted).
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
  const resource = options.scanAll ? 'queryAll' : 'query';
  for (let start = 0; start < soqls.length && records.length < max; start += PER_CALL) {
    const chunk = soqls.slice(start, start + PER_CALL);
    const answer = (await connection.request({
      method: 'POST',
      url: `${base}/composite`,
      body: JSON.stringify({
        allOrNone: false,
        compositeRequest: chunk.map((soql, i) => ({
          method: 'GET',
          url: `${base}/${resource}?q=${encodeURIComponent(soql)}`,
          referenceId: `q${i}`,
        })),
      }),
      headers: { 'content-type': 'application/json' },
    })) as { compositeResponse: { body: unknown; httpStatusCode: number }[] };
    for (const sub of answer.compositeResponse) {
      if (sub.httpStatusCode >= 400) {
        const [error] = (Array.isArray(sub.body) ? sub.body : []) as {
          message?: string;
          errorCode?: string;
        }[];
        throw new CrmApiError(
          'crm_rejected',
          `Salesforce refused a query: ${error?.message ?? 'no reason given'}`,
          {
            status: sub.httpStatusCode,
            ...(error?.errorCode ? { vendorCode: error.errorCode } : {}),
            endpoint: 'POST /composite',
            attempts: 1,
          },
        );
      }
      let page = sub.body as QueryAnswer;
      records.push(...page.records);
      while (!page.done && page.nextRecordsUrl && records.length < max) {
        page = (await connection.queryMore(page.nextRecordsUrl)) as unknown as QueryAnswer;
        records.push(...page.records);
      }
    }
  }
  return records;
}

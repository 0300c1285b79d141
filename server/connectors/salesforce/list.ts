import type { Connection } from 'jsforce';
import { RowbridgeError } from '../../../shared/errors.ts';
import type { RecordPage } from '../types.ts';
import { isoOf, type SalesforceRecord, toCrmRecord } from './mappers.ts';
import { soqlDateTime, soqlIn, soqlName, soqlSelect, soqlString } from './soql.ts';

/** A page of SOQL results, as jsforce returns one. */
interface QueryPage {
  readonly totalSize: number;
  readonly done: boolean;
  readonly nextRecordsUrl?: string;
  readonly records: SalesforceRecord[];
}

/**
 * Where the next page starts. A window is one `ORDER BY … LIMIT size` query; `locator` continues a window
 * Salesforce returned in smaller batches (`nextRecordsUrl`); `after` starts the next window behind the last
 * record (keyset paging, so no record is skipped or repeated and no cursor outlives its 15 minutes).
 */
interface Cursor {
  readonly size: number;
  readonly locator?: string;
  readonly after?: { readonly id: string; readonly stamp?: number };
}

function encode(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decode(value: string | undefined): Cursor | undefined {
  if (value === undefined) return undefined;
  try {
    const cursor = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Cursor;
    return typeof cursor.size === 'number' ? cursor : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One page of `object`, ordered by `Id`, or by `SystemModstamp, Id` from `modifiedSince` on; `where`
 * filters by equality (`field IN (...)`, values escaped).
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
 */
export async function listPage(
  connection: Connection,
  object: string,
  options: {
    readonly after?: string;
    readonly limit: number;
    readonly modifiedSince?: string;
    readonly where?: Readonly<Record<string, readonly string[]>>;
    /** A SOQL condition Salesforce itself wrote (a list view's): trusted, never user text. */
    readonly condition?: string | undefined;
    readonly properties: readonly string[];
    readonly includeArchived?: boolean;
  },
): Promise<RecordPage> {
  const previous = decode(options.after);
  const size = previous?.size ?? options.limit;
  const since = options.modifiedSince === undefined ? undefined : Date.parse(options.modifiedSince);
  if (since !== undefined && Number.isNaN(since)) {
    throw new RowbridgeError(
      'invalid_input',
      `modifiedSince "${options.modifiedSince}" is not an ISO 8601 time.`,
    );
  }
  let page: QueryPage;
  if (previous?.locator) {
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query_more_results.htm
    page = (await connection.queryMore(previous.locator)) as unknown as QueryPage;
  } else {
    const fields = [
      'Id',
      ...options.properties,
      'SystemModstamp',
      ...(options.includeArchived ? ['IsDeleted'] : []),
    ];
    const where: string[] = Object.entries(options.where ?? {}).map(([field, values]) =>
      values.length === 0 ? 'Id = null' : soqlIn(field, values),
    );
    if (options.condition) where.push(`(${options.condition})`);
    const after = previous?.after;
    if (since !== undefined) {
      where.push(`SystemModstamp >= ${soqlDateTime(since)}`);
      if (after?.stamp !== undefined) {
        const stamp = soqlDateTime(after.stamp);
        where.push(
          `(SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > ${soqlString(after.id)}))`,
        );
      }
    } else if (after) {
      where.push(`Id > ${soqlString(after.id)}`);
    }
    const order = since === undefined ? 'Id' : 'SystemModstamp, Id';
    const soql = `${soqlSelect(soqlName(object), fields)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${size}`;
    // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
    page = (await connection.query(soql, {
      autoFetch: false,
      scanAll: options.includeArchived ?? false,
    })) as unknown as QueryPage;
  }
  const records = page.records.map(toCrmRecord);
  const last = page.records.at(-1);
  let next: Cursor | undefined;
  if (!page.done && page.nextRecordsUrl) {
    next = { size, locator: page.nextRecordsUrl.split('/').pop() ?? '' };
  } else if (last && page.totalSize >= size) {
    const stamp = isoOf(last.SystemModstamp);
    next = {
      size,
      after: { id: String(last.Id), ...(since !== undefined && stamp ? { stamp: Date.parse(stamp) } : {}) },
    };
  }
  return { records, ...(next ? { next: encode(next) } : {}) };
}

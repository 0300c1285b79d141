import type { FieldValue } from '../../shared/fields.ts';
import type { NormalizeOptions } from '../../shared/normalize/index.ts';
import { type ApiCallStats, callsSince } from '../connectors/http.ts';
import type { CrmConnector } from '../connectors/types.ts';
import { propertiesToValues } from './crm-values.ts';
import type { TableFields } from './fields.ts';

/** A CRM record as a sheet row: its Rowbridge ID (the record's own, or a new one) and its values. */
export interface ImportedRow {
  readonly rowId: string;
  /** The record had no Rowbridge ID yet: the next export links it (by dedup) and writes this one. */
  readonly newRowId: boolean;
  readonly crmId: string;
  readonly values: Readonly<Record<string, FieldValue>>;
}

export interface ImportOptions {
  readonly connector: CrmConnector;
  readonly table: TableFields;
  /** ISO 8601: only records changed since then. */
  readonly since?: string | undefined;
  /** Only records whose property equals one of the values (AND across properties). */
  readonly where?: Readonly<Record<string, readonly string[]>> | undefined;
  /** Only the members of this saved list (HubSpot list id, Salesforce list view id). */
  readonly list?: string | undefined;
  readonly normalize?: NormalizeOptions;
  readonly newRowId: () => string;
  /** After each page: rows so far. */
  readonly onProgress?: (rows: number) => void;
}

export interface ImportReport {
  readonly rows: ImportedRow[];
  readonly apiCalls: ApiCallStats;
}

/**
 * Reads a CRM object into sheet rows through the table's mapping, page by page. Filters and
 * modified-since imports page by modification-date windows, so they are not stopped by a search API's
 * result ceiling (HubSpot's 10,000). A record listed twice at a window edge is kept once. Read-only:
 * nothing is written to the CRM.
 */
export async function importRecords(options: ImportOptions): Promise<ImportReport> {
  const { connector, table } = options;
  const before = connector.apiCalls();
  const byId = new Map<string, ImportedRow>();
  let after: string | undefined;
  do {
    const page = await connector.listRecords(table.object, {
      properties: table.properties,
      ...(after === undefined ? {} : { after }),
      ...(options.since === undefined ? {} : { modifiedSince: options.since }),
      ...(options.where === undefined ? {} : { where: options.where }),
      ...(options.list === undefined ? {} : { list: options.list }),
    });
    for (const record of page.records) {
      if (record.archived) continue;
      const own = record.properties[table.rowIdProperty]?.trim();
      byId.set(record.id, {
        rowId: own || (byId.get(record.id)?.rowId ?? options.newRowId()),
        newRowId: !own,
        crmId: record.id,
        values: propertiesToValues(table, record.properties, options.normalize ?? {}),
      });
    }
    options.onProgress?.(byId.size);
    after = page.next;
  } while (after !== undefined);
  return { rows: [...byId.values()], apiCalls: callsSince(before, connector.apiCalls()) };
}

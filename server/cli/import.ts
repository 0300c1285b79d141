import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { RowbridgeError } from '../../shared/errors.ts';
import { CANONICAL_FIELDS, type CanonicalField } from '../../shared/fields.ts';
import { DEFAULT_MAPS, defaultMapping } from '../../shared/mapping/index.ts';
import { writeCsvFile } from '../csv/write-csv.ts';
import { tableFields } from '../sync/fields.ts';
import { importRecords } from '../sync/import.ts';
import { connectCli, parseCrm, parseObject } from './crm.ts';
import { parseRegion } from './region.ts';

const ROW_ID_HEADER = 'Rowbridge ID';

/** `--where property=value` (repeatable; the same property twice means either value). */
function parseWhere(values: readonly string[]): Record<string, string[]> | undefined {
  if (values.length === 0) return undefined;
  const where: Record<string, string[]> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    if (at <= 0) {
      throw new RowbridgeError(
        'cli_usage',
        `--where "${value}" must look like property=value, e.g. hs_lead_status=NEW`,
      );
    }
    const property = value.slice(0, at).trim();
    where[property] = [...(where[property] ?? []), value.slice(at + 1).trim()];
  }
  return where;
}

function parseSince(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new RowbridgeError(
      'cli_usage',
      `--since "${value}" is not a date; use ISO 8601 such as 2025-01-31`,
    );
  }
  return new Date(time).toISOString();
}

/**
 * `rowbridge import --crm hubspot --out <file.csv> [--where p=v] [--since date | --list id] [--json]`: reads the
 * CRM's contacts (or `--object`) into a CSV with one column per field of the default map and a `Rowbridge ID` column.
 * Read-only for the CRM.
 */
export async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      crm: { type: 'string' },
      object: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      where: { type: 'string', multiple: true, default: [] },
      since: { type: 'string' },
      list: { type: 'string' },
      region: { type: 'string' },
    },
  });
  if (positionals.length) throw new RowbridgeError('cli_usage', `unexpected argument "${positionals[0]}"`);
  if (!values.out) throw new RowbridgeError('cli_usage', 'say where to write the rows with --out <file.csv>');
  if (values.list !== undefined && (values.where.length > 0 || values.since !== undefined)) {
    throw new RowbridgeError('cli_usage', '--list takes the whole list; leave out --where and --since');
  }
  const crm = parseCrm(values.crm);
  const object = parseObject(crm, values.object);
  const where = parseWhere(values.where);
  const since = parseSince(values.since);
  const region = parseRegion(values.region);

  const own = Object.entries(DEFAULT_MAPS[crm].objects[object] ?? {}).filter(
    ([, property]) => property?.object === object,
  );
  const columns = own.map(([field]) => ({
    header: CANONICAL_FIELDS[field as CanonicalField].label,
    field: field as CanonicalField,
  }));
  const table = tableFields(defaultMapping(crm, object, columns));

  const source = connectCli(crm, process.env);
  const report = await importRecords({
    connector: source.connector,
    table,
    since,
    where,
    list: values.list,
    normalize: { region },
    newRowId: randomUUID,
  }).finally(() => source.close());

  const headers = [...columns.map((column) => column.header), ROW_ID_HEADER];
  const rows = report.rows.map((row) => [
    ...columns.map((column) => {
      const value = row.values[column.field];
      return value === null || value === undefined ? '' : String(value);
    }),
    row.rowId,
  ]);
  await writeCsvFile(values.out, headers, rows);
  const summary = {
    imported: rows.length,
    newRowIds: report.rows.filter((row) => row.newRowId).length,
    apiCalls: report.apiCalls,
  };
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    process.stdout.write(
      `Imported ${rows.length} ${object} records from ${source.where} into ${values.out} (${report.apiCalls.total} API calls).\n`,
    );
  }
  return 0;
}

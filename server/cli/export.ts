import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { RowbridgeError } from '../../shared/errors.ts';
import {
  defaultMapping,
  detectColumns,
  isRowIdHeader,
  toCanonicalRecords,
} from '../../shared/mapping/index.ts';
import { readCsvFile } from '../csv/read-csv.ts';
import { writeCsvFile } from '../csv/write-csv.ts';
import { type ExportOutcome, type ExportReport, exportRows } from '../sync/export.ts';
import { tableFields } from '../sync/fields.ts';
import { setupFields } from '../sync/setup-fields.ts';
import { connectCli, parseCrm, parseObject } from './crm.ts';
import { parseRegion } from './region.ts';

const ROW_ID_HEADER = 'Rowbridge ID';
/** Sheet row number of a data row index: the header is row 1. */
const rowNumber = (index: number) => index + 2;

/**
 * `rowbridge export <file.csv> --crm hubspot|salesforce [--object O] [--dry-run] [--json]`: pushes a sheet export
 * to the CRM (deduplicated, batched, idempotent) and writes each row's Rowbridge ID back into the file,
 * so the next run updates instead of creating. Exit code 1 when any row failed.
 */
export async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      crm: { type: 'string' },
      object: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      region: { type: 'string' },
    },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length) {
    throw new RowbridgeError(
      'cli_usage',
      'give exactly one CSV file: rowbridge export <file.csv> --crm hubspot',
    );
  }
  const crm = parseCrm(values.crm);
  const object = parseObject(crm, values.object);
  const region = parseRegion(values.region);
  const dryRun = values['dry-run'];

  const csv = await readCsvFile(file);
  const columns = detectColumns(csv.headers);
  const mapping = defaultMapping(crm, object, columns);
  if (!mapping.fields.some((field) => field.property && !field.property.readOnly)) {
    throw new RowbridgeError(
      'csv_no_columns',
      `${basename(file)} has no column Rowbridge can send to ${crm} (headers: ${csv.headers
        .slice(0, 8)
        .map((h) => `"${h}"`)
        .join(', ')}). Name columns "Email", "First Name", "Last Name", "Company" or "Phone".`,
    );
  }
  const idColumn = csv.headers.findIndex(isRowIdHeader);
  const records = toCanonicalRecords(columns, csv.rows);

  const target = connectCli(crm, process.env);
  let report: ExportReport;
  try {
    if (!dryRun) await setupFields(target.connector, mapping);
    const exported = await exportRows({
      connector: target.connector,
      table: tableFields(mapping),
      rows: records.map((values, index) => ({
        values,
        rowNumber: rowNumber(index),
        rowId: idColumn === -1 ? undefined : csv.rows[index]?.[idColumn],
      })),
      region,
      dryRun,
      newRowId: randomUUID,
    });
    // Every request this command sent, the property checks of setup-fields included.
    report = { ...exported, apiCalls: target.connector.apiCalls() };
  } finally {
    await target.close();
  }

  if (!dryRun) {
    const headers = idColumn === -1 ? [...csv.headers, ROW_ID_HEADER] : csv.headers;
    const rows = csv.rows.map((row, index) => {
      const id = report.outcomes[index]?.rowId ?? '';
      if (idColumn === -1) return [...row, id];
      const copy = [...row];
      copy[idColumn] = id;
      return copy;
    });
    await writeCsvFile(file, headers, rows, csv.delimiter);
  }

  if (values.json) process.stdout.write(`${JSON.stringify(summary(report))}\n`);
  else process.stdout.write(humanReport(file, target.where, report));
  return report.counts.failed > 0 ? 1 : 0;
}

/** The `--json` object: counts, API calls, and what a user must look at, by sheet row number. */
function summary(report: ExportReport) {
  return {
    ...report.counts,
    dryRun: report.dryRun,
    ...(report.companies
      ? {
          companies: {
            created: report.companies.created,
            existing: report.companies.existing,
            associated: report.companies.associated,
            failed: report.companies.failed.length,
          },
        }
      : {}),
    apiCalls: report.apiCalls,
    problems: report.outcomes.flatMap((outcome, index) => problem(outcome, index)),
  };
}

function problem(outcome: ExportOutcome, index: number) {
  if (!outcome.reason) return [];
  return [{ row: rowNumber(index), status: outcome.status, ...outcome.reason }];
}

function humanReport(file: string, where: string, report: ExportReport): string {
  const c = report.counts;
  const verb = report.dryRun ? 'Would export' : 'Exported';
  const lines = [
    `${verb} ${basename(file)} to ${where}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ` +
      `${c.failed} failed, ${c.ambiguous} to review, ${c.skipped} skipped (${report.apiCalls.total} API calls).`,
  ];
  if (report.companies) {
    const co = report.companies;
    lines.push(
      `Companies: ${co.created} ${report.dryRun ? 'to create' : 'created'}, ${co.existing} existing, ${co.associated} people associated.`,
    );
  }
  const problems = report.outcomes.flatMap((outcome, index) => problem(outcome, index));
  if (problems.length > 0) {
    lines.push('', 'Rows to look at:');
    for (const p of problems) lines.push(`  row ${p.row} (${p.status}): ${p.message}`);
  }
  if (!report.dryRun)
    lines.push('', `Rowbridge IDs written to the "${ROW_ID_HEADER}" column of ${basename(file)}.`);
  return `${lines.join('\n')}\n`;
}

import { parseArgs } from 'node:util';
import {
  companyPairs,
  type DedupResult,
  type DuplicatePair,
  explainTier,
  findDuplicates,
} from '../../shared/dedup/index.ts';
import { RowbridgeError } from '../../shared/errors.ts';
import type { FieldKey } from '../../shared/fields.ts';
import { detectColumns, toCanonicalRecords } from '../../shared/mapping/index.ts';
import { readCsvFile } from '../csv/read-csv.ts';
import { parseRegion } from './region.ts';

/** Columns that can identify a person or company; a sheet with none of them cannot be deduplicated. */
const IDENTIFYING: readonly FieldKey[] = [
  'email',
  'phone',
  'mobile',
  'first_name',
  'last_name',
  'full_name',
  'company',
  'website',
];

/** Sheet row number of a data row index: the header is row 1. */
const rowNumber = (index: number) => index + 2;

/** A pair in the report: sheet row numbers, `a < b`. */
interface ReportedPair {
  readonly a: number;
  readonly b: number;
  readonly tier: DuplicatePair['tier'];
  readonly rule: DuplicatePair['rule'];
  readonly confidence: DuplicatePair['confidence'];
}

function report(pair: DuplicatePair): ReportedPair {
  return {
    a: rowNumber(pair.a),
    b: rowNumber(pair.b),
    tier: pair.tier,
    rule: pair.rule,
    confidence: pair.confidence,
  };
}

/**
 * `rowbridge dedup <file.csv> [--json] [--region US]`: finds rows of a sheet export that are the same
 * person (tiers 1-3) or the same company (tier 4) and prints every pair with the rule that linked it.
 */
export async function dedup(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, region: { type: 'string' } },
  });
  const [file, ...extra] = positionals;
  if (!file || extra.length) {
    throw new RowbridgeError(
      'cli_usage',
      'give exactly one CSV file: rowbridge dedup <file.csv> [--json] [--region US]',
    );
  }
  const region = parseRegion(values.region);
  const table = await readCsvFile(file);
  const columns = detectColumns(table.headers);
  if (!columns.some((column) => column.field && IDENTIFYING.includes(column.field))) {
    throw new RowbridgeError(
      'csv_no_columns',
      `${file} has no column that looks like an email, phone, name or company (headers: ${table.headers
        .slice(0, 8)
        .map((header) => `"${header}"`)
        .join(', ')}). Name a column "Email", "Phone", "First Name", "Last Name" or "Company".`,
    );
  }
  const result = findDuplicates(toCanonicalRecords(columns, table.rows), { defaultRegion: region });
  const company = companyPairs(result);
  if (company.truncated) {
    console.error(`rowbridge: only the first ${company.pairs.length} same-company pairs are listed.`);
  }
  const pairs = [...result.pairs, ...company.pairs].map(report).sort((p, q) => p.a - q.a || p.b - q.b);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ pairs })}\n`);
    return 0;
  }
  process.stdout.write(humanReport(file, table.rows.length, result, pairs));
  return 0;
}

function humanReport(
  file: string,
  rows: number,
  result: DedupResult,
  pairs: readonly ReportedPair[],
): string {
  const people = pairs.filter((pair) => pair.tier < 4);
  const lines = [
    `${file}: ${rows} rows, ${result.groups.length} people with more than one row (${people.length} duplicate pairs), ` +
      `${pairs.length - people.length} same-company pairs.`,
  ];
  if (people.length) {
    lines.push('', '  Rows          Tier  Rule          Confidence');
    for (const pair of people) {
      lines.push(
        `  ${`${pair.a} & ${pair.b}`.padEnd(14)}${String(pair.tier).padEnd(6)}${pair.rule.padEnd(14)}${pair.confidence}`,
      );
    }
    lines.push('', 'Rules:');
    for (const tier of [...new Set(people.map((pair) => pair.tier))].sort()) {
      lines.push(`  tier ${tier}: ${explainTier(tier)}`);
    }
  }
  if (result.ambiguous.length) {
    lines.push('', 'Needs review (not merged):');
    for (const link of result.ambiguous) {
      lines.push(
        `  rows ${rowNumber(link.a)} & ${rowNumber(link.b)} share a ${link.rule}, but ${link.reason}.`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

import { randomUUID } from 'node:crypto';
import type { CrmConnector } from '../../server/connectors/types.ts';
import { type ExportReport, type ExportRow, exportRows } from '../../server/sync/export.ts';
import { tableFields } from '../../server/sync/fields.ts';
import { setupFields } from '../../server/sync/setup-fields.ts';
import { defaultMapping, detectColumns, toCanonicalRecords } from '../../shared/mapping/index.ts';
import type { Figure } from './measure.ts';
import type { RequestCounter } from './served.ts';

/** The sheet every export benchmark sends: people at 50 companies, all fields a CRM person has. */
export const HEADERS = ['Email', 'First Name', 'Last Name', 'Company', 'Phone', 'City'] as const;

/** One sheet row, by index; `changed` rows move to another city (the "10% changed" rerun). */
export function sheetRow(i: number, changed = false): string[] {
  return [
    `lead${i}.${i}@org${i % 50}.example`,
    'Lead',
    `Number ${i}`,
    `Org ${i % 50}`,
    `+1 646 555 ${String(i % 10_000).padStart(4, '0')}`,
    changed ? 'York' : 'Leeds',
  ];
}

/** Every tenth row changes in the rerun. */
export const isChanged = (i: number) => i % 10 === 0;

export const fmt = (n: number) => n.toLocaleString('en-US');

/** A CRM under benchmark: our connector and a naive per-row exporter, both on one counted sandbox. */
export interface ExportTarget {
  readonly connector: CrmConnector;
  readonly counter: RequestCounter;
  /** One create call per row, through the vendor's SDK; resolves to the new records' ids in order. */
  naiveCreate(rows: readonly string[][]): Promise<string[]>;
  /** One update call per row (a per-row exporter does not know which rows changed). */
  naiveUpdate(ids: readonly string[], rows: readonly string[][]): Promise<void>;
  close(): Promise<void>;
}

export interface ExportRun {
  readonly report: ExportReport;
  readonly calls: number;
  readonly byEndpoint: Record<string, number>;
  /** Requests the sandbox refused with 429 (counted in `calls`: they are sent and count at the vendor). */
  readonly refused: number;
  readonly ms: number;
}

/** The mapping and table of the benchmark sheet on one CRM object. */
export function benchTable(crm: string, object: string) {
  const mapping = defaultMapping(crm, object, detectColumns([...HEADERS]));
  return { mapping, table: tableFields(mapping) };
}

/** Creates the custom fields the table needs (not counted: a one-off per portal). */
export async function prepare(target: ExportTarget, crm: string, object: string): Promise<void> {
  await setupFields(target.connector, benchTable(crm, object).mapping);
  target.counter.reset();
}

/** Exports `cells` through Rowbridge's exporter, counting the requests the sandbox answered. */
export async function exportCounted(
  target: ExportTarget,
  crm: string,
  object: string,
  cells: readonly string[][],
  ids?: readonly string[],
): Promise<ExportRun> {
  const { table } = benchTable(crm, object);
  const rows: ExportRow[] = toCanonicalRecords(detectColumns([...HEADERS]), cells).map((values, i) => ({
    values,
    rowId: ids?.[i],
  }));
  target.counter.reset();
  const started = performance.now();
  const report = await exportRows({
    connector: target.connector,
    table,
    rows,
    region: 'US',
    newRowId: randomUUID,
  });
  const ms = performance.now() - started;
  const failed = report.counts.failed + report.counts.ambiguous;
  if (failed > 0) throw new Error(`the benchmark export left ${failed} rows failed or ambiguous`);
  return {
    report,
    calls: target.counter.total(),
    byEndpoint: target.counter.byEndpoint(),
    refused: target.counter.refused(),
    ms,
  };
}

/** Export, then export again with 10% changed, for Rowbridge and the naive exporter on fresh sandboxes. */
export async function exportPair(
  open: () => Promise<ExportTarget>,
  crm: string,
  object: string,
  n: number,
): Promise<{ first: ExportRun; rerun: ExportRun; naiveFirst: number; naiveRerun: number }> {
  const fresh = Array.from({ length: n }, (_, i) => sheetRow(i));
  const edited = Array.from({ length: n }, (_, i) => sheetRow(i, isChanged(i)));
  const ours = await open();
  let first: ExportRun;
  let rerun: ExportRun;
  try {
    await prepare(ours, crm, object);
    first = await exportCounted(ours, crm, object, fresh);
    const ids = first.report.outcomes.map((o) => o.rowId);
    rerun = await exportCounted(ours, crm, object, edited, ids);
    if (rerun.report.counts.updated !== Math.ceil(n / 10)) {
      throw new Error(`the rerun updated ${rerun.report.counts.updated} records, not ${Math.ceil(n / 10)}`);
    }
  } finally {
    await ours.close();
  }
  const naive = await open();
  try {
    naive.counter.reset();
    const crmIds = await naive.naiveCreate(fresh);
    const naiveFirst = naive.counter.total();
    naive.counter.reset();
    await naive.naiveUpdate(crmIds, edited);
    return { first, rerun, naiveFirst, naiveRerun: naive.counter.total() };
  } finally {
    await naive.close();
  }
}

/** The figures of one `exportPair`, each with its vendor minimum and the naive exporter's count. */
export function exportFigures(
  label: string,
  n: number,
  run: Awaited<ReturnType<typeof exportPair>>,
  minimum: { first: number; firstHow: string; rerun: number; rerunHow: string },
): Figure[] {
  const { first, rerun } = run;
  const top = (byEndpoint: Record<string, number>) =>
    Object.entries(byEndpoint)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([endpoint, count]) => `${count} × ${endpoint}`)
      .join(', ');
  return [
    {
      name: `${label} export ${fmt(n)} new rows`,
      value: first.calls,
      unit: 'requests',
      compare: `vendor minimum ${fmt(minimum.first)} (${minimum.firstHow}); naive per-row exporter ${fmt(run.naiveFirst)}. Most: ${top(first.byEndpoint)}`,
      against: { vendorMinimum: minimum.first, naive: run.naiveFirst },
      detail: first.byEndpoint,
    },
    {
      name: `${label} export ${fmt(n)} rows again, 10% changed`,
      value: rerun.calls,
      unit: 'requests',
      compare: `vendor minimum ${fmt(minimum.rerun)} (${minimum.rerunHow}); naive per-row exporter ${fmt(run.naiveRerun)}. Most: ${top(rerun.byEndpoint)}`,
      against: { vendorMinimum: minimum.rerun, naive: run.naiveRerun },
      detail: rerun.byEndpoint,
    },
  ];
}

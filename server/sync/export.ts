import { type DuplicatePair, ExistingRecordIndex, findDuplicates } from '../../shared/dedup/index.ts';
import type { ErrorCode } from '../../shared/errors.ts';
import type { FieldValue } from '../../shared/fields.ts';
import type { CanonicalRecord } from '../../shared/mapping/index.ts';
import {
  countryToRegion,
  type NormalizeOptions,
  type Region,
  valuesEqual,
} from '../../shared/normalize/index.ts';
import { type ApiCallStats, callsSince } from '../connectors/http.ts';
import type { CrmConnector, CrmRecord, Properties, UpsertInput, UpsertResult } from '../connectors/types.ts';
import { type CampaignReport, linkCampaigns } from './campaigns.ts';
import { candidateQueries } from './candidates.ts';
import { type CompanyReport, linkCompanies } from './companies.ts';
import { propertiesToValues, rowToProperties } from './crm-values.ts';
import type { TableFields } from './fields.ts';
import { withRequired } from './required.ts';

/** One sheet row to export: its Rowbridge ID (absent for a row never synced) and its mapped values. */
export interface ExportRow {
  readonly rowId?: string | undefined;
  readonly values: CanonicalRecord;
  /** The row's number in the sheet, for messages that point at another row; default: position + 1. */
  readonly rowNumber?: number;
}

export type ExportStatus = 'created' | 'updated' | 'unchanged' | 'failed' | 'ambiguous' | 'skipped';

/** The dedup match that turned a create into an update of an existing record. */
export interface ExportMatch {
  readonly crmId: string;
  readonly tier: 1 | 2 | 3;
  readonly rule: string;
  readonly confidence: string;
}

/** What happened to one row, in input order. On a dry run: what would happen. */
export interface ExportOutcome {
  readonly rowId: string;
  /** The row came without a Rowbridge ID, or with one a row above it already had: `rowId` is new. */
  readonly newRowId: boolean;
  readonly status: ExportStatus;
  readonly crmId?: string;
  /** The row's values in canonical form, as the CRM holds them after the export (the next merge base). */
  readonly values?: Readonly<Record<string, FieldValue>>;
  /** Properties written (or to be written). */
  readonly written?: Properties;
  readonly match?: ExportMatch;
  /** For failed, ambiguous and skipped rows: why, with a stable code. */
  readonly reason?: { readonly code: ErrorCode; readonly message: string };
  /** For ambiguous rows: the CRM records or sheet rows it could be. */
  readonly candidates?: readonly string[];
}

export interface ExportCounts {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly failed: number;
  readonly ambiguous: number;
  readonly skipped: number;
}

export interface ExportReport {
  readonly dryRun: boolean;
  readonly outcomes: ExportOutcome[];
  readonly counts: ExportCounts;
  /** Absent when the CRM keeps no company records or companies were not asked for. */
  readonly companies?: CompanyReport;
  /** Absent when the CRM has no campaign membership or no row names a campaign. */
  readonly campaigns?: CampaignReport;
  /** Requests this export sent to the CRM (reads, searches and writes), by endpoint. */
  readonly apiCalls: ApiCallStats;
}

export interface ExportOptions {
  readonly connector: CrmConnector;
  readonly table: TableFields;
  readonly rows: readonly ExportRow[];
  /** Phone region for rows without a country. */
  readonly region?: Region | undefined;
  /** Plan only: reads and searches run, nothing is written. */
  readonly dryRun?: boolean;
  /** Makes a Rowbridge ID for a row that has none. */
  readonly newRowId: () => string;
  /**
   * Find or create each person's company record and associate them, where the CRM keeps companies as
   * records (`provider.companies`). Default true.
   */
  readonly companies?: boolean;
  /** Progress after each step, as rows done out of rows in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

interface Prepared {
  readonly index: number;
  readonly rowNumber: number;
  readonly rowId: string;
  readonly newRowId: boolean;
  readonly values: CanonicalRecord;
  /** How this row's values are normalised: phones in its country's region. */
  readonly normalize: NormalizeOptions;
  readonly properties: Properties;
}

/**
 * Pushes sheet rows to a CRM object, the sheet being the source (the brief's one-way push):
 *
 * 1. rows that carry a Rowbridge ID are read back by it (`idProperty`): unchanged ones cost no write,
 *    changed ones are upserted with only their changed properties;
 * 2. the other rows are deduplicated, first against each other (the second copy of a person is
 *    reported, not created), then against the CRM (tiers 1-3 through batched searches): a single match is
 *    updated and gets the row's ID, several matches are reported as ambiguous, never guessed;
 * 3. rows matching nothing are created by batch upsert keyed on their Rowbridge ID, so a retried export
 *    can never create a record twice.
 *
 * Every write goes in the CRM's largest batches; one rejected record fails alone.
 */
export async function exportRows(options: ExportOptions): Promise<ExportReport> {
  const { connector, table } = options;
  const startCalls = connector.apiCalls();
  const outcomes: (ExportOutcome | undefined)[] = options.rows.map(() => undefined);
  const total = options.rows.length;
  const settle = (row: Prepared, outcome: Omit<ExportOutcome, 'rowId' | 'newRowId'>) => {
    outcomes[row.index] = { rowId: row.rowId, newRowId: row.newRowId, ...outcome };
  };
  const progress = () => options.onProgress?.(outcomes.filter(Boolean).length, total);

  const prepared = prepare(options);
  const exportable: Prepared[] = [];
  for (const row of prepared) {
    if (Object.values(row.properties).every((value) => value === null)) {
      settle(row, {
        status: 'skipped',
        reason: { code: 'invalid_input', message: 'The row has no value in any column synced to the CRM.' },
      });
    } else exportable.push(row);
  }

  // 1. Rows already in the CRM, found by their Rowbridge ID.
  const keyed = exportable.filter((row) => !row.newRowId);
  const existing = await readByRowId(connector, table, keyed);
  const upserts: { row: Prepared; input: UpsertInput; values: Record<string, FieldValue> }[] = [];
  const fresh: Prepared[] = [];
  for (const row of exportable) {
    const record = existing.get(row.rowId.toLowerCase());
    if (!record) {
      fresh.push(row);
      continue;
    }
    const current = propertiesToValues(table, record.properties, row.normalize);
    const changed = changedProperties(table, row, current, connector.provider.required[table.object] ?? []);
    const values = { ...current, ...propertiesToValues(table, row.properties, row.normalize) };
    if (Object.keys(changed).length === 0) {
      settle(row, { status: 'unchanged', crmId: record.id, values: current });
    } else {
      upserts.push({
        row,
        input: { key: { property: table.rowIdProperty, value: row.rowId }, properties: changed },
        values,
      });
    }
  }
  progress();

  // 2. New rows: duplicates within the sheet, then against the CRM.
  const representatives = withinSheetDuplicates(fresh, options.region, settle);
  const candidates = await findCandidates(connector, table, representatives);
  const index = new ExistingRecordIndex(
    candidates.map((record) =>
      propertiesToValues(table, record.properties, options.region ? { region: options.region } : {}),
    ),
    options.region ? { defaultRegion: options.region } : {},
  );
  const linkedTo = new Map(prepared.map((row) => [row.rowId.toLowerCase(), row]));
  const updates: { row: Prepared; record: CrmRecord; match: ExportMatch }[] = [];
  const claimed = new Map<string, Prepared>();
  for (const row of representatives) {
    const found = index.match(row.values);
    const target = found.best === undefined ? undefined : candidates[found.best.record];
    if (!found.best || !target) {
      const required = connector.provider.required[table.object] ?? [];
      const completed = withRequired(table, required, row.values, row.properties, connector.provider.label);
      if ('reason' in completed) {
        settle(row, { status: 'failed', reason: { code: 'invalid_input', message: completed.reason } });
        continue;
      }
      upserts.push({
        row,
        input: { key: { property: table.rowIdProperty, value: row.rowId }, properties: completed.properties },
        // The base is what the sheet holds: a value derived for the CRM (a Company from the email's
        // domain) then reads as a CRM change, and the next merge brings it into the row.
        values: propertiesToValues(table, row.properties, row.normalize),
      });
      continue;
    }
    const ids = [found.best, ...found.others].map((c) => candidates[c.record]?.id ?? '');
    if (found.ambiguous) {
      settle(row, {
        status: 'ambiguous',
        candidates: ids,
        reason: {
          code: 'duplicate_ambiguous',
          message: `The row matches ${ids.length} existing records (${ids.join(', ')}); merge them in the CRM or choose one, then export again.`,
        },
      });
      continue;
    }
    const owner = target.properties[table.rowIdProperty];
    const ownerRow = owner ? linkedTo.get(owner.toLowerCase()) : undefined;
    const other = claimed.get(target.id);
    if ((owner && owner.toLowerCase() !== row.rowId.toLowerCase()) || other) {
      const sibling = other ?? ownerRow;
      const who = sibling ? `row ${sibling.rowNumber}` : `another sheet row (Rowbridge ID ${owner})`;
      settle(row, {
        status: 'ambiguous',
        candidates: [target.id],
        reason: {
          code: 'duplicate_ambiguous',
          message: `The row is the same person as record ${target.id} (${found.best.rule}), which is already synced with ${who}. Remove the duplicate row, or unlink the record first.`,
        },
      });
      continue;
    }
    claimed.set(target.id, row);
    const { tier, rule, confidence } = found.best;
    if (tier === 4) continue;
    updates.push({ row, record: target, match: { crmId: target.id, tier, rule, confidence } });
  }
  progress();

  // 3. Writes.
  const dryRun = options.dryRun === true;
  const upserted = dryRun
    ? upserts.map(({ row }) => planned(existing.get(row.rowId.toLowerCase())))
    : await connector.upsertRecords(
        table.object,
        upserts.map((u) => u.input),
      );
  upserts.forEach(({ row, input, values }, i) => {
    settle(row, written(upserted[i], input.properties, values));
  });
  progress();

  const updateInputs = updates.map(({ row, record }) => ({
    id: record.id,
    properties: { ...row.properties, [table.rowIdProperty]: row.rowId },
  }));
  const updated = dryRun
    ? updateInputs.map(({ id }): UpsertResult => ({ status: 'updated', id }))
    : await connector.updateRecords(table.object, updateInputs);
  updates.forEach(({ row, record, match }, i) => {
    const values = {
      ...propertiesToValues(table, record.properties, row.normalize),
      ...propertiesToValues(table, row.properties, row.normalize),
    };
    settle(row, { ...written(updated[i], updateInputs[i]?.properties ?? {}, values), match });
  });
  progress();

  const link = connector.provider.companies;
  const companies =
    link && options.companies !== false
      ? await linkCompanies(
          connector,
          link,
          table.object,
          exportable.flatMap((row) => {
            const outcome = outcomes[row.index];
            if (!outcome || !touchesCompany(table, outcome)) return [];
            // A row that matched a record but was not written (a failed, skipped or ambiguous row) links
            // nothing: associating it would send the row id as a record id, and HubSpot refuses the whole
            // batch ("One or more associations are invalid"; found with the preview's messy sample sheet).
            const written = ['created', 'updated', 'unchanged'].includes(outcome.status);
            if (!dryRun && !(written && outcome.crmId)) return [];
            // A dry run has no ids for records it would create: the row id stands in.
            return [{ crmId: outcome.crmId ?? `row:${row.rowId}`, values: row.values }];
          }),
          dryRun,
        )
      : undefined;

  const campaignLink = connector.provider.campaigns;
  const campaigns = campaignLink
    ? await linkCampaigns(
        connector,
        campaignLink,
        table.object,
        exportable.flatMap((row) => {
          const outcome = outcomes[row.index];
          const linked =
            outcome?.status === 'created' || outcome?.status === 'updated' || outcome?.status === 'unchanged';
          return linked && outcome.crmId ? [{ crmId: outcome.crmId, values: row.values }] : [];
        }),
        dryRun,
      )
    : undefined;

  const done = outcomes.map(
    (outcome, i): ExportOutcome =>
      outcome ?? {
        rowId: prepared[i]?.rowId ?? '',
        newRowId: prepared[i]?.newRowId ?? false,
        status: 'failed',
        reason: { code: 'internal', message: 'The export lost track of this row; export it again.' },
      },
  );
  return {
    dryRun,
    outcomes: done,
    counts: countOf(done),
    ...(companies ? { companies } : {}),
    ...(campaigns ? { campaigns } : {}),
    apiCalls: callsSince(startCalls, connector.apiCalls()),
  };
}

/** Row ids, regions and CRM properties; a row ID seen on an earlier row (a pasted copy) is replaced. */
function prepare(options: ExportOptions): Prepared[] {
  const seen = new Set<string>();
  return options.rows.map((row, index) => {
    const given = row.rowId?.trim() ?? '';
    const duplicate = given !== '' && seen.has(given.toLowerCase());
    const rowId = given === '' || duplicate ? options.newRowId() : given;
    seen.add(rowId.toLowerCase());
    const region = countryToRegion(String(row.values.country ?? '')) ?? options.region;
    const normalize: NormalizeOptions = region ? { region } : {};
    return {
      index,
      rowNumber: row.rowNumber ?? index + 1,
      rowId,
      newRowId: rowId !== given,
      values: row.values,
      normalize,
      properties: rowToProperties(options.table, row.values, normalize),
    };
  });
}

async function readByRowId(
  connector: CrmConnector,
  table: TableFields,
  rows: readonly Prepared[],
): Promise<Map<string, CrmRecord>> {
  const found = new Map<string, CrmRecord>();
  if (rows.length === 0) return found;
  const { records } = await connector.getRecords(
    table.object,
    rows.map((row) => row.rowId),
    { properties: table.properties, idProperty: table.rowIdProperty },
  );
  for (const record of records) {
    const key = record.properties[table.rowIdProperty];
    if (key) found.set(key.toLowerCase(), record);
  }
  return found;
}

/** Properties whose value differs (under the field's type) from what the CRM holds. */
function changedProperties(
  table: TableFields,
  row: Prepared,
  current: Readonly<Record<string, FieldValue>>,
  required: readonly string[],
): Record<string, string | null> {
  const changed: Record<string, string | null> = {};
  const next = propertiesToValues(table, row.properties, row.normalize);
  for (const field of table.synced) {
    if (!field.writable || field.property === undefined || !(field.property in row.properties)) continue;
    // An empty cell cannot clear what the CRM requires (a Lead's Company): the CRM keeps its value.
    if (row.properties[field.property] === null && required.includes(field.property)) continue;
    if (!valuesEqual(field.type, next[field.key] ?? null, current[field.key] ?? null, row.normalize)) {
      changed[field.property] = row.properties[field.property] ?? null;
    }
  }
  return changed;
}

/**
 * Keeps the first row of each group of rows that are the same person; the others are reported as
 * ambiguous (a person is created once, and which copy is right is the user's call).
 */
function withinSheetDuplicates(
  rows: readonly Prepared[],
  region: Region | undefined,
  settle: (row: Prepared, outcome: Omit<ExportOutcome, 'rowId' | 'newRowId'>) => void,
): Prepared[] {
  const result = findDuplicates(
    rows.map((row) => row.values),
    region ? { defaultRegion: region } : {},
  );
  const firstOf = new Map<number, number>();
  const pairOf = new Map<number, DuplicatePair>();
  for (const group of result.groups) {
    const [first, ...rest] = group;
    if (first === undefined) continue;
    for (const member of rest) firstOf.set(member, first);
  }
  for (const pair of result.pairs) if (!pairOf.has(pair.b)) pairOf.set(pair.b, pair);
  const keep: Prepared[] = [];
  rows.forEach((row, i) => {
    const first = firstOf.get(i);
    const original = first === undefined ? undefined : rows[first];
    if (original === undefined) {
      keep.push(row);
      return;
    }
    const rule = pairOf.get(i)?.rule ?? 'email';
    settle(row, {
      status: 'ambiguous',
      candidates: [original.rowId],
      reason: {
        code: 'duplicate_ambiguous',
        message: `The row is the same person as row ${original.rowNumber} (same ${rule.replace('_', ' and ')}); only that row was exported. Merge the two rows.`,
      },
    });
  });
  return keep;
}

async function findCandidates(
  connector: CrmConnector,
  table: TableFields,
  rows: readonly Prepared[],
): Promise<CrmRecord[]> {
  const queries = candidateQueries(table, rows);
  if (queries.length === 0) return [];
  return connector.findCandidates(table.object, queries, { properties: table.properties });
}

function planned(record: CrmRecord | undefined): UpsertResult {
  return record ? { status: 'updated', id: record.id } : { status: 'created', id: '' };
}

function written(
  result: UpsertResult | undefined,
  properties: Properties,
  values: Record<string, FieldValue>,
): Omit<ExportOutcome, 'rowId' | 'newRowId'> {
  if (!result) {
    return {
      status: 'failed',
      reason: { code: 'crm_rejected', message: 'The CRM gave no result for this row.' },
    };
  }
  if (result.status === 'failed')
    return { status: 'failed', reason: { code: result.error.code, message: result.error.message } };
  return { status: result.status, ...(result.id ? { crmId: result.id } : {}), written: properties, values };
}

/** A row whose person was created, linked by dedup, or had what names its organisation changed. */
function touchesCompany(table: TableFields, outcome: ExportOutcome): boolean {
  if (outcome.status === 'created' || outcome.match) return true;
  if (outcome.status !== 'updated') return false;
  const organisational = table.synced.filter((f) => ['company', 'website', 'email'].includes(f.key));
  return organisational.some(
    (field) => field.property !== undefined && field.property in (outcome.written ?? {}),
  );
}

function countOf(outcomes: readonly ExportOutcome[]): ExportCounts {
  const counts = { created: 0, updated: 0, unchanged: 0, failed: 0, ambiguous: 0, skipped: 0 };
  for (const outcome of outcomes) counts[outcome.status] += 1;
  return counts;
}

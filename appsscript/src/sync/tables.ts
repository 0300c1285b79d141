import type { SyncTable } from '../../../shared/api/tables.ts';
import { isRowbridgeError } from '../../../shared/errors.ts';
import { CANONICAL_FIELD_NAMES, CANONICAL_FIELDS, isCanonicalField } from '../../../shared/fields.ts';
import {
  type CrmId,
  DEFAULT_MAPS,
  type Direction,
  defaultMapping,
  detectColumns,
  type FieldMapping,
  isCrmId,
  isRowIdHeader,
  type PropertyRef,
  type TableMapping,
  validateMapping,
} from '../../../shared/mapping/index.ts';
import type { ConflictPolicy } from '../../../shared/merge/types.ts';
import { call } from '../companion/client.ts';
import { AddonError } from '../companion/errors.ts';
import { documentProperties, KEYS, readJson, writeJson } from '../properties.ts';
import { ensureIdColumn } from '../sheet/id-column.ts';
import { layoutOf } from '../sheet/layout.ts';

/** What a tab remembers about its sync table, so edit triggers need no API call to find it. */
export interface CachedTable {
  readonly id: string;
  /** The mapped sheet headers: the cells an export sends. */
  readonly headers: readonly string[];
}

/** The tab the person is looking at. */
export function activeSheet(): GoogleAppsScript.Spreadsheet.Sheet {
  return SpreadsheetApp.getActive().getActiveSheet();
}

/**
 * A tab by its numeric id: jobs started in one tab are followed there even if the person switched tabs
 * meanwhile. Falls back to the active tab when none is given.
 */
export function sheetById(sheetId: number | null | undefined): GoogleAppsScript.Spreadsheet.Sheet {
  if (sheetId === null || sheetId === undefined) return activeSheet();
  const sheet = SpreadsheetApp.getActive()
    .getSheets()
    .find((s) => s.getSheetId() === sheetId);
  if (!sheet) throw new AddonError('sheet_not_found', 'The tab this job was started from was deleted.');
  return sheet;
}

/** The cached table of a tab, or undefined (no API call). */
export function cachedTable(sheetId: number): CachedTable | undefined {
  const value = readJson(KEYS.table(sheetId)) as Partial<CachedTable> | undefined;
  if (typeof value?.id !== 'string' || !Array.isArray(value.headers)) return undefined;
  return { id: value.id, headers: value.headers.map(String) };
}

function remember(sheetId: number, table: SyncTable | undefined): void {
  if (table)
    writeJson(KEYS.table(sheetId), { id: table.id, headers: table.mapping.fields.map((f) => f.header) });
  else documentProperties().deleteProperty(KEYS.table(sheetId));
}

/** The sync table of a tab (by its numeric id, which survives renames), refreshing the cache. */
export function tableOfSheet(sheet: GoogleAppsScript.Spreadsheet.Sheet): SyncTable | undefined {
  const { tables } = call('listTables');
  const table = tables.find((t) => t.sheetTabId === sheet.getSheetId());
  remember(sheet.getSheetId(), table);
  return table;
}

/** The tab's table, or a `no_table` error telling the user to save a mapping first. */
export function requireTable(sheet: GoogleAppsScript.Spreadsheet.Sheet): SyncTable {
  const table = tableOfSheet(sheet);
  if (!table) throw new AddonError('no_table');
  return table;
}

/** One sheet column in the mapping editor. */
export interface ColumnDraft {
  readonly header: string;
  /** The canonical field, or null when the column is not synced. */
  readonly field: string | null;
  readonly direction: Direction;
  /** The CRM property it maps to (`firstname`), or null when the field stays in the sheet. */
  readonly property: string | null;
  /** The CRM computes this property itself, so it only flows into the sheet. */
  readonly readOnly: boolean;
  /** How the column was recognised: from the saved table, its header, a synonym, or not. */
  readonly source: 'saved' | 'exact' | 'synonym' | 'none';
}

/** What the mapping editor starts from. */
export interface MappingDraft {
  readonly connectionId: string;
  readonly crm: string;
  readonly crmLabel: string;
  readonly object: string;
  readonly objects: readonly string[];
  readonly columns: readonly ColumnDraft[];
  readonly fields: readonly { readonly key: string; readonly label: string }[];
  readonly policy: ConflictPolicy;
  readonly region: string | null;
  readonly tableId: string | null;
}

function crmOf(connectionId: string): CrmId {
  const connection = call('getConnection', { params: { connectionId } });
  if (!isCrmId(connection.crm))
    throw new AddonError('mapping_unknown_crm', `Unknown CRM "${connection.crm}".`);
  return connection.crm;
}

function propertyOf(crm: CrmId, object: string, field: string): PropertyRef | undefined {
  if (!isCanonicalField(field)) return undefined;
  return DEFAULT_MAPS[crm].objects[object]?.[field];
}

/** The region for phone numbers, from the spreadsheet's locale ("en_GB" → "GB"). */
function localeRegion(): string | null {
  const match = /[_-]([A-Z]{2})$/.exec(SpreadsheetApp.getActive().getSpreadsheetLocale() ?? '');
  return match?.[1] ?? null;
}

/**
 * The mapping editor's starting point for the active tab and a CRM object: the saved mapping when the
 * tab already syncs that object, otherwise every header recognised by `detectColumns` and mapped by
 * the CRM's defaults (`defaultMapping`), each with its direction.
 */
export function draftMapping(connectionId: string, object?: string): MappingDraft {
  const crm = crmOf(connectionId);
  const defaults = DEFAULT_MAPS[crm];
  const objects = Object.keys(defaults.objects);
  const sheet = activeSheet();
  const saved = tableOfSheet(sheet);
  const chosen = object ?? saved?.crmObject ?? objects[0] ?? '';
  const headers = layoutOf(sheet).headers.filter((h) => h.trim() !== '' && !isRowIdHeader(h));
  const detected = detectColumns(headers);
  const suggested = objects.includes(chosen) ? defaultMapping(crm, chosen, detected) : undefined;
  const savedFields =
    saved && saved.connectionId === connectionId && saved.crmObject === chosen
      ? saved.mapping.fields
      : undefined;
  const columns = headers.map((header, index): ColumnDraft => {
    const fromSaved = savedFields?.find((f) => f.header === header);
    const mapped =
      fromSaved ?? (savedFields ? undefined : suggested?.fields.find((f) => f.header === header));
    const source = fromSaved ? 'saved' : mapped ? (detected[index]?.confidence ?? 'none') : 'none';
    if (!mapped) return { header, field: null, direction: 'both', property: null, readOnly: false, source };
    return {
      header,
      field: mapped.field,
      direction: mapped.direction,
      property: mapped.property?.path ?? null,
      readOnly: mapped.property?.readOnly === true,
      source,
    };
  });
  return {
    connectionId,
    crm,
    crmLabel: defaults.label,
    object: chosen,
    objects,
    columns,
    fields: CANONICAL_FIELD_NAMES.map((key) => ({ key, label: CANONICAL_FIELDS[key].label })),
    policy: saved?.policy ?? 'manual',
    region: saved ? saved.region : localeRegion(),
    tableId: saved?.id ?? null,
  };
}

/** What the sidebar sends to save a mapping. */
export interface SaveTableInput {
  readonly connectionId: string;
  readonly object: string;
  readonly columns: readonly {
    readonly header: string;
    readonly field: string | null;
    readonly direction: Direction;
  }[];
  readonly policy: ConflictPolicy;
  readonly region: string | null;
}

/** The saved table as the sidebar shows it. */
export interface TableSaved {
  readonly tableId: string;
  readonly object: string;
  readonly mapped: number;
  readonly propertiesCreated: readonly string[];
}

function mappingOf(crm: CrmId, input: SaveTableInput): TableMapping {
  const fields: FieldMapping[] = [];
  for (const column of input.columns) {
    if (!column.field) continue;
    const property = propertyOf(crm, input.object, column.field);
    const direction = property?.readOnly ? 'crm_to_sheet' : column.direction;
    fields.push({
      header: column.header,
      field: column.field as FieldMapping['field'],
      direction,
      ...(property ? { property } : {}),
    });
  }
  try {
    return validateMapping({ crm, object: input.object, fields, customFields: [] });
  } catch (error) {
    if (isRowbridgeError(error)) {
      throw new AddonError(
        error.code,
        undefined,
        error.problems.map((p) => p.message),
      );
    }
    throw error;
  }
}

/**
 * Saves the active tab's sync table: checks the mapping here first (every problem at once, before any
 * request), creates the table or updates its mapping, policy and region, creates the CRM properties it
 * needs (`setup-fields`, safe to repeat) and adds the hidden Rowbridge ID column.
 */
export function saveTable(input: SaveTableInput): TableSaved {
  const crm = crmOf(input.connectionId);
  const mapping = mappingOf(crm, input);
  const sheet = activeSheet();
  const existing = tableOfSheet(sheet);
  const region = input.region && /^[A-Z]{2}$/.test(input.region) ? input.region : null;
  let table: SyncTable;
  if (existing) {
    if (existing.connectionId !== input.connectionId || existing.crmObject !== input.object) {
      throw new AddonError(
        'already_exists',
        `This tab already syncs ${existing.crmObject} through another connection or object; the companion cannot re-point a table yet.`,
      );
    }
    table = call('updateTable', {
      params: { tableId: existing.id },
      body: { mapping, policy: input.policy, region },
    });
  } else {
    table = call('createTable', {
      body: {
        sheetTabId: sheet.getSheetId(),
        sheetTabName: sheet.getName(),
        connectionId: input.connectionId,
        crmObject: input.object,
        mapping,
        policy: input.policy,
        ...(region ? { region } : {}),
      },
    });
  }
  const setup = call('setupFields', { params: { tableId: table.id } });
  ensureIdColumn(sheet);
  remember(sheet.getSheetId(), table);
  return {
    tableId: table.id,
    object: table.crmObject,
    mapped: table.mapping.fields.length,
    propertiesCreated: Object.entries(setup.objects).flatMap(([object, r]) =>
      r.created.map((p) => `${object}.${p}`),
    ),
  };
}

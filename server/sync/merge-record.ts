import type { FieldValue } from '../../shared/fields.ts';
import { sameColumnKey } from '../../shared/mapping/index.ts';
import { merge } from '../../shared/merge/merge.ts';
import type { ConflictPolicy, FieldConflict, FieldDecision, SideValue } from '../../shared/merge/types.ts';
import { type NormalizeOptions, normalizeValue } from '../../shared/normalize/index.ts';
import type { CrmRecord, Properties } from '../connectors/types.ts';
import type { LinkStamps } from '../store/values.ts';
import { toCrmValue } from './crm-values.ts';
import { mergeFields, type TableFields } from './fields.ts';
import type { CellValue } from './sheet-port.ts';

/** One linked record's state on both sides, as read just now. */
export interface RecordSides {
  readonly base: Readonly<Record<string, FieldValue>>;
  readonly stamps: LinkStamps;
  readonly crm: CrmRecord;
  /** The row's cells by header; absent when the sheet could not be read (then it counts as unchanged). */
  readonly cells?: Readonly<Record<string, CellValue>> | undefined;
  /**
   * When `cells` were taken from the sheet (epoch ms), for cells pushed by the add-on: a field whose base
   * took a new value after that (a CRM change written to the sheet meanwhile) is judged unchanged in the
   * sheet, since the pushed cell predates what the sheet holds now. Without it the cells are current.
   */
  readonly cellsTakenAt?: number | undefined;
  /** Our own app's ids in the CRM's change history: changes by them are echoes of our writes. */
  readonly ownSourceIds: readonly string[];
}

/** What to do for one record after the merge. */
export interface RecordPlan {
  readonly toCrm: Properties;
  readonly toSheet: Record<string, CellValue>;
  readonly base: Record<string, FieldValue>;
  readonly stamps: LinkStamps;
  readonly conflicts: FieldConflict[];
  /** Decisions that wrote or settled something, for the audit log. */
  readonly decisions: FieldDecision[];
}

/** The CRM side of a merge: each synced property's value, its last change time and whether we made it. */
function crmSide(
  table: TableFields,
  sides: RecordSides,
  options: NormalizeOptions,
): Record<string, SideValue> {
  const out: Record<string, SideValue> = {};
  for (const field of table.synced) {
    if (field.property === undefined) continue;
    const value = normalizeValue(field.type, sides.crm.properties[field.property] ?? null, options);
    const [latest] = sides.crm.history?.[field.property] ?? [];
    const at = latest ? Date.parse(latest.timestamp) : Number.NaN;
    const ours = latest?.sourceId !== undefined && sides.ownSourceIds.includes(latest.sourceId);
    out[field.key] = {
      value,
      ...(Number.isFinite(at) ? { changedAt: at } : {}),
      ...(ours ? { echo: true } : {}),
    };
  }
  return out;
}

/** The sheet side: the row's cells, or the base itself when the row could not be read. */
function sheetSide(
  table: TableFields,
  sides: RecordSides,
  options: NormalizeOptions,
): Record<string, SideValue> {
  const out: Record<string, SideValue> = {};
  const cells = sides.cells === undefined ? undefined : byColumnKey(sides.cells);
  for (const field of table.synced) {
    const stamp = sides.stamps[field.key]?.sheetAt;
    const baseAt = sides.stamps[field.key]?.baseAt;
    const stale = sides.cellsTakenAt !== undefined && baseAt !== undefined && baseAt > sides.cellsTakenAt;
    const key = sameColumnKey(field.header);
    // A column missing from the sheet (deleted, renamed) is "unchanged", never "cleared": an absent
    // column must not wipe the CRM's values.
    const value =
      cells === undefined || !cells.has(key) || stale
        ? (sides.base[field.key] ?? null)
        : normalizeValue(field.type, cells.get(key) ?? null, options);
    out[field.key] = { value, ...(stamp === undefined ? {} : { changedAt: stamp }) };
  }
  return out;
}

function byColumnKey(cells: Readonly<Record<string, CellValue>>): Map<string, CellValue> {
  return new Map(Object.entries(cells).map(([header, value]) => [sameColumnKey(header), value]));
}

/** `stamps` with `baseAt` set to `now` for every field whose base value differs between the two bases. */
export function stampBaseChanges(
  stamps: LinkStamps,
  before: Readonly<Record<string, FieldValue>>,
  after: Readonly<Record<string, FieldValue>>,
  now: number,
): LinkStamps {
  const next = { ...stamps };
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if ((before[key] ?? null) !== (after[key] ?? null)) next[key] = { ...next[key], baseAt: now };
  }
  return next;
}

/**
 * Merges one linked record (DESIGN.md's rule, through the shared `merge`) and turns the result into the
 * writes for each side: CRM properties for `toCrm`, sheet cells by header for `toSheet`, the new base
 * and stamps, conflicts for review, and the decisions to audit.
 */
export function planRecord(
  table: TableFields,
  policy: ConflictPolicy,
  sides: RecordSides,
  options: NormalizeOptions,
  now: number = Date.now(),
): RecordPlan {
  const crm = crmSide(table, sides, options);
  const sheet = sheetSide(table, sides, options);
  const result = merge({ fields: mergeFields(table), base: sides.base, sheet, crm, policy, options });
  const toCrm: Record<string, string | null> = {};
  const toSheet: Record<string, CellValue> = {};
  const stamps: LinkStamps = { ...sides.stamps };
  for (const field of table.synced) {
    if (field.key in result.toCrm && field.property !== undefined && field.writable) {
      toCrm[field.property] = toCrmValue(result.toCrm[field.key] ?? null);
    }
    if (field.key in result.toSheet) toSheet[field.header] = result.toSheet[field.key] ?? null;
    const crmAt = crm[field.key]?.changedAt;
    if (crmAt !== undefined) stamps[field.key] = { ...stamps[field.key], crmAt };
  }
  return {
    toCrm,
    toSheet,
    base: result.base,
    stamps: stampBaseChanges(stamps, sides.base, result.base, now),
    conflicts: result.conflicts,
    decisions: result.decisions.filter((d) => d.action !== 'none'),
  };
}

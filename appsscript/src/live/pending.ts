import { documentProperties, KEYS } from '../properties.ts';

/**
 * At most this many edited row IDs are remembered per tab: about 40 bytes each in JSON, which keeps
 * the value under Apps Script's 9 KB per property. Past it, the tab is marked for a full push instead.
 */
export const PENDING_LIMIT = 200;

/** Edited rows of a tab not yet pushed to the companion. */
export interface Pending {
  readonly ids: readonly string[];
  /** More rows changed than could be remembered: push the whole tab (from `fromRow`). */
  readonly overflow: boolean;
  /** Where an interrupted full push continues. */
  readonly fromRow?: number;
}

const EMPTY: Pending = { ids: [], overflow: false };

export function readPending(sheetId: number): Pending {
  const text = documentProperties().getProperty(KEYS.pending(sheetId));
  if (!text) return EMPTY;
  try {
    const value = JSON.parse(text) as Partial<Pending>;
    return {
      ids: Array.isArray(value.ids) ? value.ids.filter((id): id is string => typeof id === 'string') : [],
      overflow: value.overflow === true,
      ...(typeof value.fromRow === 'number' ? { fromRow: value.fromRow } : {}),
    };
  } catch {
    // Unreadable: push the whole tab rather than lose the edits it recorded.
    return { ids: [], overflow: true };
  }
}

export function writePending(sheetId: number, pending: Pending): void {
  if (pending.ids.length === 0 && !pending.overflow)
    documentProperties().deleteProperty(KEYS.pending(sheetId));
  else documentProperties().setProperty(KEYS.pending(sheetId), JSON.stringify(pending));
}

/** Adds edited row IDs; over the limit the tab switches to a full push and forgets the list. */
export function addPending(sheetId: number, ids: readonly string[]): Pending {
  const current = readPending(sheetId);
  if (current.overflow) return current;
  const merged = [...new Set([...current.ids, ...ids])];
  const next: Pending =
    merged.length > PENDING_LIMIT ? { ids: [], overflow: true } : { ids: merged, overflow: false };
  writePending(sheetId, next);
  return next;
}

/** The tabs with edits waiting, by sheet id. */
export function pendingSheetIds(): number[] {
  const prefix = KEYS.pending(0).replace(/0$/, '');
  return documentProperties()
    .getKeys()
    .filter((key) => key.startsWith(prefix))
    .map((key) => Number(key.slice(prefix.length)))
    .filter((id) => Number.isInteger(id));
}

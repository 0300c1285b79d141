/** Page sizes are clamped, so no caller can ask the database for an unbounded result. */
export function pageSize(limit: number | undefined, fallback = 100, max = 1000): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

/**
 * Splits a batch so one statement stays far below PostgreSQL's 65,535 bind parameters (and PGlite's
 * memory for one message) whatever the batch size.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Drops keys whose value is `undefined`: with exactOptionalPropertyTypes, "absent" means "leave as is". */
export function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

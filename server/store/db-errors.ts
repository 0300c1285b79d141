/** The SQLSTATE and constraint of a database error, whichever driver raised it and however drizzle wrapped it. */
export interface DbErrorInfo {
  readonly code: string;
  readonly constraint?: string;
}

/**
 * The SQLSTATE of a failed query. drizzle wraps driver errors in DrizzleQueryError (the driver's error is
 * `cause`); pg and PGlite both put `code` and `constraint` on theirs. A few causes are walked so callers
 * need not know the layering.
 */
export function dbErrorInfo(error: unknown): DbErrorInfo | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const { code, constraint, cause } = current as { code?: unknown; constraint?: unknown; cause?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      return typeof constraint === 'string' ? { code, constraint } : { code };
    }
    current = cause;
  }
  return undefined;
}

/** SQLSTATE 23505: a unique constraint (optionally the named one) refused the write. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const info = dbErrorInfo(error);
  return info?.code === '23505' && (constraint === undefined || info.constraint === constraint);
}

/** SQLSTATE 23503: a foreign key (optionally the named one) refused the write. */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  const info = dbErrorInfo(error);
  return info?.code === '23503' && (constraint === undefined || info.constraint === constraint);
}

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

// Socket errors a lost or refused database connection raises (Node's codes, on the error or its cause).
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
// node-postgres raises these as plain Errors without a code when the server goes away or cannot be reached.
const PG_CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Client was closed and is not queryable|Cannot use a pool after calling end/i;

/**
 * True when a query failed because the database could not be reached, not because of the query: refused
 * or dropped connections, SQLSTATE class 08 (connection exception) and 57P01-57P03 (the server shutting
 * down, crashed or starting up: https://www.postgresql.org/docs/current/errcodes-appendix.html). These
 * are worth retrying later; the request itself was fine.
 */
export function isStorageUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string') {
      if (SOCKET_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code)) return true;
    }
    if (typeof message === 'string' && PG_CONNECTION_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}

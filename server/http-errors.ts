import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { type ErrorCode, isRowbridgeError, type Problem } from '../shared/errors.ts';

/** The JSON body of every error response. Clients branch on `code`; `message` is for people. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly problems?: readonly Problem[];
  };
}

const INTERNAL_MESSAGE = 'Something went wrong on the server; it has been logged.';

/** HTTP status for an error code: the caller's input is at fault (4xx) or the server is (500). */
export function statusForCode(code: ErrorCode): 400 | 404 | 500 {
  if (code === 'invalid_input' || code.startsWith('mapping_')) return 400;
  if (code === 'not_found') return 404;
  return 500;
}

/**
 * The one place errors become responses. A `RowbridgeError` message is written for users, so it is sent;
 * anything else may carry internals (stack, SQL, tokens), so it is logged and replaced by a fixed message.
 */
export const handleError: ErrorHandler = (error, c) => {
  if (isRowbridgeError(error)) {
    const status = statusForCode(error.code);
    if (status >= 500) console.error(`${c.req.method} ${c.req.path} failed:`, error);
    const body: ErrorBody = {
      error: {
        code: error.code,
        message: error.message,
        ...(error.problems.length > 0 ? { problems: error.problems } : {}),
      },
    };
    return c.json(body, status);
  }
  // Hono and its middleware (body limits, auth) throw these for client mistakes; keep their 4xx status.
  if (error instanceof HTTPException && error.status < 500) {
    const code: ErrorCode = error.status === 404 ? 'not_found' : 'invalid_input';
    const body: ErrorBody = { error: { code, message: error.message || 'The request was not accepted.' } };
    return c.json(body, error.status);
  }
  console.error(`${c.req.method} ${c.req.path} failed:`, error);
  const body: ErrorBody = { error: { code: 'internal', message: INTERNAL_MESSAGE } };
  return c.json(body, 500);
};

/** Unknown paths get the same JSON shape as every other error, not Hono's plain-text 404. */
export const handleNotFound: NotFoundHandler = (c) => {
  const body: ErrorBody = {
    error: { code: 'not_found', message: `No route for ${c.req.method} ${c.req.path}. Check the URL.` },
  };
  return c.json(body, 404);
};

import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler, Next } from 'hono';
import { isRowbridgeError } from '../../shared/errors.ts';
import { withScopedSecrets } from '../security/redact.ts';
import type { Logger } from './logger.ts';

/** The header a request id arrives in (from a proxy or the sidebar) and is echoed back in. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/** What `requestLogging` puts on `c.var`: handlers log through `c.get('log')`. */
export interface RequestLogVariables {
  requestId: string;
  /** A child of the app logger carrying `requestId` on every line. */
  log: Logger;
}

/** Hono env for apps and routes that use `requestLogging`. */
export interface RequestLogEnv {
  Variables: RequestLogVariables;
}

// Every app built by createApp installs requestLogging first, so route modules and the error handler may
// call `c.get('log')` without each declaring RequestLogEnv (hono/request-id does the same).
declare module 'hono' {
  interface ContextVariableMap extends RequestLogVariables {}
}

// Ids from proxies (UUIDs, trace ids) fit this; anything else could inject text into log lines, so it is replaced.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:=-]{1,64}$/;

/**
 * Middleware: gives each request an id (the incoming `X-Request-Id` when it looks sane, else a random
 * UUID), echoes it in the response header, exposes it and a child logger on `c.var`, and logs one line
 * when the request ends: method, path, status, duration. Query values are left out (OAuth codes and
 * tokens travel there); only the parameter names are logged. A 5xx line carries the error.
 * While the request runs, its credentials (Authorization, Cookie, signature headers, token-like query
 * values) are redacted from every log line, even where a handler quotes them bare.
 */
export function requestLogging(logger: Logger): MiddlewareHandler<RequestLogEnv> {
  return (c, next) => withScopedSecrets(requestSecrets(c.req.raw), () => logRequest(c, next));

  async function logRequest(c: Context<RequestLogEnv>, next: Next): Promise<void> {
    const started = performance.now();
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', log);
    let thrown: unknown;
    try {
      await next();
    } catch (error) {
      // Only reached when no onError handled it; log it here, and let Hono answer as usual.
      thrown = error;
      throw error;
    } finally {
      const status = thrown === undefined ? c.res.status : 500;
      const error = thrown ?? c.error;
      const queryKeys = [...new Set(new URL(c.req.url).searchParams.keys())];
      const line = {
        method: c.req.method,
        path: c.req.path,
        ...(queryKeys.length > 0 ? { queryKeys } : {}),
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        ...(isRowbridgeError(error) ? { code: error.code } : {}),
        ...(status >= 500 && error !== undefined ? { err: error } : {}),
      };
      if (status >= 500) log.error(line, 'request failed');
      else log.info(line, 'request');
      if (thrown === undefined) c.header(REQUEST_ID_HEADER, requestId);
    }
  }
}

const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key'];
const SECRET_QUERY = /token|secret|password|code|key/i;

/**
 * The request's own credentials, also in the pieces handlers pass around (the token without "Bearer ",
 * each cookie value), so an error message quoting one bare is still redacted while the request runs.
 */
function requestSecrets(request: Request): string[] {
  const values: string[] = [];
  for (const [name, value] of request.headers) {
    if (!SECRET_HEADERS.includes(name) && !name.startsWith('x-hubspot-signature')) continue;
    values.push(value, value.replace(/^\S+\s+/, ''));
    if (name === 'cookie') {
      for (const pair of value.split(';')) values.push(pair.trim(), pair.slice(pair.indexOf('=') + 1).trim());
    }
  }
  for (const [name, value] of new URL(request.url).searchParams)
    if (SECRET_QUERY.test(name)) values.push(value);
  return values;
}

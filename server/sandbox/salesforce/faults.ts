import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import type { Env } from './core.ts';

/** Which requests a fault applies to: a path prefix or pattern, and optionally a method. */
export interface FaultMatch {
  readonly path?: string | RegExp;
  readonly method?: string;
}

export interface LimitFault extends FaultMatch {
  /** 403 `REQUEST_LIMIT_EXCEEDED` is what Salesforce answers; 429 is offered for clients' generic paths. */
  readonly status?: 403 | 429;
  /** Salesforce sends no `Retry-After`; tests of a client's Retry-After handling can ask for one. */
  readonly retryAfterSeconds?: number;
}

/** Faults switched on from tests; they live in memory, per sandbox instance. */
export interface SandboxFaults {
  /** The next `count` matching requests answer `status` (default 503) with a Salesforce error body. */
  fail5xx(count: number, options?: FaultMatch & { readonly status?: 500 | 502 | 503 | 504 }): void;
  /** Every request waits `ms` before it is handled (0 turns it off). */
  latency(ms: number): void;
  /** The next `count` matching requests answer `REQUEST_LIMIT_EXCEEDED`, whatever the real usage. */
  forceLimit(count: number, options?: LimitFault): void;
  /** Every access token issued so far expires now: the next call with one gets 401 `INVALID_SESSION_ID`. */
  expireTokens(): void;
  /**
   * Lets `calls` matching requests through, then expires every token issued so far (once): a token that
   * runs out in the middle of a job, between two of its calls.
   */
  expireTokensAfter(calls: number, options?: FaultMatch): void;
  /** The consent page refuses (`error=access_denied`) while on. */
  denyConsent(on: boolean): void;
  /** How many faults have been served so far: tests check that the fault they set up really happened. */
  served(): FaultsServed;
  /** Turns every fault off (the served counts stay). */
  reset(): void;
}

export interface FaultsServed {
  readonly serverErrors: number;
  readonly rateLimits: number;
  readonly tokenExpiries: number;
}

interface Pending {
  remaining: number;
  readonly match: FaultMatch;
  readonly kind: 'serverErrors' | 'rateLimits';
  readonly answer: () => Response;
}

function applies(match: FaultMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.startsWith(match.path) : match.path.test(path);
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
  });

/** The fault switches and the middleware that applies them (before authentication and API counting). */
export function createFaults(expireTokens: () => void): {
  faults: SandboxFaults;
  middleware: MiddlewareHandler<Env>;
  consent: { deny: boolean };
} {
  let pending: Pending[] = [];
  let delayMs = 0;
  let expiry: { remaining: number; readonly match: FaultMatch } | undefined;
  const served = { serverErrors: 0, rateLimits: 0, tokenExpiries: 0 };
  const consent = { deny: false };
  const faults: SandboxFaults = {
    fail5xx(count, options = {}) {
      const status = options.status ?? 503;
      const body =
        status === 503
          ? [
              {
                errorCode: 'SERVER_UNAVAILABLE',
                message: 'Server is temporarily unavailable. Try again later.',
              },
            ]
          : [
              {
                errorCode: 'UNKNOWN_EXCEPTION',
                message:
                  'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
              },
            ];
      pending.push({
        remaining: count,
        match: options,
        kind: 'serverErrors',
        answer: () => json(status, body),
      });
    },
    latency(ms) {
      delayMs = Math.max(0, ms);
    },
    forceLimit(count, options = {}) {
      const headers: Record<string, string> =
        options.retryAfterSeconds === undefined ? {} : { 'retry-after': String(options.retryAfterSeconds) };
      const body = [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }];
      pending.push({
        remaining: count,
        match: options,
        kind: 'rateLimits',
        answer: () => json(options.status ?? 403, body, headers),
      });
    },
    expireTokens,
    expireTokensAfter(calls, options = {}) {
      expiry = { remaining: calls, match: options };
    },
    denyConsent(on) {
      consent.deny = on;
    },
    served: () => ({ ...served }),
    reset() {
      pending = [];
      delayMs = 0;
      expiry = undefined;
      consent.deny = false;
    },
  };
  const middleware: MiddlewareHandler<Env> = async (c, next) => {
    if (delayMs > 0) await sleep(delayMs);
    if (expiry && applies(expiry.match, c.req.method, c.req.path)) {
      if (expiry.remaining === 0) {
        expiry = undefined;
        served.tokenExpiries += 1;
        expireTokens();
      } else expiry.remaining -= 1;
    }
    const fault = pending.find((p) => p.remaining > 0 && applies(p.match, c.req.method, c.req.path));
    if (!fault) return next();
    fault.remaining -= 1;
    pending = pending.filter((p) => p.remaining > 0);
    served[fault.kind] += 1;
    return fault.answer();
  };
  return { faults, middleware, consent };
}

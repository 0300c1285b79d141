import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import type { Env } from './core.ts';
import { GoogleApiError } from './errors.ts';
import { quotaExceeded } from './quota.ts';

/** Which requests a fault applies to: a path prefix or pattern, and optionally a method. */
export interface FaultMatch {
  readonly path?: string | RegExp;
  readonly method?: string;
}

/** Faults switched on from tests; they live in memory, per sandbox instance. */
export interface SandboxFaults {
  /** The next `count` matching requests answer `status` (default 503) with Google's error envelope. */
  fail5xx(count: number, options?: FaultMatch & { readonly status?: 500 | 502 | 503 | 504 }): void;
  /**
   * The next `count` matching requests answer 403 PERMISSION_DENIED, as when the spreadsheet is no longer
   * shared with the caller: a failure no client retries (what a crash between two writes looks like).
   */
  deny(count: number, options?: FaultMatch): void;
  /** Every request waits `ms` of real time before it is handled (0 turns it off). */
  latency(ms: number): void;
  /**
   * The next `count` matching requests answer 429 RESOURCE_EXHAUSTED (the per-user write quota's body),
   * whatever the real budget; with `retryAfterSeconds` also a `Retry-After` header, which Google does not
   * document but a client should honour.
   */
  force429(count: number, options?: FaultMatch & { readonly retryAfterSeconds?: number }): void;
  /** How many faults have been served so far, by kind: tests check that theirs really happened. */
  served(): { readonly serverErrors: number; readonly denials: number; readonly rateLimits: number };
  /** Turns every fault off (the served counts stay). */
  reset(): void;
}

interface Pending {
  remaining: number;
  readonly match: FaultMatch;
  readonly kind: 'serverErrors' | 'denials' | 'rateLimits';
  readonly make: () => GoogleApiError;
}

function applies(match: FaultMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.startsWith(match.path) : match.path.test(path);
}

// Google's canonical texts for these codes (https://cloud.google.com/apis/design/errors#handling_errors).
const SERVER_ERRORS = {
  500: ['INTERNAL', 'Internal error encountered.'],
  502: ['UNAVAILABLE', 'Bad Gateway'],
  503: ['UNAVAILABLE', 'The service is currently unavailable.'],
  504: ['DEADLINE_EXCEEDED', 'The request timed out. Please try again.'],
} as const;

/** The fault switches and the middleware that applies them (before auth and quotas). */
export function createFaults(): { faults: SandboxFaults; middleware: MiddlewareHandler<Env> } {
  let pending: Pending[] = [];
  let delayMs = 0;
  const served = { serverErrors: 0, denials: 0, rateLimits: 0 };
  const faults: SandboxFaults = {
    fail5xx(count, options = {}) {
      const [status, message] = SERVER_ERRORS[options.status ?? 503];
      pending.push({
        remaining: count,
        match: options,
        kind: 'serverErrors',
        make: () => new GoogleApiError(options.status ?? 503, status, message),
      });
    },
    deny(count, options = {}) {
      pending.push({
        remaining: count,
        match: options,
        kind: 'denials',
        make: () => new GoogleApiError(403, 'PERMISSION_DENIED', 'The caller does not have permission'),
      });
    },
    latency(ms) {
      delayMs = Math.max(0, ms);
    },
    force429(count, options = {}) {
      const seconds = options.retryAfterSeconds;
      pending.push({
        remaining: count,
        match: options,
        kind: 'rateLimits',
        make: () => {
          const base = quotaExceeded('write', 'user', 60);
          if (seconds === undefined) return base;
          return new GoogleApiError(429, base.status, base.message, {
            ...base.extra,
            headers: { 'retry-after': String(seconds) },
          });
        },
      });
    },
    served: () => ({ ...served }),
    reset() {
      pending = [];
      delayMs = 0;
    },
  };
  const middleware: MiddlewareHandler<Env> = async (c, next) => {
    if (delayMs > 0) await sleep(delayMs);
    const fault = pending.find((p) => p.remaining > 0 && applies(p.match, c.req.method, c.req.path));
    if (!fault) return next();
    fault.remaining -= 1;
    pending = pending.filter((p) => p.remaining > 0);
    served[fault.kind] += 1;
    throw fault.make();
  };
  return { faults, middleware };
}

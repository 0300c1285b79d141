import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import type { Env } from './core.ts';
import { tenSecondlyBody } from './rate-limit.ts';

/** Which requests a fault applies to: a path prefix or pattern, and optionally a method. */
export interface FaultMatch {
  readonly path?: string | RegExp;
  readonly method?: string;
}

/** Faults switched on from tests; they live in memory, per sandbox instance. */
export interface SandboxFaults {
  /** The next `count` matching requests answer `status` (default 503) with a HubSpot-style error body. */
  fail5xx(count: number, options?: FaultMatch & { readonly status?: 500 | 502 | 503 | 504 }): void;
  /** Every request waits `ms` before it is handled (0 turns it off). */
  latency(ms: number): void;
  /** The next `count` matching requests answer 429 `TEN_SECONDLY_ROLLING`, whatever the real budget. */
  force429(count: number, options?: FaultMatch): void;
  /** Every OAuth access token issued so far expires now: the next call with one gets 401. */
  expireTokens(): void;
  /**
   * Lets `calls` matching requests through, then expires every token issued so far (once): a token that
   * runs out in the middle of a job, between two of its calls.
   */
  expireTokensAfter(calls: number, options?: FaultMatch): void;
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
  readonly answer: 'fail' | '429';
  readonly status: 500 | 502 | 503 | 504;
}

function applies(match: FaultMatch, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path === undefined) return true;
  return typeof match.path === 'string' ? path.startsWith(match.path) : match.path.test(path);
}

const MESSAGES: Record<number, string> = {
  500: 'internal error',
  502: 'Bad Gateway',
  503: 'Service Unavailable. Please try again later.',
  504: 'gateway timeout',
};

/** The fault switches and the middleware that applies them (before auth and rate limits). */
export function createFaults(expireTokens: () => void): {
  faults: SandboxFaults;
  middleware: MiddlewareHandler<Env>;
} {
  let pending: Pending[] = [];
  let delayMs = 0;
  let expiry: { remaining: number; readonly match: FaultMatch } | undefined;
  const served = { serverErrors: 0, rateLimits: 0, tokenExpiries: 0 };
  const faults: SandboxFaults = {
    fail5xx(count, options = {}) {
      pending.push({ remaining: count, match: options, answer: 'fail', status: options.status ?? 503 });
    },
    latency(ms) {
      delayMs = Math.max(0, ms);
    },
    force429(count, options = {}) {
      pending.push({ remaining: count, match: options, answer: '429', status: 503 });
    },
    expireTokens,
    expireTokensAfter(calls, options = {}) {
      expiry = { remaining: calls, match: options };
    },
    served: () => ({ ...served }),
    reset() {
      pending = [];
      delayMs = 0;
      expiry = undefined;
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
    if (fault.answer === '429') {
      served.rateLimits += 1;
      return c.json(tenSecondlyBody(), 429);
    }
    served.serverErrors += 1;
    const category = fault.status === 500 ? 'INTERNAL_ERROR' : 'SERVICE_UNAVAILABLE';
    return c.json(
      { status: 'error', message: MESSAGES[fault.status], correlationId: randomUUID(), category },
      fault.status,
    );
  };
  return { faults, middleware };
}

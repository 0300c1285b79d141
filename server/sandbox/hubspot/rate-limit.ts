import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { Core, Env } from './core.ts';

export interface RateLimitOptions {
  /** Requests per token per rolling 10 seconds (HubSpot: 100 for OAuth apps and Free/Starter portals). */
  readonly perTenSeconds?: number;
  /** Search requests per token per rolling second (HubSpot: five). */
  readonly searchPerSecond?: number;
}

const TEN_SECONDS = 10_000;
const DAILY = 250_000;

/** Hits per key within a rolling window. */
class RollingWindow {
  readonly #hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Requests still allowed for `key` now. */
  remaining(key: string, now: number): number {
    const hits = (this.#hits.get(key) ?? []).filter((at) => at > now - this.windowMs);
    this.#hits.set(key, hits);
    return Math.max(0, this.limit - hits.length);
  }

  hit(key: string, now: number): void {
    const hits = this.#hits.get(key);
    if (hits) hits.push(now);
    else this.#hits.set(key, [now]);
  }
}

/**
 * The body of HubSpot's 429 for the ten-second limit; the SDK's retry decorator recognises `policyName`.
 * https://developers.hubspot.com/docs/developer-tooling/platform/usage-guidelines#rate-limits
 */
export function tenSecondlyBody() {
  return {
    status: 'error',
    message: 'You have reached your ten_secondly_rolling limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: 'TEN_SECONDLY_ROLLING',
  };
}

/** The search endpoints' per-second limit; the SDK retries on exactly this message. */
function secondlyBody() {
  return {
    status: 'error',
    message: 'You have reached your secondly limit.',
    errorType: 'RATE_LIMIT',
    correlationId: randomUUID(),
    policyName: 'SECONDLY',
  };
}

function limitHeaders(c: Context, max: number, remaining: number): void {
  c.header('X-HubSpot-RateLimit-Interval-Milliseconds', String(TEN_SECONDS));
  c.header('X-HubSpot-RateLimit-Max', String(max));
  c.header('X-HubSpot-RateLimit-Remaining', String(remaining));
}

/**
 * Per-token rate limits for the CRM API: a rolling ten-second window (429 `TEN_SECONDLY_ROLLING`) and a
 * per-second window for search requests (429 "You have reached your secondly limit."). Answers carry
 * `X-HubSpot-RateLimit-*` headers; private app tokens also get the daily ones (HubSpot leaves those out for
 * OAuth tokens). A refused request does not count against the window. No `Retry-After` is sent: HubSpot
 * does not document one for API rate limits.
 */
export function rateLimit(core: Core, options: RateLimitOptions): MiddlewareHandler<Env> {
  const tenSecondly = new RollingWindow(options.perTenSeconds ?? 100, TEN_SECONDS);
  const secondly = new RollingWindow(options.searchPerSecond ?? 5, 1000);
  const daily = new Map<string, { day: number; count: number }>();
  return async (c, next) => {
    const { token, kind } = c.get('token');
    const now = core.now();
    const remaining = tenSecondly.remaining(token, now);
    if (remaining === 0) {
      limitHeaders(c, tenSecondly.limit, 0);
      return c.json(tenSecondlyBody(), 429);
    }
    const isSearch = c.req.method === 'POST' && c.req.path.endsWith('/search');
    if (isSearch && secondly.remaining(token, now) === 0) return c.json(secondlyBody(), 429);
    tenSecondly.hit(token, now);
    if (isSearch) secondly.hit(token, now);
    const day = Math.floor(now / 86_400_000);
    const today = daily.get(token)?.day === day ? (daily.get(token) ?? { day, count: 0 }) : { day, count: 0 };
    today.count += 1;
    daily.set(token, today);
    await next();
    limitHeaders(c, tenSecondly.limit, remaining - 1);
    if (kind === 'private') {
      c.header('X-HubSpot-RateLimit-Daily', String(DAILY));
      c.header('X-HubSpot-RateLimit-Daily-Remaining', String(Math.max(0, DAILY - today.count)));
    }
  };
}

import type { RateLimit } from './provider-schema.ts';

/**
 * Decides when a connection's next request may go out. The request runner asks it before every attempt.
 *
 * Seam: DESIGN.md wants these buckets shared across companion instances through the database (keyed by
 * connection), so that adding instances never multiplies a vendor quota. `localRateLimiter` keeps them in
 * this process only; a database-backed limiter implements this same interface and is passed to
 * `createRequestRunner({ limiter })`.
 */
export interface RateLimiter {
  /** Reserves one request under every rule that applies to `path`; resolves when it may be sent. Returns ms waited. */
  acquire(path: string): Promise<number>;
}

export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

interface Bucket {
  readonly pattern: RegExp | undefined;
  readonly capacity: number;
  /** Tokens per millisecond. */
  readonly rate: number;
  tokens: number;
  at: number;
}

/**
 * Token buckets, one per rule. A bucket holds `burst` tokens and refills at `(requests − burst) / perSeconds`,
 * so even a rolling window (HubSpot's `TEN_SECONDLY_ROLLING`) never sees more than `requests`.
 * Requests reserve a token up front (the count may go negative) and wait off the debt, which serves
 * concurrent callers first come, first served.
 */
export function localRateLimiter(rules: readonly RateLimit[], clock: LimiterClock): RateLimiter {
  const start = clock.now();
  const buckets: Bucket[] = rules.map((rule) => {
    const burst = Math.min(rule.burst ?? Math.max(1, Math.floor(rule.requests / 10)), rule.requests);
    // With burst == requests the refill would be 0: keep one request per window at least.
    const refill = Math.max(rule.requests - burst, 1);
    return {
      pattern: rule.pathPattern === undefined ? undefined : new RegExp(rule.pathPattern),
      capacity: burst,
      rate: refill / (rule.perSeconds * 1000),
      tokens: burst,
      at: start,
    };
  });
  return {
    async acquire(path) {
      const now = clock.now();
      let wait = 0;
      for (const bucket of buckets) {
        if (bucket.pattern && !bucket.pattern.test(path)) continue;
        bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (now - bucket.at) * bucket.rate);
        bucket.at = now;
        bucket.tokens -= 1;
        if (bucket.tokens < 0) wait = Math.max(wait, -bucket.tokens / bucket.rate);
      }
      if (wait > 0) await clock.sleep(Math.ceil(wait));
      return wait > 0 ? Math.ceil(wait) : 0;
    },
  };
}

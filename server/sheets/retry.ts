import { retryAfterMs, retryDelay } from '../connectors/backoff.ts';
import { describeFailure, type GoogleFailure, isRetryable, sheetsError } from './google-error.ts';

/** Time for waits: real by default, virtual in tests (`server/connectors/virtual-clock.ts` fits). */
export interface WriterClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Jitter in [0, 1). */
  readonly random: () => number;
}

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the call fails `rate_limited` for the job to retry. */
  readonly maxRetryAfterMs: number;
}

/**
 * Sheets quotas are per minute, so backoff starts at 1 s and doubles to 60 s: eight attempts wait 61-123 s
 * in all, past the next quota minute, as Google advises ("use an exponential backoff algorithm",
 * https://developers.google.com/sheets/api/limits).
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 120_000,
};

/** What a retried call reports, e.g. for metrics. */
export interface RetryHooks {
  /** Before each wait: the failure and the wait chosen. */
  readonly onRetry?: (failure: GoogleFailure, waitMs: number) => void;
  /**
   * Before a retry after a failure that may have been applied (a 5xx or no answer): lets a non-idempotent
   * call check first (an append re-reads IDs so it never adds a row twice).
   */
  readonly beforeUncertainRetry?: () => Promise<void>;
}

/**
 * Runs a googleapis call, retrying 429s (after Retry-After when given, else backoff with jitter) and 5xx or
 * network failures (backoff with jitter). Throws a `RowbridgeError` (`rate_limited`, `sheets_unavailable`,
 * `sheets_access_denied`, `sheet_not_found`, `sheets_rejected`) naming `what` when it gives up.
 */
export async function withRetry<T>(
  what: string,
  call: () => Promise<T>,
  options: { readonly clock: WriterClock; readonly policy: RetryPolicy; readonly hooks?: RetryHooks },
): Promise<T> {
  const { clock, policy, hooks } = options;
  for (let attempt = 1; ; attempt += 1) {
    let failure: GoogleFailure;
    try {
      return await call();
    } catch (error) {
      failure = describeFailure(error);
    }
    if (!isRetryable(failure) || attempt >= policy.maxAttempts) throw sheetsError(failure, what);
    const asked = failure.status === 429 ? retryAfterMs(failure.retryAfter, clock.now()) : undefined;
    if (asked !== undefined && asked > policy.maxRetryAfterMs) throw sheetsError(failure, what);
    const wait = asked ?? retryDelay(attempt, policy, clock.random);
    hooks?.onRetry?.(failure, wait);
    await clock.sleep(wait);
    if (failure.status !== 429) await hooks?.beforeUncertainRetry?.();
  }
}

/** Real time: `setTimeout` and `Math.random`. */
export const REAL_CLOCK: WriterClock = {
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

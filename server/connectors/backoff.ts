/**
 * Delay before retry number `retry` (1-based): exponential, capped, with "equal jitter" (half fixed, half
 * random), so workers that failed together do not retry together, yet each wait stays at least half the
 * exponential step.
 */
export function retryDelay(
  retry: number,
  policy: { readonly baseDelayMs: number; readonly maxDelayMs: number },
  random: () => number,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds (`"3"`, `"1.5"`) or an HTTP date
 * (RFC 9110 §10.2.3). `undefined` when absent or unreadable; never negative.
 */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

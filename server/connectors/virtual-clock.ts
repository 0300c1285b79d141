/**
 * Time for tests of code that waits (backoff, Retry-After, rate limits): `sleep` records the wait and
 * moves `now` forward at once, so a suite asserts "waited at least 3 s" without waiting.
 */
export interface VirtualClock {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Every wait asked for, in order. */
  readonly sleeps: number[];
  /** Fixed jitter, so backoff waits are reproducible. */
  readonly random: () => number;
}

export function virtualClock(start = Date.UTC(2025, 0, 1)): VirtualClock {
  let time = start;
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += Math.max(0, ms);
    },
    sleeps,
    random: () => 0.5,
  };
}

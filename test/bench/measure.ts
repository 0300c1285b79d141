/** One benchmark figure: what was measured, and what it is compared against in the same run. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly compare?: string;
  /** The figures `compare` names, measured or computed in the same run, for bench/results.json. */
  readonly against?: Readonly<Record<string, number>>;
  /** A breakdown (requests by endpoint, per-kind latencies) kept in bench/results.json only. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** Median wall time of `runs` calls after one warm-up call, plus the cold (first) time. */
export function time(fn: () => unknown, runs = 5): { coldMs: number; medianMs: number } {
  const start = performance.now();
  fn();
  const coldMs = performance.now() - start;
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { coldMs, medianMs: samples[Math.floor(samples.length / 2)] ?? coldMs };
}

/** Runs `fn` while sampling heap use, returning the peak above the starting heap and the peak RSS. */
export async function peakHeap<T>(fn: () => T): Promise<{ result: T; peakMb: number; peakRssMb: number }> {
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let peakRss = process.memoryUsage().rss;
  const sample = () => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.heapUsed);
    peakRss = Math.max(peakRss, now.rss);
  };
  // A synchronous `fn` blocks this timer, so the final sample after it matters most.
  const timer = setInterval(sample, 5);
  // Let the sampler start before the synchronous work blocks the event loop.
  await new Promise((resolve) => setTimeout(resolve, 10));
  const result = fn();
  sample();
  clearInterval(timer);
  return { result, peakMb: (peak - base) / 1024 / 1024, peakRssMb: peakRss / 1024 / 1024 };
}

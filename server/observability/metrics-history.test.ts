import { describe, expect, it } from 'vitest';
import { createMetrics, WEBHOOK_TO_SHEET_BUCKETS } from './metrics.ts';
import {
  bucketQuantile,
  createMetricsHistory,
  type MetricSnapshot,
  seriesOf,
  takeSnapshot,
} from './metrics-history.ts';
import { RingBuffer } from './ring-buffer.ts';

describe('RingBuffer', () => {
  it('keeps the newest items, oldest first, once it wraps around', () => {
    const buffer = new RingBuffer<number>(3);
    expect(buffer.toArray()).toEqual([]);
    buffer.push(1);
    buffer.push(2);
    expect(buffer.toArray()).toEqual([1, 2]);
    for (const n of [3, 4, 5]) buffer.push(n);
    expect(buffer.toArray()).toEqual([3, 4, 5]);
    expect(buffer.size).toBe(3);
    buffer.push(6);
    expect(buffer.toArray()).toEqual([4, 5, 6]);
  });

  it('refuses a capacity below one', () => {
    expect(() => new RingBuffer(0)).toThrow(/at least 1/);
    expect(() => new RingBuffer(1.5)).toThrow(/at least 1/);
  });
});

describe('bucketQuantile', () => {
  const bounds = [1, 2, 4];
  it('interpolates inside the bucket that holds the rank', () => {
    // 10 observations: 4 at or under 1 s, 8 at or under 2 s, all 10 at or under 4 s.
    expect(bucketQuantile(0.5, bounds, [4, 8, 10, 10])).toBeCloseTo(1.25);
    expect(bucketQuantile(0.2, bounds, [4, 8, 10, 10])).toBeCloseTo(0.5);
    expect(bucketQuantile(0.9, bounds, [4, 8, 10, 10])).toBeCloseTo(3);
  });

  it('is null without observations and the largest bound past it', () => {
    expect(bucketQuantile(0.5, bounds, [0, 0, 0, 0])).toBeNull();
    expect(bucketQuantile(0.99, bounds, [0, 0, 1, 10])).toBe(4);
  });
});

function snapshot(at: number, patch: Partial<MetricSnapshot>): MetricSnapshot {
  return {
    at,
    synced: {},
    failed: {},
    failuresByCode: [],
    apiCalls: {},
    apiErrors: {},
    apiErrorsByCode: [],
    rateLimitWaits: {},
    rateLimitWaitSeconds: {},
    latencyBuckets: {},
    queueDepth: {},
    ...patch,
  };
}

describe('seriesOf', () => {
  it('turns counters into per-interval increases, aligned by time, with CRMs that appear later', () => {
    const series = seriesOf([
      snapshot(0, { synced: { hubspot: 5 }, queueDepth: { export: 2 } }),
      snapshot(10, { synced: { hubspot: 12 }, queueDepth: { export: 7 } }),
      snapshot(20, { synced: { hubspot: 12, salesforce: 3 }, queueDepth: {} }),
      // The process restarted: the counter starts from zero again.
      snapshot(30, { synced: { hubspot: 2, salesforce: 4 }, queueDepth: { export: 0 } }),
    ]);
    expect(series.at).toEqual([10, 20, 30]);
    expect(series.synced).toEqual({ hubspot: [7, 0, 2], salesforce: [0, 3, 1] });
    expect(series.queueDepth).toEqual({ export: [7, null, 0] });
  });

  it('gives webhook-to-sheet quantiles per interval, null where nothing arrived', () => {
    const zeros = WEBHOOK_TO_SHEET_BUCKETS.map(() => 0);
    const allAt = (count: number, fromBound: number) => [
      ...WEBHOOK_TO_SHEET_BUCKETS.map((bound) => (bound >= fromBound ? count : 0)),
      count,
    ];
    const series = seriesOf([
      snapshot(0, { latencyBuckets: { hubspot: [...zeros, 0] } }),
      // Two webhooks in the first interval, both between 0.5 s and 1 s.
      snapshot(10, { latencyBuckets: { hubspot: allAt(2, 1) } }),
      snapshot(20, { latencyBuckets: { hubspot: allAt(2, 1) } }),
    ]);
    const [first, second] = series.latencyP50.hubspot ?? [];
    expect(first).toBeGreaterThan(0.5);
    expect(first).toBeLessThanOrEqual(1);
    expect(second).toBeNull();
  });

  it('is empty with fewer than two snapshots', () => {
    expect(seriesOf([snapshot(0, { synced: { hubspot: 1 } })]).at).toEqual([]);
  });
});

describe('takeSnapshot and createMetricsHistory', () => {
  it('reads the registry: per-CRM sums, codes, histogram buckets and queue depth', async () => {
    const metrics = createMetrics({
      defaultMetrics: false,
      queueStats: () => [{ queue: 'export', depth: 4, oldestAgeSeconds: 1 }],
    });
    metrics.recordSynced('hubspot', 'sheet_to_crm', 3);
    metrics.recordSynced('hubspot', 'crm_to_sheet', 2);
    metrics.recordSyncFailure('hubspot', 'invalid_input');
    metrics.recordApiCall('salesforce', 'query');
    metrics.recordApiError('salesforce', 'rate_limited');
    metrics.recordRateLimitWait('salesforce', 1.5);
    metrics.observeWebhookToSheet('hubspot', 0.3);
    const taken = await takeSnapshot(metrics.registry, 42);
    expect(taken).toMatchObject({
      at: 42,
      synced: { hubspot: 5 },
      failed: { hubspot: 1 },
      failuresByCode: [{ crm: 'hubspot', code: 'invalid_input', count: 1 }],
      apiCalls: { salesforce: 1 },
      apiErrorsByCode: [{ crm: 'salesforce', code: 'rate_limited', count: 1 }],
      rateLimitWaits: { salesforce: 1 },
      rateLimitWaitSeconds: { salesforce: 1.5 },
      queueDepth: { export: 4 },
    });
    const buckets = taken.latencyBuckets.hubspot ?? [];
    expect(buckets).toHaveLength(WEBHOOK_TO_SHEET_BUCKETS.length + 1);
    expect(buckets[WEBHOOK_TO_SHEET_BUCKETS.indexOf(0.25)]).toBe(0);
    expect(buckets[WEBHOOK_TO_SHEET_BUCKETS.indexOf(0.5)]).toBe(1);
  });

  it('keeps a bounded window of samples and reads them with a live one at the end', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    let clock = 0;
    const history = createMetricsHistory(metrics, { intervalMs: 10, windowMs: 30, now: () => clock });
    for (let i = 0; i < 6; i += 1) {
      metrics.recordSynced('hubspot', 'sheet_to_crm', 1);
      clock += 10;
      await history.sample();
    }
    metrics.recordSynced('hubspot', 'sheet_to_crm', 5);
    clock += 3;
    const read = await history.read();
    // 30 ms of 10 ms samples: 4 stored (both ends of the window), then the live one.
    expect(read.map((s) => s.at)).toEqual([30, 40, 50, 60, 63]);
    expect(seriesOf(read).synced.hubspot).toEqual([1, 1, 1, 5]);
  });

  it('skips a sample that fails and reports why', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const errors: unknown[] = [];
    const history = createMetricsHistory(metrics, {
      now: () => {
        throw new Error('clock broke');
      },
      onError: (error) => errors.push(error),
    });
    await history.sample();
    expect(errors).toEqual([expect.objectContaining({ message: 'clock broke' })]);
  });
});

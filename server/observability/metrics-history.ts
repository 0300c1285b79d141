import type { Registry } from 'prom-client';
import type { Metrics } from './metrics.ts';
import { WEBHOOK_TO_SHEET_BUCKETS } from './metrics.ts';
import { RingBuffer } from './ring-buffer.ts';

/** One error code's running count for one CRM. */
export interface CodeCount {
  readonly crm: string;
  readonly code: string;
  readonly count: number;
}

/**
 * The companion's counters at one moment, summed to what the dashboard draws: per CRM (directions and
 * operations added up), per queue, and the webhook-to-sheet histogram's cumulative bucket counts.
 */
export interface MetricSnapshot {
  /** Epoch ms. */
  readonly at: number;
  readonly synced: Readonly<Record<string, number>>;
  readonly failed: Readonly<Record<string, number>>;
  readonly failuresByCode: readonly CodeCount[];
  readonly apiCalls: Readonly<Record<string, number>>;
  readonly apiErrors: Readonly<Record<string, number>>;
  readonly apiErrorsByCode: readonly CodeCount[];
  readonly rateLimitWaits: Readonly<Record<string, number>>;
  readonly rateLimitWaitSeconds: Readonly<Record<string, number>>;
  /** Per CRM: cumulative counts at each bound of `WEBHOOK_TO_SHEET_BUCKETS`, then +Inf (the total). */
  readonly latencyBuckets: Readonly<Record<string, readonly number[]>>;
  /** Jobs waiting or running per queue; a queue missing here could not be read at that moment. */
  readonly queueDepth: Readonly<Record<string, number>>;
}

/**
 * What happened between consecutive snapshots: `at[i]` ends interval i, and every other array is
 * aligned with it. Counts are per interval (not per second), so a chart reads "records in 10 s".
 */
export interface MetricSeries {
  readonly at: number[];
  readonly synced: Record<string, number[]>;
  readonly failed: Record<string, number[]>;
  readonly apiCalls: Record<string, number[]>;
  readonly apiErrors: Record<string, number[]>;
  readonly rateLimitWaitSeconds: Record<string, number[]>;
  /** Seconds; null where no webhook reached a sheet in that interval. */
  readonly latencyP50: Record<string, (number | null)[]>;
  readonly latencyP99: Record<string, (number | null)[]>;
  /** At the end of each interval; null where the queue could not be read. */
  readonly queueDepth: Record<string, (number | null)[]>;
}

type Values = readonly {
  readonly labels: Partial<Record<string, string | number>>;
  readonly value: number;
}[];

async function valuesOf(registry: Registry, name: string): Promise<Values> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return [];
  const { values } = await metric.get();
  return values as unknown as Values;
}

function sumBy(values: Values, label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const { labels, value } of values) {
    const key = String(labels[label] ?? '');
    out[key] = (out[key] ?? 0) + value;
  }
  return out;
}

function byCode(values: Values): CodeCount[] {
  return values
    .map(({ labels, value }) => ({
      crm: String(labels.crm ?? ''),
      code: String(labels.code ?? ''),
      count: value,
    }))
    .filter((entry) => entry.count > 0);
}

function bucketsBy(values: Values): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const bounds = [...WEBHOOK_TO_SHEET_BUCKETS.map(String), '+Inf'];
  for (const { labels, value } of values) {
    const at = bounds.indexOf(String(labels.le));
    if (at < 0) continue;
    const crm = String(labels.crm ?? '');
    out[crm] ??= bounds.map(() => 0);
    (out[crm] as number[])[at] = value;
  }
  return out;
}

/** Reads the Rowbridge metrics of `registry` (the queue gauges query the queue, as a scrape does). */
export async function takeSnapshot(registry: Registry, at: number): Promise<MetricSnapshot> {
  const [synced, failures, calls, errors, waits, waitSeconds, latency, depth] = await Promise.all(
    [
      'rowbridge_records_synced_total',
      'rowbridge_sync_failures_total',
      'rowbridge_crm_api_calls_total',
      'rowbridge_crm_api_errors_total',
      'rowbridge_rate_limit_waits_total',
      'rowbridge_rate_limit_wait_seconds_total',
      'rowbridge_webhook_to_sheet_seconds',
      'rowbridge_queue_depth',
    ].map((name) => valuesOf(registry, name)),
  );
  const buckets = (latency ?? []).filter((v) => 'le' in v.labels);
  return {
    at,
    synced: sumBy(synced ?? [], 'crm'),
    failed: sumBy(failures ?? [], 'crm'),
    failuresByCode: byCode(failures ?? []),
    apiCalls: sumBy(calls ?? [], 'crm'),
    apiErrors: sumBy(errors ?? [], 'crm'),
    apiErrorsByCode: byCode(errors ?? []),
    rateLimitWaits: sumBy(waits ?? [], 'crm'),
    rateLimitWaitSeconds: sumBy(waitSeconds ?? [], 'crm'),
    latencyBuckets: bucketsBy(buckets),
    queueDepth: sumBy(depth ?? [], 'queue'),
  };
}

/**
 * The `q` quantile (0..1) of a histogram from cumulative bucket counts (one per bound, then +Inf), by
 * linear interpolation inside the bucket as Prometheus' `histogram_quantile` does. Null without
 * observations; the largest bound when the quantile lies in the +Inf bucket.
 */
export function bucketQuantile(
  q: number,
  bounds: readonly number[],
  counts: readonly number[],
): number | null {
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i += 1) {
    const count = counts[i] ?? 0;
    if (count < rank) continue;
    const lower = i === 0 ? 0 : (bounds[i - 1] ?? 0);
    const below = i === 0 ? 0 : (counts[i - 1] ?? 0);
    const inBucket = count - below;
    const upper = bounds[i] ?? lower;
    return inBucket > 0 ? lower + (upper - lower) * ((rank - below) / inBucket) : upper;
  }
  return bounds.at(-1) ?? null;
}

function keysOf(snapshots: readonly MetricSnapshot[], pick: (s: MetricSnapshot) => object): string[] {
  return [...new Set(snapshots.flatMap((s) => Object.keys(pick(s))))].sort();
}

/** Per-interval increase of a counter; a decrease (a counter reset) counts from zero. */
function deltas(
  snapshots: readonly MetricSnapshot[],
  pick: (s: MetricSnapshot) => Readonly<Record<string, number>>,
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const key of keysOf(snapshots, pick)) {
    out[key] = snapshots.slice(1).map((current, i) => {
      const now = pick(current)[key] ?? 0;
      const before = pick(snapshots[i] as MetricSnapshot)[key] ?? 0;
      return now >= before ? now - before : now;
    });
  }
  return out;
}

function latencyQuantiles(
  snapshots: readonly MetricSnapshot[],
  q: number,
): Record<string, (number | null)[]> {
  const out: Record<string, (number | null)[]> = {};
  for (const crm of keysOf(snapshots, (s) => s.latencyBuckets)) {
    out[crm] = snapshots.slice(1).map((current, i) => {
      const now = current.latencyBuckets[crm] ?? [];
      const before = (snapshots[i] as MetricSnapshot).latencyBuckets[crm] ?? [];
      const counts = now.map((count, j) => count - (before[j] ?? 0));
      return bucketQuantile(q, WEBHOOK_TO_SHEET_BUCKETS, counts);
    });
  }
  return out;
}

/** Turns consecutive snapshots (oldest first) into the dashboard's per-interval series. */
export function seriesOf(snapshots: readonly MetricSnapshot[]): MetricSeries {
  const queueDepth: Record<string, (number | null)[]> = {};
  for (const queue of keysOf(snapshots, (s) => s.queueDepth)) {
    queueDepth[queue] = snapshots.slice(1).map((s) => s.queueDepth[queue] ?? null);
  }
  return {
    at: snapshots.slice(1).map((s) => s.at),
    synced: deltas(snapshots, (s) => s.synced),
    failed: deltas(snapshots, (s) => s.failed),
    apiCalls: deltas(snapshots, (s) => s.apiCalls),
    apiErrors: deltas(snapshots, (s) => s.apiErrors),
    rateLimitWaitSeconds: deltas(snapshots, (s) => s.rateLimitWaitSeconds),
    latencyP50: latencyQuantiles(snapshots, 0.5),
    latencyP99: latencyQuantiles(snapshots, 0.99),
    queueDepth,
  };
}

export interface MetricsHistoryOptions {
  /** How often a snapshot is stored. Default 10 s. */
  readonly intervalMs?: number;
  /** How far back snapshots are kept. Default one hour. */
  readonly windowMs?: number;
  readonly now?: () => number;
  /** A failed snapshot is skipped; this hears why. */
  readonly onError?: (error: unknown) => void;
}

/**
 * The last hour of this process's metrics, sampled every `intervalMs` into a ring buffer, for the
 * dashboard. Prometheus keeps real history; this keeps a dashboard useful without one.
 */
export interface MetricsHistory {
  readonly intervalMs: number;
  /** Stores one snapshot now. */
  sample(): Promise<void>;
  /** The stored snapshots, oldest first, followed by one taken now (not stored), so the newest interval shows. */
  read(): Promise<MetricSnapshot[]>;
  /** Samples now and then every `intervalMs`; the timer does not keep the process alive. */
  start(): void;
  stop(): void;
}

export function createMetricsHistory(metrics: Metrics, options: MetricsHistoryOptions = {}): MetricsHistory {
  const intervalMs = options.intervalMs ?? 10_000;
  const now = options.now ?? Date.now;
  const buffer = new RingBuffer<MetricSnapshot>(
    Math.max(2, Math.ceil((options.windowMs ?? 3_600_000) / intervalMs) + 1),
  );
  let timer: NodeJS.Timeout | undefined;
  const sample = async () => {
    try {
      buffer.push(await takeSnapshot(metrics.registry, now()));
    } catch (error) {
      options.onError?.(error);
    }
  };
  return {
    intervalMs,
    sample,
    async read() {
      return [...buffer.toArray(), await takeSnapshot(metrics.registry, now())];
    },
    start() {
      if (timer) return;
      void sample();
      timer = setInterval(() => void sample(), intervalMs).unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CrmId, Direction } from '../../shared/mapping/index.ts';

/** One queue's backlog, as reported by the job queue when Prometheus scrapes. */
export interface QueueStat {
  readonly queue: string;
  /** Jobs waiting or running. */
  readonly depth: number;
  /** Age of the oldest waiting job in seconds; 0 when the queue is empty. */
  readonly oldestAgeSeconds: number;
}

/** What `createMetrics` needs from the rest of the app. */
export interface MetricsOptions {
  /** Read at every scrape; omit until the queue exists (the queue gauges then stay empty). */
  readonly queueStats?: () => readonly QueueStat[] | Promise<readonly QueueStat[]>;
  /** Called when `queueStats` fails; the scrape still succeeds without queue gauges. */
  readonly onQueueStatsError?: (error: unknown) => void;
  /** Node process metrics (CPU, memory, event loop). Default true; tests may turn them off. */
  readonly defaultMetrics?: boolean;
}

/** A sync direction of one record: `both` describes a mapping, never a single write. */
export type SyncDirection = Exclude<Direction, 'both'>;

/**
 * The companion's metrics and the typed helpers that update them. Label values are kept to small sets
 * (CRM ids, error codes, operation names, route patterns): one time series per value, so a record id or
 * raw URL as a label would grow Prometheus without bound.
 */
export interface Metrics {
  readonly registry: Registry;
  recordSynced(crm: CrmId, direction: SyncDirection, count?: number): void;
  recordSyncFailure(crm: CrmId, code: string): void;
  recordApiCall(crm: CrmId, operation: string): void;
  recordApiError(crm: CrmId, code: string): void;
  /** One wait imposed by a CRM's rate limit (a 429 or our own limiter), and how long it lasted. */
  recordRateLimitWait(crm: CrmId, seconds: number): void;
  /** From the CRM's change webhook arriving to the sheet row being written. */
  observeWebhookToSheet(crm: CrmId, seconds: number): void;
  /** `route` is the matched pattern (`/connections/:id`), never the raw path. */
  observeHttpRequest(method: string, route: string, status: number, seconds: number): void;
}

/** Webhook-to-sheet latency spans a fast push (≈0.1 s) to a backed-off retry (a minute). */
export const WEBHOOK_TO_SHEET_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates a fresh registry with every Rowbridge metric (prefix `rowbridge_`) plus Node process metrics.
 * Its own registry, not prom-client's global one, so app instances and tests never collide.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const synced = new Counter({
    name: 'rowbridge_records_synced_total',
    help: 'Records written to a CRM or a sheet by sync.',
    labelNames: ['crm', 'direction'] as const,
    registers,
  });
  const syncFailures = new Counter({
    name: 'rowbridge_sync_failures_total',
    help: 'Records that failed to sync, by error code.',
    labelNames: ['crm', 'code'] as const,
    registers,
  });
  const apiCalls = new Counter({
    name: 'rowbridge_crm_api_calls_total',
    help: 'Requests sent to a CRM API.',
    labelNames: ['crm', 'operation'] as const,
    registers,
  });
  const apiErrors = new Counter({
    name: 'rowbridge_crm_api_errors_total',
    help: 'CRM API requests that failed, by error code.',
    labelNames: ['crm', 'code'] as const,
    registers,
  });
  const rateLimitWaits = new Counter({
    name: 'rowbridge_rate_limit_waits_total',
    help: 'Times a CRM rate limit made sync wait.',
    labelNames: ['crm'] as const,
    registers,
  });
  const rateLimitSeconds = new Counter({
    name: 'rowbridge_rate_limit_wait_seconds_total',
    help: 'Seconds spent waiting on CRM rate limits.',
    labelNames: ['crm'] as const,
    registers,
  });
  const webhookToSheet = new Histogram({
    name: 'rowbridge_webhook_to_sheet_seconds',
    help: 'Time from a CRM change webhook arriving to the sheet row being updated.',
    labelNames: ['crm'] as const,
    buckets: WEBHOOK_TO_SHEET_BUCKETS,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'rowbridge_http_request_duration_seconds',
    help: 'Companion HTTP request duration.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers,
  });
  registerQueueGauges(registry, options);

  return {
    registry,
    recordSynced: (crm, direction, count = 1) => synced.inc({ crm, direction }, count),
    recordSyncFailure: (crm, code) => syncFailures.inc({ crm, code }),
    recordApiCall: (crm, operation) => apiCalls.inc({ crm, operation }),
    recordApiError: (crm, code) => apiErrors.inc({ crm, code }),
    recordRateLimitWait: (crm, seconds) => {
      rateLimitWaits.inc({ crm });
      rateLimitSeconds.inc({ crm }, seconds);
    },
    observeWebhookToSheet: (crm, seconds) => webhookToSheet.observe({ crm }, seconds),
    observeHttpRequest: (method, route, status, seconds) =>
      httpDuration.observe({ method, route, status: String(status) }, seconds),
  };
}

/**
 * Queue depth and oldest-job age, read from `queueStats()` when scraped rather than pushed on every job,
 * so they are exact at scrape time. Both gauges share one call per scrape: prom-client collects metrics
 * concurrently, so the first collect starts the call and the second awaits the same promise.
 */
function registerQueueGauges(registry: Registry, options: MetricsOptions): void {
  const { queueStats, onQueueStatsError } = options;
  let inFlight: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    inFlight ??= (async () => {
      depth.reset();
      age.reset();
      try {
        for (const stat of (await queueStats?.()) ?? []) {
          depth.set({ queue: stat.queue }, stat.depth);
          age.set({ queue: stat.queue }, stat.oldestAgeSeconds);
        }
      } catch (error) {
        // Reset above: no stale numbers. The rest of the scrape is still worth having.
        onQueueStatsError?.(error);
      }
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
  const depth = new Gauge({
    name: 'rowbridge_queue_depth',
    help: 'Jobs waiting or running, per queue.',
    labelNames: ['queue'] as const,
    registers: [registry],
    collect: refresh,
  });
  const age = new Gauge({
    name: 'rowbridge_queue_oldest_job_age_seconds',
    help: 'Age of the oldest waiting job, per queue.',
    labelNames: ['queue'] as const,
    registers: [registry],
    collect: refresh,
  });
}

import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { httpMetrics } from '../observability/http-metrics.ts';
import { createMetrics, type MetricsOptions, type QueueStat } from '../observability/metrics.ts';
import { metricsRoutes } from './metrics.ts';

function appWith(options: MetricsOptions = {}) {
  const metrics = createMetrics({ defaultMetrics: false, ...options });
  const app = new Hono();
  app.use(httpMetrics(metrics));
  app.route('/', metricsRoutes(metrics));
  app.get('/connections/:id', (c) => c.json({ id: c.req.param('id') }));
  const scrape = async () => {
    const response = await app.request('/metrics');
    expect(response.status).toBe(200);
    return { response, text: await response.text() };
  };
  return { metrics, app, scrape };
}

describe('GET /metrics', () => {
  it('serves the Prometheus text format with every Rowbridge metric and its labels', async () => {
    const { metrics, scrape } = appWith();
    metrics.recordSynced('hubspot', 'sheet_to_crm', 3);
    metrics.recordSynced('hubspot', 'crm_to_sheet');
    metrics.recordSyncFailure('salesforce', 'mapping_invalid');
    metrics.recordApiCall('hubspot', 'upsert');
    metrics.recordApiError('hubspot', 'rate_limited');
    metrics.recordRateLimitWait('hubspot', 1.5);
    metrics.recordRateLimitWait('hubspot', 2);
    metrics.observeWebhookToSheet('hubspot', 0.8);
    metrics.observeWebhookToSheet('hubspot', 45);

    const { response, text } = await scrape();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const line of [
      '# TYPE rowbridge_records_synced_total counter',
      'rowbridge_records_synced_total{crm="hubspot",direction="sheet_to_crm"} 3',
      'rowbridge_records_synced_total{crm="hubspot",direction="crm_to_sheet"} 1',
      'rowbridge_sync_failures_total{crm="salesforce",code="mapping_invalid"} 1',
      'rowbridge_crm_api_calls_total{crm="hubspot",operation="upsert"} 1',
      'rowbridge_crm_api_errors_total{crm="hubspot",code="rate_limited"} 1',
      'rowbridge_rate_limit_waits_total{crm="hubspot"} 2',
      'rowbridge_rate_limit_wait_seconds_total{crm="hubspot"} 3.5',
      '# TYPE rowbridge_webhook_to_sheet_seconds histogram',
      'rowbridge_webhook_to_sheet_seconds_bucket{le="0.1",crm="hubspot"} 0',
      'rowbridge_webhook_to_sheet_seconds_bucket{le="1",crm="hubspot"} 1',
      'rowbridge_webhook_to_sheet_seconds_bucket{le="60",crm="hubspot"} 2',
      'rowbridge_webhook_to_sheet_seconds_count{crm="hubspot"} 2',
      '# TYPE rowbridge_queue_depth gauge',
      '# TYPE rowbridge_queue_oldest_job_age_seconds gauge',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('times requests by route pattern, not raw path', async () => {
    const { app, scrape } = appWith();
    await app.request('/connections/c-123');
    await app.request('/connections/c-456');
    await app.request('/no/such/path');
    const { text } = await scrape();
    expect(text).toContain(
      'rowbridge_http_request_duration_seconds_count{method="GET",route="/connections/:id",status="200"} 2',
    );
    expect(text).toContain(
      'rowbridge_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1',
    );
    expect(text).not.toContain('c-123');
  });

  it('reads queue gauges from queueStats at each scrape, with one call per scrape', async () => {
    let stats: QueueStat[] = [
      { queue: 'sheet-to-crm', depth: 12, oldestAgeSeconds: 42.5 },
      { queue: 'crm-to-sheet', depth: 0, oldestAgeSeconds: 0 },
    ];
    const queueStats = vi.fn(async () => stats);
    const { scrape } = appWith({ queueStats });

    const first = (await scrape()).text;
    expect(queueStats).toHaveBeenCalledOnce();
    expect(first).toContain('rowbridge_queue_depth{queue="sheet-to-crm"} 12');
    expect(first).toContain('rowbridge_queue_oldest_job_age_seconds{queue="sheet-to-crm"} 42.5');
    expect(first).toContain('rowbridge_queue_depth{queue="crm-to-sheet"} 0');

    stats = [{ queue: 'sheet-to-crm', depth: 3, oldestAgeSeconds: 1 }];
    const second = (await scrape()).text;
    expect(queueStats).toHaveBeenCalledTimes(2);
    expect(second).toContain('rowbridge_queue_depth{queue="sheet-to-crm"} 3');
    expect(second).not.toContain('queue="crm-to-sheet"');
  });

  it('still answers when queueStats fails, without stale queue numbers', async () => {
    const onQueueStatsError = vi.fn();
    let fail = false;
    const { scrape } = appWith({
      queueStats: () => {
        if (fail) throw new Error('database down');
        return [{ queue: 'sheet-to-crm', depth: 5, oldestAgeSeconds: 9 }];
      },
      onQueueStatsError,
    });
    expect((await scrape()).text).toContain('rowbridge_queue_depth{queue="sheet-to-crm"} 5');
    fail = true;
    const { text } = await scrape();
    expect(onQueueStatsError).toHaveBeenCalledWith(expect.objectContaining({ message: 'database down' }));
    expect(text).not.toContain('queue="sheet-to-crm"');
    expect(text).toContain('# TYPE rowbridge_records_synced_total counter');
  });

  it('includes Node process metrics by default, per registry, so two instances do not collide', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.recordSynced('zoho', 'sheet_to_crm');
    expect(await a.registry.metrics()).toContain('process_cpu_user_seconds_total');
    expect(await b.registry.metrics()).not.toContain('crm="zoho"');
  });
});

import { Hono } from 'hono';
import type { Metrics } from '../observability/metrics.ts';

/**
 * `GET /metrics`: the Prometheus text exposition of the companion's registry. It holds counts and
 * timings only, never record data or credentials; still, expose it to the scraper's network only.
 */
export function metricsRoutes(metrics: Metrics): Hono {
  return new Hono().get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  );
}

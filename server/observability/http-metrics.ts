import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Metrics } from './metrics.ts';

/**
 * Middleware timing every request into `rowbridge_http_request_duration_seconds`, labelled with the
 * matched route pattern (`/connections/:id`) rather than the path, so ids do not become time series.
 * Requests that matched no route share the label `unmatched`: scanners probing random paths stay one
 * series.
 */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    let status = 500;
    try {
      await next();
      status = c.res.status;
    } finally {
      // After next(), the route index points at the last handler that ran; a wildcard there means only
      // middleware matched, i.e. the not-found handler answered.
      const route = routePath(c);
      const label = status === 404 && (route === '' || route.endsWith('*')) ? 'unmatched' : route;
      metrics.observeHttpRequest(c.req.method, label, status, (performance.now() - started) / 1000);
    }
  };
}

import { Hono, type MiddlewareHandler } from 'hono';
import { SUBREQUEST_HEADER } from './composite.ts';
import type { Core, Env } from './core.ts';
import { SalesforceError } from './errors.ts';
import type { SandboxData } from './model.ts';

const HOUR = 3_600_000;

/** API requests in the rolling 24 hours before `now` (hourly buckets; older ones are dropped). */
export function apiRequestsUsed(data: SandboxData, now: number): number {
  const from = Math.floor(now / HOUR) - 23;
  return Object.entries(data.apiUsage).reduce(
    (sum, [hour, count]) => (Number(hour) >= from ? sum + count : sum),
    0,
  );
}

/**
 * Counts every authenticated API request against the org's rolling 24-hour allocation, answers 403
 * `REQUEST_LIMIT_EXCEEDED` ("TotalRequests Limit exceeded.") once it is spent, and reports usage in
 * `Sforce-Limit-Info: api-usage=N/M` as Salesforce does on REST answers.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
 */
export function countApiRequests(core: Core): MiddlewareHandler<Env> {
  return async (c, next) => {
    // A composite call counts once, however many subrequests it carries.
    if (c.req.header(SUBREQUEST_HEADER)) return next();
    const max = core.config.dailyApiRequests;
    const { used, refused } = core.store.write((data) => {
      const now = core.now();
      const spent = apiRequestsUsed(data, now);
      if (spent >= max) return { used: spent, refused: true };
      const hour = Math.floor(now / HOUR);
      for (const key of Object.keys(data.apiUsage)) if (Number(key) < hour - 23) delete data.apiUsage[key];
      data.apiUsage[hour] = (data.apiUsage[hour] ?? 0) + 1;
      return { used: spent + 1, refused: false };
    });
    c.header('Sforce-Limit-Info', `api-usage=${used}/${max}`);
    if (refused) throw new SalesforceError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    await next();
  };
}

/**
 * `GET /limits`: the org's allocations and what is left (`{Max, Remaining}` per limit). Only the API request
 * allocation is counted; the others report their edition defaults untouched.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
 */
export function limitRoutes(core: Core): Hono<Env> {
  const app = new Hono<Env>();
  app.get('/limits', (c) => {
    const max = core.config.dailyApiRequests;
    const used = apiRequestsUsed(core.store.read(), core.now());
    const data = core.store.read();
    const jobs = Object.values(data.bulkJobs).filter(
      (job) => job.createdDate > core.now() - 86_400_000,
    ).length;
    return c.json({
      DailyApiRequests: { Max: max, Remaining: Math.max(0, max - used) },
      DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 - jobs },
      DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
      DataStorageMB: { Max: 5, Remaining: 5 },
      FileStorageMB: { Max: 20, Remaining: 20 },
      SingleEmail: { Max: 15, Remaining: 15 },
    });
  });
  return app;
}

import type { CrmId } from '../../shared/mapping/index.ts';
import type { Metrics } from '../observability/metrics.ts';
import { retryAfterMs, retryDelay } from './backoff.ts';
import { CrmApiError, type CrmErrorCode, genericVendorError, type VendorError } from './crm-error.ts';
import type { RateLimit } from './provider-schema.ts';
import { localRateLimiter, type RateLimiter } from './rate-limit.ts';
import type { TokenSource } from './tokens.ts';

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Safe to send twice (reads, upserts, archives). A 5xx or lost connection is retried only then. */
  readonly idempotent?: boolean;
  /** Sent without the connection's credentials (the OAuth token endpoint). */
  readonly anonymous?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  /** Names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Requests sent (every attempt counts: that is what vendor quotas count). */
export interface ApiCallStats {
  readonly total: number;
  /** Keyed by `METHOD /path/with/:id`. */
  readonly byEndpoint: Readonly<Record<string, number>>;
}

/** The requests made between two readings of a runner's counters (one export's share, say). */
export function callsSince(before: ApiCallStats, after: ApiCallStats): ApiCallStats {
  const byEndpoint: Record<string, number> = {};
  for (const [endpoint, count] of Object.entries(after.byEndpoint)) {
    const delta = count - (before.byEndpoint[endpoint] ?? 0);
    if (delta > 0) byEndpoint[endpoint] = delta;
  }
  return { total: after.total - before.total, byEndpoint };
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RetryPolicy {
  /** Attempts per request for 429s and for 5xx/network errors (counted separately). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the call fails `rate_limited` for the queue to retry. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export interface RunnerOptions {
  readonly crm: CrmId;
  /** For messages: "HubSpot rejected ...". */
  readonly label: string;
  /** The provider's limits; ignored when `limiter` is given. */
  readonly rateLimits?: readonly RateLimit[];
  readonly limiter?: RateLimiter;
  /** Absent for CRMs called with a fixed header (then put it in each request's headers). */
  readonly tokens?: TokenSource;
  /** How a token travels; default `Authorization: Bearer <token>`. */
  readonly authHeaders?: (token: string) => Record<string, string>;
  readonly describeError?: (status: number, body: string) => VendorError;
  readonly retry?: Partial<RetryPolicy>;
  readonly fetch?: FetchLike;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Per attempt. */
  readonly timeoutMs?: number;
  readonly metrics?: Pick<Metrics, 'recordApiCall' | 'recordApiError' | 'recordRateLimitWait'>;
}

/** The one way a connection talks to its CRM. */
export interface RequestRunner {
  /**
   * Sends a request: waits for the rate limiter, retries 429s after `Retry-After` and 5xx/network errors
   * with exponential backoff and jitter, refreshes the token once on 401. Resolves with any 2xx response
   * (207 included); throws `CrmApiError` (`rate_limited`, `crm_unavailable`, `auth_expired`, `crm_rejected`).
   */
  send(request: HttpRequest): Promise<HttpResponse>;
  stats(): ApiCallStats;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Creates a connection's request runner.
 *
 * @example
 * const http = createRequestRunner({ crm: 'hubspot', label: 'HubSpot', rateLimits, tokens });
 * const res = await http.send({ method: 'GET', url: `${base}/crm/v3/objects/contacts`, idempotent: true });
 */
export function createRequestRunner(options: RunnerOptions): RequestRunner {
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? ((url, init) => fetch(url, init));
  const limiter = options.limiter ?? localRateLimiter(options.rateLimits ?? [], { now, sleep });
  const describe = options.describeError ?? ((_status: number, body: string) => genericVendorError(body));
  const authHeaders = options.authHeaders ?? ((token: string) => ({ authorization: `Bearer ${token}` }));
  const byEndpoint: Record<string, number> = {};
  let total = 0;

  const fail = (code: CrmErrorCode, message: string, details: CrmApiError['details']): never => {
    options.metrics?.recordApiError(options.crm, code);
    throw new CrmApiError(code, message, details);
  };

  async function send(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const endpoint = endpointLabel(request.method, url.pathname);
    let limited = 0;
    let failed = 0;
    let refreshed = false;
    for (let attempts = 1; ; attempts += 1) {
      const waited = await limiter.acquire(url.pathname);
      if (waited > 0) options.metrics?.recordRateLimitWait(options.crm, waited / 1000);
      const token = request.anonymous || !options.tokens ? undefined : await options.tokens.current();
      total += 1;
      byEndpoint[endpoint] = (byEndpoint[endpoint] ?? 0) + 1;
      options.metrics?.recordApiCall(options.crm, endpoint);

      let response: HttpResponse;
      try {
        response = await exchange(doFetch, request, token === undefined ? {} : authHeaders(token), options);
      } catch (error) {
        failed += 1;
        if (request.idempotent && failed < policy.maxAttempts) {
          await sleep(retryDelay(failed, policy, random));
          continue;
        }
        const reason = error instanceof Error ? error.message : String(error);
        return fail(
          'crm_unavailable',
          `${options.label} could not be reached (${reason}). Try again later.`,
          {
            endpoint,
            attempts,
          },
        );
      }
      if (response.status >= 200 && response.status < 300) return response;

      const vendor = describe(response.status, response.body);
      const details = { status: response.status, endpoint, attempts, ...vendorCodeOf(vendor) };
      const expired = response.status === 401 || vendor.authExpired === true;
      if (expired && token !== undefined && options.tokens?.refresh && !refreshed) {
        refreshed = true;
        await options.tokens.refresh(token);
        continue;
      }
      if (expired) {
        return fail(
          'auth_expired',
          `${options.label} no longer accepts this connection's credentials (${vendor.message}). Reconnect the account.`,
          details,
        );
      }
      if (response.status === 429 || vendor.rateLimited) {
        limited += 1;
        const asked = retryAfterMs(response.headers['retry-after'], now());
        // Without Retry-After (HubSpot sends none for its own limits) back off from 1 s: four retries then
        // span at least 7.5 s, most of a ten-second rolling window.
        const wait =
          asked ??
          retryDelay(limited, { ...policy, baseDelayMs: Math.max(policy.baseDelayMs, 1000) }, random);
        if (limited < policy.maxAttempts && wait <= policy.maxRetryAfterMs) {
          options.metrics?.recordRateLimitWait(options.crm, wait / 1000);
          await sleep(wait);
          continue;
        }
        return fail(
          'rate_limited',
          `${options.label} rate limit reached (${vendor.message}). Try again later.`,
          {
            ...details,
            retryAfterMs: wait,
          },
        );
      }
      if (response.status >= 500) {
        failed += 1;
        if (request.idempotent && failed < policy.maxAttempts) {
          await sleep(retryDelay(failed, policy, random));
          continue;
        }
        return fail(
          'crm_unavailable',
          `${options.label} failed (${response.status}: ${vendor.message}). Try again later.`,
          details,
        );
      }
      return fail('crm_rejected', `${options.label} rejected the request: ${vendor.message}`, details);
    }
  }

  return {
    send,
    stats: () => ({ total, byEndpoint: { ...byEndpoint } }),
  };
}

async function exchange(
  doFetch: FetchLike,
  request: HttpRequest,
  auth: Record<string, string>,
  options: RunnerOptions,
): Promise<HttpResponse> {
  const init: RequestInit = {
    method: request.method,
    headers: { ...request.headers, ...auth },
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  };
  if (request.body !== undefined) init.body = request.body;
  const response = await doFetch(request.url, init);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return { status: response.status, headers, body: await response.text() };
}

function vendorCodeOf(vendor: VendorError): { vendorCode?: string } {
  return vendor.vendorCode === undefined ? {} : { vendorCode: vendor.vendorCode };
}

/**
 * `GET /crm/v3/objects/contacts/:id`: record ids would make one metric label per record, so path
 * segments that look like ids (digits, UUIDs, long opaque tokens with digits) are collapsed.
 */
export function endpointLabel(method: string, path: string): string {
  const segments = path.split('/').map((segment) => {
    if (/^\d+$/.test(segment)) return ':id';
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(segment)) return ':id';
    if (segment.length >= 15 && /\d/.test(segment) && /^[\w-]+$/.test(segment)) return ':id';
    return segment;
  });
  return `${method.toUpperCase()} ${segments.join('/')}`;
}

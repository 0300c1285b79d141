import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { CrmApiError } from './crm-error.ts';
import { createRequestRunner, endpointLabel, type FetchLike, type RunnerOptions } from './http.ts';
import { virtualClock } from './virtual-clock.ts';

type Reply = { status: number; body?: string; headers?: Record<string, string> } | Error;

/** A fetch that answers from a script and records what it was sent. */
function scripted(...replies: Reply[]) {
  const sent: { url: string; init: RequestInit }[] = [];
  const fetch: FetchLike = async (url, init) => {
    sent.push({ url, init });
    const reply = replies.shift() ?? { status: 200, body: '{}' };
    if (reply instanceof Error) throw reply;
    return new Response(reply.body ?? '{}', { status: reply.status, headers: reply.headers ?? {} });
  };
  return { fetch, sent };
}

function runner(fetch: FetchLike, extra: Partial<RunnerOptions> = {}) {
  const clock = virtualClock();
  const http = createRequestRunner({
    crm: 'hubspot',
    label: 'HubSpot',
    fetch,
    sleep: clock.sleep,
    now: clock.now,
    random: clock.random,
    tokens: { current: () => 'token-1' },
    ...extra,
  });
  return { http, clock };
}

const GET = { method: 'GET', url: 'https://crm.test/crm/v3/objects/contacts/123', idempotent: true };

async function failure(promise: Promise<unknown>): Promise<CrmApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CrmApiError)) throw new Error(`expected a CrmApiError, got ${String(error)}`);
  return error;
}

describe('createRequestRunner', () => {
  it('sends the bearer token and counts every request by endpoint, ids collapsed', async () => {
    const { fetch, sent } = scripted({ status: 200 }, { status: 200 });
    const { http } = runner(fetch);
    await http.send(GET);
    await http.send({ ...GET, url: 'https://crm.test/crm/v3/objects/contacts/456?archived=true' });
    expect(new Headers(sent[0]?.init.headers).get('authorization')).toBe('Bearer token-1');
    expect(http.stats()).toEqual({ total: 2, byEndpoint: { 'GET /crm/v3/objects/contacts/:id': 2 } });
  });

  it('waits for Retry-After (seconds) on 429, then retries', async () => {
    const { fetch, sent } = scripted({ status: 429, headers: { 'retry-after': '3' } }, { status: 200 });
    const recordRateLimitWait = vi.fn();
    const { http, clock } = runner(fetch, {
      metrics: { recordApiCall: vi.fn(), recordApiError: vi.fn(), recordRateLimitWait },
    });
    const response = await http.send(GET);
    expect(response.status).toBe(200);
    expect(sent).toHaveLength(2);
    expect(clock.sleeps).toEqual([3000]);
    expect(recordRateLimitWait).toHaveBeenCalledWith('hubspot', 3);
  });

  it('reads Retry-After as an HTTP date', async () => {
    const clock = virtualClock();
    const at = new Date(clock.now() + 5000).toUTCString();
    const { fetch } = scripted({ status: 429, headers: { 'retry-after': at } }, { status: 200 });
    const http = createRequestRunner({ crm: 'hubspot', label: 'HubSpot', fetch, ...clock });
    await http.send(GET);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(4000);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(5000);
  });

  it('gives up with rate_limited when Retry-After is longer than it will wait', async () => {
    const { fetch } = scripted({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: '{"message":"daily limit"}',
    });
    const { http, clock } = runner(fetch);
    const error = await failure(http.send(GET));
    expect(error.code).toBe('rate_limited');
    expect(error.details.retryAfterMs).toBe(3_600_000);
    expect(error.message).toContain('daily limit');
    expect(clock.sleeps).toEqual([]);
  });

  it('retries 5xx with exponential backoff and jitter, then succeeds', async () => {
    const { fetch, sent } = scripted({ status: 503 }, { status: 500 }, { status: 502 }, { status: 200 });
    const { http, clock } = runner(fetch);
    expect((await http.send(GET)).status).toBe(200);
    expect(sent).toHaveLength(4);
    // base 500 ms, doubling, "equal jitter" with random() = 0.5: 3/4 of each step.
    expect(clock.sleeps).toEqual([375, 750, 1500]);
  });

  it('fails crm_unavailable after the last attempt, with the vendor message', async () => {
    const { fetch, sent } = scripted(
      ...Array.from({ length: 5 }, () => ({ status: 500, body: '{"message":"oops"}' })),
    );
    const { http } = runner(fetch);
    const error = await failure(http.send(GET));
    expect(error.code).toBe('crm_unavailable');
    expect(error.details).toMatchObject({ status: 500, attempts: 5 });
    expect(error.message).toContain('oops');
    expect(sent).toHaveLength(5);
  });

  it('does not resend a non-idempotent request after a 5xx (it may have been applied)', async () => {
    const { fetch, sent } = scripted({ status: 500 }, { status: 200 });
    const { http } = runner(fetch);
    const error = await failure(
      http.send({ method: 'POST', url: 'https://crm.test/crm/v3/objects/notes', body: '{}' }),
    );
    expect(error.code).toBe('crm_unavailable');
    expect(sent).toHaveLength(1);
  });

  it('retries network errors of idempotent requests', async () => {
    const { fetch, sent } = scripted(new TypeError('fetch failed'), { status: 200 });
    const { http } = runner(fetch);
    expect((await http.send(GET)).status).toBe(200);
    expect(sent).toHaveLength(2);
  });

  it('gives up on an attempt that outlives timeoutMs and retries it (real sockets)', async () => {
    // The first request gets no answer at all (a hung upstream); the second is answered.
    let seen = 0;
    const server = createServer((_req, res) => {
      seen += 1;
      if (seen > 1) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const { http } = runner((url, init) => fetch(url, init), { timeoutMs: 300 });
      const response = await http.send({ ...GET, url: `http://127.0.0.1:${port}/crm/v3/objects/contacts/1` });
      expect(response.status).toBe(200);
      expect(seen).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refreshes once on 401 and retries with the new token', async () => {
    const { fetch, sent } = scripted({ status: 401 }, { status: 200 });
    let token = 'old';
    const refresh = vi.fn(async () => {
      token = 'new';
      return token;
    });
    const { http } = runner(fetch, { tokens: { current: () => token, refresh } });
    expect((await http.send(GET)).status).toBe(200);
    expect(refresh).toHaveBeenCalledExactlyOnceWith('old');
    expect(new Headers(sent[1]?.init.headers).get('authorization')).toBe('Bearer new');
  });

  it('fails auth_expired when the refreshed token is refused too, refreshing only once', async () => {
    const { fetch } = scripted({ status: 401 }, { status: 401 }, { status: 200 });
    const refresh = vi.fn(async () => 'still-bad');
    const { http } = runner(fetch, { tokens: { current: () => 'bad', refresh } });
    const error = await failure(http.send(GET));
    expect(error.code).toBe('auth_expired');
    expect(refresh).toHaveBeenCalledOnce();
  });

  it('treats a vendor expiry signal without 401 as expired credentials: one refresh, no 5xx retries', async () => {
    const { fetch, sent } = scripted({ status: 500, body: 'INVALID_SESSION_ID' }, { status: 200 });
    const refresh = vi.fn(async () => 'new');
    const { http, clock } = runner(fetch, {
      tokens: { current: () => 'old', refresh },
      describeError: (_status, body) => ({ message: body, authExpired: body === 'INVALID_SESSION_ID' }),
    });
    expect((await http.send({ ...GET, idempotent: false })).status).toBe(200);
    expect(refresh).toHaveBeenCalledExactlyOnceWith('old');
    expect(sent).toHaveLength(2);
    expect(clock.sleeps).toEqual([]);
  });

  it('fails crm_rejected on other 4xx with the vendor message from describeError', async () => {
    const { fetch } = scripted({ status: 400, body: 'bad' });
    const { http } = runner(fetch, {
      describeError: () => ({ message: 'Property values were not valid', vendorCode: 'VALIDATION_ERROR' }),
    });
    const error = await failure(http.send(GET));
    expect(error.code).toBe('crm_rejected');
    expect(error.details).toMatchObject({ status: 400, vendorCode: 'VALIDATION_ERROR' });
    expect(error.message).toContain('Property values were not valid');
  });

  it('treats a vendor rate-limit signal without 429 as a rate limit', async () => {
    const { fetch, sent } = scripted({ status: 503, body: 'QUERY_LIMIT_EXCEEDED' }, { status: 200 });
    const { http } = runner(fetch, {
      describeError: (_s, body) => ({ message: body, rateLimited: body === 'QUERY_LIMIT_EXCEEDED' }),
    });
    await http.send({ ...GET, idempotent: false });
    expect(sent).toHaveLength(2);
  });

  it('keeps to the provider rate limits through the limiter', async () => {
    const { fetch } = scripted();
    const { http, clock } = runner(fetch, {
      rateLimits: [{ scope: 'portal', requests: 100, perSeconds: 10 }],
    });
    const times: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      await http.send(GET);
      times.push(clock.now());
    }
    for (let i = 100; i < times.length; i += 1) {
      expect((times[i] ?? 0) - (times[i - 100] ?? 0)).toBeGreaterThanOrEqual(10_000);
    }
  });
});

describe('endpointLabel', () => {
  it.each([
    ['/crm/v3/objects/contacts/batch/upsert', 'POST /crm/v3/objects/contacts/batch/upsert'],
    [
      '/crm/v4/objects/contacts/51/associations/default/companies/77',
      'POST /crm/v4/objects/contacts/:id/associations/default/companies/:id',
    ],
    ['/services/data/v67.0/sobjects/Lead/00Q5e00000ABCDEFG1', 'POST /services/data/v67.0/sobjects/Lead/:id'],
  ])('%s', (path, label) => {
    expect(endpointLabel('post', path)).toBe(label);
  });
});

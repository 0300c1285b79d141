import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenHint } from './index.ts';
import { type ServedSandbox, serveSandbox } from './test-harness.ts';

let served: ServedSandbox;
let clock = 0;

beforeEach(async () => {
  clock = Date.parse('2026-03-01T09:00:00Z');
  served = await serveSandbox({ clock: () => clock });
});
afterEach(() => served.close());

async function get(token: string, path = '/crm/v3/objects/contacts?limit=1') {
  return fetch(`${served.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

describe('rate limits', () => {
  it('allows 100 requests per token in a rolling 10 seconds, then answers 429 TEN_SECONDLY_ROLLING', async () => {
    const token = served.sandbox.state.createPrivateAppToken();
    const other = served.sandbox.state.createPrivateAppToken();
    for (let i = 0; i < 100; i++) {
      clock += 50; // 100 requests over 5 s of sandbox time
      const response = await get(token);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-hubspot-ratelimit-remaining')).toBe(String(99 - i));
      await response.body?.cancel();
    }
    const limited = await get(token);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({
      status: 'error',
      message: 'You have reached your ten_secondly_rolling limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
      correlationId: expect.any(String),
    });
    expect(limited.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    // The limit is per token.
    expect((await get(other)).status).toBe(200);
    // The window rolls: 7.5 s later the first half of the requests have left it.
    clock += 7_500;
    const again = await get(token);
    expect(again.status).toBe(200);
    expect(Number(again.headers.get('x-hubspot-ratelimit-remaining'))).toBeGreaterThan(40);
  });

  it('can be configured or turned off', async () => {
    const strict = await serveSandbox({ clock: () => clock, rateLimit: { perTenSeconds: 2 } });
    const token = strict.sandbox.state.createPrivateAppToken();
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${strict.url}/crm/v3/objects/contacts`, {
        headers: { authorization: `Bearer ${token}` },
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 429]);
    await strict.close();

    const open = await serveSandbox({ clock: () => clock, rateLimit: false });
    const openToken = open.sandbox.state.createPrivateAppToken();
    for (let i = 0; i < 120; i++) {
      const response = await fetch(`${open.url}/crm/v3/pipelines/deals`, {
        headers: { authorization: `Bearer ${openToken}` },
      });
      expect(response.status).toBe(200);
      await response.body?.cancel();
    }
    await open.close();
  });
});

describe('fault injection', () => {
  it('fails the next matching requests with 5xx, and the SDK’s own retries get through', async () => {
    const token = served.sandbox.state.createPrivateAppToken();
    served.sandbox.faults.fail5xx(1, { path: '/crm/v3/objects/contacts' });
    const other = await get(token, '/crm/v3/pipelines/deals');
    expect(other.status).toBe(200);
    const failed = await get(token);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toMatchObject({ status: 'error', correlationId: expect.any(String) });

    const { Client } = await import('@hubspot/api-client');
    const retrying = new Client({ accessToken: token, basePath: served.url, numberOfApiCallRetries: 2 });
    served.sandbox.faults.fail5xx(1, { path: /\/contacts$/, method: 'POST', status: 502 });
    const created = await retrying.crm.contacts.basicApi.create({ properties: { email: 'r@acme.com' } });
    expect(created.properties.email).toBe('r@acme.com');
    const statuses = served.sandbox.state
      .requests()
      .filter((r) => r.method === 'POST')
      .map((r) => r.status);
    expect(statuses).toEqual([502, 201]);
  });

  it('forces 429s, adds latency, and resets', async () => {
    const token = served.sandbox.state.createPrivateAppToken();
    served.sandbox.faults.force429(1);
    const limited = await get(token);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { policyName: string }).policyName).toBe('TEN_SECONDLY_ROLLING');
    expect((await get(token)).status).toBe(200);

    served.sandbox.faults.latency(120);
    const started = performance.now();
    await (await get(token)).body?.cancel();
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);

    served.sandbox.faults.fail5xx(5);
    served.sandbox.faults.reset();
    const quick = performance.now();
    expect((await get(token)).status).toBe(200);
    expect(performance.now() - quick).toBeLessThan(100);
  });
});

describe('request log', () => {
  it('records method, path, status and a token hint for counting API calls', async () => {
    const token = served.sandbox.state.createPrivateAppToken();
    await (await get(token)).body?.cancel();
    await (await get('wrong')).body?.cancel();
    expect(served.sandbox.state.requests()).toEqual([
      {
        method: 'GET',
        path: '/crm/v3/objects/contacts',
        status: 200,
        tokenHint: tokenHint(token),
        at: clock,
      },
      {
        method: 'GET',
        path: '/crm/v3/objects/contacts',
        status: 401,
        tokenHint: tokenHint('wrong'),
        at: clock,
      },
    ]);
    expect(tokenHint(token)).not.toContain(token.slice(0, 12));
    served.sandbox.state.clearRequests();
    expect(served.sandbox.state.requests()).toEqual([]);
  });
});

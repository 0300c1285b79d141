import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxSheetsOptions } from './index.ts';
import { type ServedSheets, serveSheets } from './test-harness.ts';

const START = Date.UTC(2025, 0, 1, 12, 0, 0);
let time = START;
const clock = () => time;

const opened: ServedSheets[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((served) => served.close()));
  time = START;
});

async function open(options: SandboxSheetsOptions = {}) {
  const served = await serveSheets({ clock, ...options });
  opened.push(served);
  const spreadsheetId = served.sandbox.state.createSpreadsheet({
    tabs: [{ title: 'Leads', rows: [['Name']] }],
  });
  const write = (token: string) =>
    served.client(token).spreadsheets.values.update({
      spreadsheetId,
      range: 'Leads!A2',
      valueInputOption: 'RAW',
      requestBody: { values: [['x']] },
    });
  const read = (token: string) =>
    served.client(token).spreadsheets.values.get({ spreadsheetId, range: 'Leads!A1' });
  return { served, spreadsheetId, write, read };
}

async function outcome(call: Promise<unknown>) {
  try {
    await call;
    return { status: 200 } as const;
  } catch (e) {
    const { status, response } = e as {
      status: number;
      response: {
        data: { error: { message: string; status: string; details?: unknown[] } };
        headers: Headers;
      };
    };
    return { status, error: response.data.error, retryAfter: response.headers.get('retry-after') };
  }
}

describe('per-minute quotas', () => {
  it('refuses a user’s writes past the per-user limit with 429 RESOURCE_EXHAUSTED, in Google’s words, until the next minute', async () => {
    const { write, read } = await open({ quota: { perUser: { write: 2 } } });
    expect((await outcome(write('ann'))).status).toBe(200);
    expect((await outcome(write('ann'))).status).toBe(200);
    const refused = await outcome(write('ann'));
    expect(refused).toMatchObject({
      status: 429,
      error: {
        status: 'RESOURCE_EXHAUSTED',
        message:
          "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:100000000001'.",
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'RATE_LIMIT_EXCEEDED',
            metadata: {
              quota_limit: 'WriteRequestsPerMinutePerUser',
              quota_metric: 'sheets.googleapis.com/write_requests',
            },
          },
        ],
      },
      retryAfter: null,
    });
    // Reads have their own quota, and another user has their own budget.
    expect((await outcome(read('ann'))).status).toBe(200);
    expect((await outcome(write('bob'))).status).toBe(200);
    time += 59_000;
    expect((await outcome(write('ann'))).status).toBe(429);
    time += 1_000;
    expect((await outcome(write('ann'))).status).toBe(200);
  });

  it('refuses everybody past the per-project limit', async () => {
    const { write } = await open({ quota: { perUser: { write: 2 }, perProject: { write: 3 } } });
    for (const token of ['ann', 'ann', 'bob']) expect((await outcome(write(token))).status).toBe(200);
    const refused = await outcome(write('cy'));
    expect(refused.status).toBe(429);
    expect(refused.error?.message).toContain("limit 'Write requests per minute' of service");
  });

  it('defaults to Google’s 60 reads a minute per user, and can be switched off', async () => {
    const limited = await open();
    for (let i = 0; i < 60; i += 1) expect((await outcome(limited.read('ann'))).status).toBe(200);
    const refused = await outcome(limited.read('ann'));
    expect(refused.status).toBe(429);
    expect(refused.error?.message).toContain("limit 'Read requests per minute per user'");

    const unlimited = await open({ quota: false });
    for (let i = 0; i < 61; i += 1) expect((await outcome(unlimited.read('ann'))).status).toBe(200);
  });
});

describe('faults', () => {
  it('forces 429s, with a Retry-After when asked, whatever the budget', async () => {
    const { served, write, read } = await open({ quota: false });
    served.sandbox.faults.force429(1, { method: 'PUT', retryAfterSeconds: 7 });
    expect((await outcome(read('ann'))).status).toBe(200);
    const forced = await outcome(write('ann'));
    expect(forced).toMatchObject({ status: 429, retryAfter: '7', error: { status: 'RESOURCE_EXHAUSTED' } });
    expect((await outcome(write('ann'))).status).toBe(200);
  });

  it('fails the next requests with 5xx in Google’s envelope, then recovers', async () => {
    const { served, read } = await open({ quota: false });
    served.sandbox.faults.fail5xx(2, { status: 500 });
    expect(await outcome(read('ann'))).toMatchObject({ status: 500, error: { status: 'INTERNAL' } });
    expect(await outcome(read('ann'))).toMatchObject({ status: 500 });
    expect((await outcome(read('ann'))).status).toBe(200);
    served.sandbox.faults.fail5xx(5, { path: /:batchUpdate$/ });
    expect((await outcome(read('ann'))).status).toBe(200);
    served.sandbox.faults.reset();
  });

  it('adds latency to every request', async () => {
    const { served, read } = await open({ quota: false });
    served.sandbox.faults.latency(40);
    const started = performance.now();
    await read('ann');
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    served.sandbox.faults.reset();
  });

  it('logs every request with its operation, and counts them per spreadsheet', async () => {
    const { served, spreadsheetId, write, read } = await open({ quota: { perUser: { write: 1 } } });
    await outcome(write('ann'));
    await outcome(write('ann'));
    await outcome(read('ann'));
    expect(served.sandbox.state.requests().map((r) => [r.operation, r.status, r.tokenHint])).toEqual([
      ['values.update', 200, '…ann'],
      ['values.update', 429, '…ann'],
      ['values.get', 200, '…ann'],
    ]);
    expect(served.sandbox.state.requestCounts(spreadsheetId)).toEqual({ read: 1, write: 2 });
    served.sandbox.state.clearRequests();
    expect(served.sandbox.state.requestCounts(spreadsheetId)).toEqual({ read: 0, write: 0 });
  });
});

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { isRowbridgeError } from '../../shared/errors.ts';
import { type VirtualClock, virtualClock } from '../connectors/virtual-clock.ts';
import { createSandboxSheets } from '../sandbox/sheets/index.ts';
import { createSheetsApi } from './client.ts';
import { type WriterHarness, writerHarness } from './harness.ts';
import { createSheetsWriter } from './writer.ts';

const START = Date.UTC(2025, 0, 1, 12, 0, 0);

let harness: WriterHarness;
let clock: VirtualClock;
afterEach(() => harness.close());

function seed(rows = 3) {
  const lines = [['Name', 'Status', 'Rowbridge ID']];
  for (let i = 1; i <= rows; i += 1) lines.push([`P${i}`, 'New', `rb_${i}`]);
  return harness.sandbox.state.createSpreadsheet({
    tabs: [{ title: 'Leads', rows: lines, rowCount: 50, columnCount: 3 }],
  });
}

const statuses = (operation: string) =>
  harness.sandbox.state
    .requests()
    .filter((r) => r.operation === operation)
    .map((r) => r.status);

describe('backoff on 429 and 5xx', () => {
  it('waits out the per-user write quota of Google Sheets, then succeeds', async () => {
    clock = virtualClock(START);
    harness = await writerHarness({ clock, sandbox: { quota: { perUser: { write: 1 } } } });
    const id = seed();
    await harness.writer.writeRows(id, 'Leads', [{ rowId: 'rb_1', values: { Status: 'first' } }]);
    const results = await harness.writer.writeRows(id, 'Leads', [
      { rowId: 'rb_2', values: { Status: 'second' } },
    ]);

    expect(results).toEqual([{ rowId: 'rb_2', status: 'updated', rowNumber: 3 }]);
    const writes = statuses('values.batchUpdate');
    expect([writes[0], writes.at(-1)]).toEqual([200, 200]);
    expect(writes.length).toBeGreaterThan(2);
    expect(new Set(writes.slice(1, -1))).toEqual(new Set([429]));
    // The quota minute started at 12:00:00; the writer cannot have succeeded before 12:01:00.
    const successAt =
      harness.sandbox.state
        .requests()
        .filter((r) => r.operation === 'values.batchUpdate')
        .at(-1)?.at ?? 0;
    expect(successAt).toBeGreaterThanOrEqual(START + 60_000);
    // Backoff doubles from 1 s with equal jitter: half of each step fixed, half random (0.5 on this clock).
    const backoff = clock.sleeps.filter((ms) => ms !== 1000);
    expect(backoff.slice(0, 3)).toEqual([750, 1500, 3000]);
    expect(harness.sandbox.state.grid(id, 'Leads').map((r) => r[1])).toEqual([
      'Status',
      'first',
      'second',
      'New',
    ]);
  });

  it('honours Retry-After when Google sends one', async () => {
    clock = virtualClock(START);
    harness = await writerHarness({ clock });
    const id = seed();
    harness.sandbox.faults.force429(1, { path: /values:batchUpdate$/, retryAfterSeconds: 7 });
    await harness.writer.writeRows(id, 'Leads', [{ rowId: 'rb_1', values: { Status: 'x' } }]);
    expect(clock.sleeps).toContain(7000);
    expect(statuses('values.batchUpdate')).toEqual([429, 200]);
  });

  it('retries 5xx with backoff, and gives up after the last attempt with sheets_unavailable', async () => {
    clock = virtualClock(START);
    harness = await writerHarness({ clock, writer: { retry: { maxAttempts: 4 } } });
    const id = seed();
    harness.sandbox.faults.fail5xx(2, { path: /values:batchUpdate$/, status: 503 });
    await harness.writer.writeRows(id, 'Leads', [{ rowId: 'rb_1', values: { Status: 'x' } }]);
    expect(statuses('values.batchUpdate')).toEqual([503, 503, 200]);

    harness.sandbox.state.clearRequests();
    harness.sandbox.faults.fail5xx(10, { path: /values:batchUpdate$/, status: 500 });
    const error = await harness.writer
      .writeRows(id, 'Leads', [{ rowId: 'rb_1', values: { Status: 'y' } }])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isRowbridgeError(error) && error.code).toBe('sheets_unavailable');
    expect(isRowbridgeError(error) && error.message).toContain('Internal error encountered.');
    expect(statuses('values.batchUpdate')).toEqual([500, 500, 500, 500]);
  });

  it('does not wait out a Retry-After longer than it may: rate_limited for the job to retry later', async () => {
    clock = virtualClock(START);
    harness = await writerHarness({ clock });
    const id = seed();
    harness.sandbox.faults.force429(1, { retryAfterSeconds: 3600 });
    const error = await harness.writer.readTable(id, 'Leads').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRowbridgeError(error) && error.code).toBe('rate_limited');
    expect(clock.sleeps).toEqual([]);
  });

  it('paces requests to Google’s per-user quota by default instead of running into 429s', async () => {
    clock = virtualClock(START);
    harness = await writerHarness({ clock, sandbox: { quota: {} } });
    const paced = createSheetsWriter({
      sheets: createSheetsApi({
        credentials: { kind: 'access-token', accessToken: 't' },
        rootUrl: harness.served.rootUrl,
      }),
      clock,
    });
    const id = seed();
    for (let i = 0; i < 70; i += 1) await paced.readTable(id, 'Leads');
    expect(harness.sandbox.state.requests().every((r) => r.status === 200)).toBe(true);
    expect(clock.now() - START).toBeGreaterThanOrEqual(60_000);
  });
});

describe('an append whose answer was lost', () => {
  it('re-reads the IDs before sending again, so the row is added once', async () => {
    clock = virtualClock(START);
    const sandbox = createSandboxSheets({ clock: clock.now, quota: false });
    let dropNextAppendAnswer = true;
    // In front of the sandbox: the first append is applied, but its caller gets a 503 as if the answer was lost.
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const created = serve(
        {
          port: 0,
          hostname: '127.0.0.1',
          async fetch(request) {
            const response = await sandbox.app.fetch(request);
            if (!dropNextAppendAnswer || !request.url.includes(':append')) return response;
            dropNextAppendAnswer = false;
            return Response.json(
              {
                error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' },
              },
              { status: 503 },
            );
          },
        },
        () => resolve(created),
      );
    });
    const rootUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    harness = {
      sandbox,
      served: undefined as never,
      writer: createSheetsWriter({
        sheets: createSheetsApi({ credentials: { kind: 'access-token', accessToken: 't' }, rootUrl }),
        clock,
        limiter: false,
      }),
      token: 't',
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
    const id = seed(2);
    const results = await harness.writer.appendRows(id, 'Leads', [
      { rowId: 'rb_new', values: { Name: 'New' } },
      { rowId: 'rb_also', values: { Name: 'Also' } },
    ]);
    expect(results).toEqual([
      { rowId: 'rb_new', status: 'appended', rowNumber: 4 },
      { rowId: 'rb_also', status: 'appended', rowNumber: 5 },
    ]);
    expect(sandbox.state.grid(id, 'Leads').map((r) => r[2])).toEqual([
      'Rowbridge ID',
      'rb_1',
      'rb_2',
      'rb_new',
      'rb_also',
    ]);
    expect(sandbox.state.requests().map((r) => r.operation)).toEqual([
      'values.batchGet',
      'values.batchGet',
      'values.append',
      'values.batchGet',
    ]);
  });
});

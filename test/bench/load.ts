import type { Figure } from './measure.ts';
import { allApplied, changeStream, percentile, syncedCompanion } from './synced.ts';

export interface LoadOptions {
  /** How long the stream runs (default 60 s; `ROWBRIDGE_LOAD_SECONDS` in `npm run bench`). */
  readonly seconds?: number;
  readonly webhooksPerSecond?: number;
  readonly apiCallsPerSecond?: number;
  readonly rows?: number;
}

interface Sample {
  readonly ms: number;
  readonly ok: boolean;
  /** The HTTP status, or 0 when the request failed without one (refused, reset, timed out). */
  readonly status: number;
}

const mb = (bytes: number) => bytes / 1024 / 1024;

function memory() {
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

/**
 * Load test on loopback: a sustained stream of signed HubSpot webhooks (each a real CRM change) while the
 * add-on calls the API as a sidebar does (session, table, conflicts, audit, the job it watches), both at
 * fixed rates. Reports throughput, error rate, p50/p99 per kind and memory growth of this process (the
 * companion runs in it), and checks that every change reached the sheet.
 */
export async function loadFigures(options: LoadOptions = {}): Promise<Figure[]> {
  const seconds = options.seconds ?? 60;
  const webhooksPerSecond = options.webhooksPerSecond ?? 50;
  const apiPerSecond = options.apiCallsPerSecond ?? 10;
  const synced = await syncedCompanion(options.rows ?? 100);
  try {
    const { session, tableId } = synced;
    const calls: [string, string][] = [
      ['session', '/api/v1/session'],
      ['table', `/api/v1/tables/${tableId}`],
      ['conflicts', `/api/v1/tables/${tableId}/conflicts`],
      ['audit', `/api/v1/tables/${tableId}/audit`],
      ['connections', '/api/v1/connections'],
      ['job', `/api/v1/jobs/${synced.exportJobId}`],
    ];
    // Warm up once (first-call compilation and caches), then measure from a collected heap.
    await changeStream(synced, { count: 10, perSecond: webhooksPerSecond, tag: 'Warm' }, () => {});
    const before = memory();
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 250);

    const webhooks: Sample[] = [];
    const api = new Map<string, Sample[]>(calls.map(([kind]) => [kind, []]));
    const t0 = performance.now();
    const events = Math.round(seconds * webhooksPerSecond);
    // The answer each change got, to tell a change never delivered from one delivered and lost.
    const answered = new Map<string, number>();
    const stream = changeStream(
      synced,
      { count: events, perSecond: webhooksPerSecond, tag: 'Load' },
      (ack, change) => {
        webhooks.push({ ms: ack.ms, ok: ack.status === 200, status: ack.status });
        answered.set(change.city, ack.status);
      },
    );
    const addon = (async () => {
      const pending: Promise<void>[] = [];
      const total = Math.round(seconds * apiPerSecond);
      for (let i = 0; i < total; i += 1) {
        const wait = t0 + (i * 1000) / apiPerSecond - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const [kind, path] = calls[i % calls.length] ?? ['session', '/api/v1/session'];
        const start = performance.now();
        pending.push(
          session.api('GET', path).then(
            (response) =>
              void api.get(kind)?.push({
                ms: performance.now() - start,
                ok: response.status === 200,
                status: response.status,
              }),
            () => void api.get(kind)?.push({ ms: performance.now() - start, ok: false, status: 0 }),
          ),
        );
      }
      await Promise.all(pending);
    })();
    const [expected] = await Promise.all([stream, addon]);
    const streamSeconds = (performance.now() - t0) / 1000;
    const { lagMs, missing } = await allApplied(synced, expected, 180_000);
    const diagnosis = missing.length > 0 ? await synced.diagnose() : undefined;
    clearInterval(sampler);
    const after = memory();

    const all = [...webhooks, ...[...api.values()].flat()];
    const errors = all.filter((s) => !s.ok).length;
    const perKind = Object.fromEntries(
      [['webhook', webhooks] as const, ...api].map(([kind, samples]) => [
        kind,
        {
          count: samples.length,
          errors: samples.filter((s) => !s.ok).length,
          failedStatuses: samples
            .filter((s) => !s.ok)
            .reduce<Record<string, number>>((byStatus, s) => {
              byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
              return byStatus;
            }, {}),
          p50: percentile(
            samples.map((s) => s.ms),
            50,
          ),
          p99: percentile(
            samples.map((s) => s.ms),
            99,
          ),
        },
      ]),
    );
    const apiSamples = [...api.values()].flat().map((s) => s.ms);
    const label = `load ${seconds} s (${synced.database})`;
    return [
      {
        name: `${label}: requests handled per second (webhooks + add-on API)`,
        value: all.length / streamSeconds,
        unit: 'requests/s',
        compare: `offered ${webhooksPerSecond} webhooks/s + ${apiPerSecond} API calls/s; ${
          missing.length === 0
            ? `${events.toLocaleString('en-US')} changes all in the sheet ${(lagMs / 1000).toFixed(2)} s after the last acknowledgement`
            : `${missing.length} rows still without their last change ${(lagMs / 1000).toFixed(0)} s after the last acknowledgement`
        }`,
        against: { offeredPerSecond: webhooksPerSecond + apiPerSecond, lagAfterLastMs: lagMs },
        detail: perKind,
      },
      {
        name: `${label}: rows missing their last change`,
        value: missing.length,
        unit: 'rows',
        compare: 'expected 0 (a change acknowledged with 200 must reach the sheet)',
        against: { expected: 0 },
        detail: {
          examples: missing.slice(0, 5).map((m) => ({ ...m, webhookStatus: answered.get(m.expected) })),
          ...(diagnosis ? { diagnosis } : {}),
        },
      },
      {
        name: `${label}: error rate`,
        value: (errors / all.length) * 100,
        unit: '%',
        compare: `${errors} of ${all.length.toLocaleString('en-US')} requests; expected 0`,
        against: { expected: 0, errors, requests: all.length },
      },
      {
        name: `${label}: webhook acknowledgement p99`,
        value: percentile(
          webhooks.map((s) => s.ms),
          99,
        ),
        unit: 'ms',
        compare: `p50 ${percentile(
          webhooks.map((s) => s.ms),
          50,
        ).toFixed(1)} ms`,
      },
      {
        name: `${label}: add-on API call p99`,
        value: percentile(apiSamples, 99),
        unit: 'ms',
        compare: `p50 ${percentile(apiSamples, 50).toFixed(1)} ms over ${calls.map(([kind]) => kind).join(', ')}`,
      },
      {
        name: `${label}: heap growth after GC`,
        value: mb(after.heapUsed - before.heapUsed),
        unit: 'MB',
        compare: `RSS ${mb(before.rss).toFixed(0)} → ${mb(after.rss).toFixed(0)} MB (peak ${mb(peakRss).toFixed(0)} MB); bench and companion share the process`,
        against: {
          heapBeforeMb: mb(before.heapUsed),
          rssBeforeMb: mb(before.rss),
          rssAfterMb: mb(after.rss),
        },
      },
    ];
  } finally {
    await synced.close();
  }
}

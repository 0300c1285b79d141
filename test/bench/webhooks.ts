import type { Figure } from './measure.ts';
import { allAppliedOrThrow, changeStream, percentile, syncedCompanion } from './synced.ts';

export interface WebhookBenchOptions {
  /** Changes in the stream (default 1,000: also the "per 1,000 CRM changes" figure). */
  readonly events?: number;
  /** Offered rate, events per second (default 50). */
  readonly perSecond?: number;
  /** Sequential change-to-row samples (default 10). */
  readonly samples?: number;
  /** Rows in the synced tab (default 100). */
  readonly rows?: number;
}

/**
 * Webhook handling on loopback against a companion in sandbox mode with a synced HubSpot table: a stream
 * of real HubSpot changes, each delivered as a signed webhook at a fixed offered rate (acknowledgement
 * latency, applied events per second, Sheets write requests per 1,000 changes), then single changes timed
 * from the HubSpot edit to the value in the sheet.
 */
export async function webhookFigures(options: WebhookBenchOptions = {}): Promise<Figure[]> {
  const events = options.events ?? 1_000;
  const perSecond = options.perSecond ?? 50;
  const samples = options.samples ?? 10;
  const synced = await syncedCompanion(options.rows ?? 100);
  try {
    const acks: number[] = [];
    let errors = 0;
    const writesBefore = synced.sheets.state.requestCounts(synced.spreadsheetId).write;
    const t0 = performance.now();
    const expected = await changeStream(synced, { count: events, perSecond, tag: 'Stream' }, (ack) => {
      acks.push(ack.ms);
      if (ack.status !== 200) errors += 1;
    });
    const sentMs = performance.now() - t0;
    const lagMs = await allAppliedOrThrow(synced, expected, 120_000);
    const appliedSeconds = (performance.now() - t0) / 1000;
    const writes = synced.sheets.state.requestCounts(synced.spreadsheetId).write - writesBefore;

    // Change to row: one HubSpot edit at a time, from the edit to the value in the sheet.
    const toSheet: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const rowId = synced.rowIds[i % synced.rowIds.length] ?? '';
      const start = performance.now();
      const ack = await synced.change(rowId, `Single ${i}`);
      if (ack.status !== 200) throw new Error(`a webhook was answered ${ack.status}`);
      await allAppliedOrThrow(synced, new Map([[rowId, `Single ${i}`]]), 60_000);
      toSheet.push(performance.now() - start);
    }
    const rows = synced.rowIds.length;
    return [
      {
        name: `webhook acknowledgement p50 (${events.toLocaleString('en-US')} signed deliveries offered at ${perSecond}/s, ${synced.database})`,
        value: percentile(acks, 50),
        unit: 'ms',
        compare: `p99 ${percentile(acks, 99).toFixed(1)} ms; ${errors} errors`,
        against: { p99: percentile(acks, 99), errors, offeredPerSecond: perSecond },
      },
      {
        name: `webhook events applied per second (sustained, ${synced.database})`,
        value: events / appliedSeconds,
        unit: 'events/s',
        compare: `offered ${perSecond}/s over ${(sentMs / 1000).toFixed(1)} s; every row showed its last change ${(lagMs / 1000).toFixed(2)} s after the last was acknowledged`,
        against: { offeredPerSecond: perSecond, lagAfterLastMs: lagMs },
      },
      {
        name: 'Sheets API write requests per 1,000 CRM changes (one spreadsheet)',
        value: (writes * 1000) / events,
        unit: 'requests',
        compare: `${writes} writes for ${events.toLocaleString('en-US')} changes over ${rows} rows; one per change would be 1,000; Google allows 60 writes per minute per user`,
        against: { perChangeWriter: 1000, writes, changes: events },
      },
      {
        name: `HubSpot change to sheet row p50 (${samples} single edits)`,
        value: percentile(toSheet, 50),
        unit: 'ms',
        compare: `p99 ${percentile(toSheet, 99).toFixed(0)} ms; the sheet writer batches each spreadsheet's writes in 1 s windows`,
        against: { p99: percentile(toSheet, 99) },
      },
    ];
  } finally {
    await synced.close();
  }
}

import { afterEach, describe, expect, it } from 'vitest';
import { virtualClock } from '../connectors/virtual-clock.ts';
import { createCoalescer } from './coalescer.ts';
import { type WriterHarness, writerHarness } from './harness.ts';
import type { RowChange } from './types.ts';

/** Time that moves only when the test says: sleepers wake in `advance`. */
function manualClock() {
  let time = 0;
  let timers: { at: number; wake: () => void }[] = [];
  const settle = async () => {
    for (let i = 0; i < 20; i += 1) await Promise.resolve();
  };
  return {
    now: () => time,
    sleep: (ms: number) => new Promise<void>((wake) => timers.push({ at: time + ms, wake })),
    async advance(ms: number) {
      time += ms;
      const due = timers.filter((timer) => timer.at <= time);
      timers = timers.filter((timer) => timer.at > time);
      for (const timer of due) timer.wake();
      await settle();
    },
    settle,
  };
}

function recordingCoalescer(clock: ReturnType<typeof manualClock>, gate?: () => Promise<void>) {
  const batches: { key: string; items: string[]; at: number }[] = [];
  const coalescer = createCoalescer<string, string>({
    windowMs: 1000,
    sleep: clock.sleep,
    async run(key, items) {
      batches.push({ key, items: [...items], at: clock.now() });
      await gate?.();
      if (items.includes('boom')) throw new Error('batch failed');
      return items.map((item) => `${key}:${item}`);
    },
  });
  return { coalescer, batches };
}

describe('createCoalescer', () => {
  it('runs what arrives within the window as one batch, and hands each caller its own results', async () => {
    const clock = manualClock();
    const { coalescer, batches } = recordingCoalescer(clock);
    const first = coalescer.submit('s1', ['a', 'b']);
    await clock.advance(400);
    const second = coalescer.submit('s1', ['c']);
    await clock.advance(500);
    expect(batches).toEqual([]);
    await clock.advance(100);
    expect(batches).toEqual([{ key: 's1', items: ['a', 'b', 'c'], at: 1000 }]);
    expect(await first).toEqual(['s1:a', 's1:b']);
    expect(await second).toEqual(['s1:c']);

    const later = coalescer.submit('s1', ['d']);
    await clock.advance(1000);
    expect(await later).toEqual(['s1:d']);
    expect(batches.map((b) => b.at)).toEqual([1000, 2000]);
  });

  it('keeps spreadsheets apart', async () => {
    const clock = manualClock();
    const { coalescer, batches } = recordingCoalescer(clock);
    const a = coalescer.submit('s1', ['a']);
    const b = coalescer.submit('s2', ['b']);
    await clock.advance(1000);
    expect(await Promise.all([a, b])).toEqual([['s1:a'], ['s2:b']]);
    expect(batches.map((batch) => batch.key).sort()).toEqual(['s1', 's2']);
  });

  it('never overlaps two batches of one key: what arrives meanwhile waits for the next window and the running batch', async () => {
    const clock = manualClock();
    let release: () => void = () => {};
    let gated = true;
    const { coalescer, batches } = recordingCoalescer(clock, () =>
      gated ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve(),
    );
    const first = coalescer.submit('s1', ['a']);
    await clock.advance(1000);
    const second = coalescer.submit('s1', ['b']);
    await clock.advance(1500);
    // The first batch is still running: the second waits although its window has passed.
    expect(batches.map((b) => b.items)).toEqual([['a']]);
    gated = false;
    release();
    expect(await first).toEqual(['s1:a']);
    expect(await second).toEqual(['s1:b']);
    expect(batches.map((b) => b.items)).toEqual([['a'], ['b']]);
  });

  it('fails every caller of a failed batch, and only them', async () => {
    const clock = manualClock();
    const { coalescer } = recordingCoalescer(clock);
    const ok = coalescer.submit('s1', ['fine']);
    const bad = coalescer.submit('s1', ['boom']);
    const other = coalescer.submit('s2', ['fine']);
    await clock.advance(1000);
    await expect(ok).rejects.toThrow('batch failed');
    await expect(bad).rejects.toThrow('batch failed');
    await expect(other).resolves.toEqual(['s2:fine']);
  });

  it('runs queued batches at once on flush', async () => {
    const clock = manualClock();
    const { coalescer, batches } = recordingCoalescer(clock);
    const pending = coalescer.submit('s1', ['a']);
    await coalescer.flush();
    expect(await pending).toEqual(['s1:a']);
    expect(batches).toEqual([{ key: 's1', items: ['a'], at: 0 }]);
    // The window that was open runs nothing when it ends.
    await clock.advance(1000);
    expect(batches).toHaveLength(1);
  });
});

describe('coalescing writes to one spreadsheet (writer against the sandbox)', () => {
  let harness: WriterHarness;
  afterEach(() => harness.close());

  const PEOPLE = 1000;

  async function setUp() {
    harness = await writerHarness({ clock: virtualClock() });
    const rows = [['Name', 'Status', 'Score', 'Rowbridge ID']];
    for (let i = 0; i < PEOPLE; i += 1) rows.push([`Person ${i}`, 'New', '0', `rb_${i}`]);
    const id = harness.sandbox.state.createSpreadsheet({
      tabs: [{ title: 'Leads', rows, rowCount: PEOPLE + 200, columnCount: 5 }],
    });
    harness.sandbox.state.clearRequests();
    return id;
  }

  it('turns a burst of 1,000 single-change calls into one ID read and one batchUpdate (≤ 5 requests)', async () => {
    const id = await setUp();
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < PEOPLE; i += 1) {
      const change: RowChange = { rowId: `rb_${(i * 7) % PEOPLE}`, values: { Status: `Won ${i}`, Score: i } };
      calls.push(harness.writer.writeRows(id, 'Leads', [change]));
    }
    const results = (await Promise.all(calls)).flat();
    expect(results.every((r) => (r as { status: string }).status === 'updated')).toBe(true);

    const requests = harness.sandbox.state.requests().map((r) => `${r.operation} ${r.status}`);
    expect(requests).toEqual(['values.batchGet 200', 'values.batchGet 200', 'values.batchUpdate 200']);
    expect(requests.length).toBeLessThanOrEqual(5);
    expect(harness.sandbox.state.requestCounts(id)).toEqual({ read: 2, write: 1 });
    expect(harness.writer.stats().requests).toBe(3);

    const grid = harness.sandbox.state.grid(id, 'Leads', 'UNFORMATTED_VALUE');
    expect(grid[1 + 7]).toEqual(['Person 7', 'Won 1', 1, 'rb_7']);
    expect(grid[1 + 999]).toEqual(['Person 999', 'Won 857', 857, 'rb_999']);
  });

  it('adds appends to the same batch, and a later burst costs one ID read and one write', async () => {
    const id = await setUp();
    const burst = (from: number) =>
      Promise.all([
        ...Array.from({ length: 900 }, (_, i) =>
          harness.writer.writeRows(id, 'Leads', [{ rowId: `rb_${i}`, values: { Status: `b${from}` } }]),
        ),
        harness.writer.appendRows(
          id,
          'Leads',
          Array.from({ length: 100 }, (_, i) => ({
            rowId: `rb_new_${from}_${i}`,
            values: { Name: `New ${i}` },
          })),
        ),
      ]);
    await burst(1);
    expect(harness.sandbox.state.requests().map((r) => r.operation)).toEqual([
      'values.batchGet',
      'values.batchGet',
      'values.batchUpdate',
      'values.append',
    ]);
    harness.sandbox.state.clearRequests();
    await burst(2);
    // The header row is known now: only the header and ID column are read again, to find rows where they are.
    expect(harness.sandbox.state.requests().map((r) => r.operation)).toEqual([
      'values.batchGet',
      'values.batchUpdate',
      'values.append',
    ]);
    const ids = harness.sandbox.state.grid(id, 'Leads').map((row) => row[3]);
    expect(ids.filter((rowId) => String(rowId).startsWith('rb_new_'))).toHaveLength(200);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

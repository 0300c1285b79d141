import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, expect, it, type TestContext } from 'vitest';
import * as z from 'zod';
import { describeEachDriver, describePostgres, freshPostgresDatabase } from '../../test/support/databases.ts';
import { seededRandom } from '../../test/support/random.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { bossDatabase } from './boss-db.ts';
import { defineEffectJob, EFFECTS_TABLE, openTarget } from './crash-child.fixture.ts';
import { once } from './effects.ts';
import { createQueue } from './queue.ts';
import type { JobQueue } from './types.ts';

const FIXTURE = join(import.meta.dirname, 'crash-child.fixture.ts');
/** The repository root: `--import tsx` is resolved from the child's working directory. */
const ROOT = join(import.meta.dirname, '..', '..');

/** Resolves with the job id once the child says its effect is done; rejects if it exits first. */
function effectDone(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const id = /EFFECT (\S+)/.exec(output)?.[1];
      if (id) resolve(id);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before its effect:\n${output}`)));
  });
}

interface Run {
  readonly key: string;
  readonly seq: number;
  readonly start: number;
  readonly end: number;
}

/**
 * A queue for one test, stopped when the test ends; background errors fail the test. Every test defines
 * its own job kinds on the one database, so tests do not see each other's jobs, and the slow ones
 * (waiting out retry delays) run at the same time.
 */
async function openQueue(client: SqlClient, { onTestFinished, expect }: TestContext): Promise<JobQueue> {
  const errors: Error[] = [];
  const queue = await createQueue(client, {
    pollIntervalSeconds: 0.5,
    expiryCheckSeconds: 1,
    onError: (error) => errors.push(error),
    onWarning: () => {},
  });
  onTestFinished(async () => {
    await queue.stop({ graceful: false });
    expect(errors).toEqual([]);
  });
  return queue;
}

describeEachDriver('job queue', (driver) => {
  let client: Awaited<ReturnType<typeof driver.open>>;
  beforeAll(async () => {
    client = await driver.open();
  });
  afterAll(async () => {
    await client.dispose();
  });

  const open = (t: TestContext) => openQueue(client, t);

  it.concurrent('runs the jobs of one key one at a time in send order, and different keys at once', async (t) => {
    const { expect } = t;
    const queue = await open(t);
    const next = seededRandom(20_260_101);
    const runs: Run[] = [];
    queue.define('sync', {
      schema: z.object({ seq: z.int(), delayMs: z.int() }),
      concurrency: 4,
      handler: async ({ seq, delayMs }, ctx) => {
        const start = performance.now();
        await sleep(delayMs);
        runs.push({ key: ctx.key, seq, start, end: performance.now() });
      },
    });
    // Sent before the workers start, so the first fetches find every key ready at once.
    const keys = ['sheet-a', 'sheet-b', 'sheet-c'];
    for (let seq = 0; seq < 20; seq++) {
      const key = keys[Math.floor(next() * keys.length)] ?? 'sheet-a';
      await queue.send('sync', { seq, delayMs: 20 + Math.floor(next() * 100) }, { key });
    }
    await queue.start();
    await expect.poll(() => runs.length, { timeout: 15_000, interval: 100 }).toBe(20);

    for (const key of keys) {
      const ofKey = runs.filter((run) => run.key === key).sort((a, b) => a.start - b.start);
      expect(ofKey.length).toBeGreaterThan(1);
      // Send order: seq grows with each send, whatever the key.
      expect(ofKey.map((run) => run.seq)).toEqual(ofKey.map((run) => run.seq).sort((a, b) => a - b));
      for (let i = 1; i < ofKey.length; i++) {
        const [before, after] = [ofKey[i - 1], ofKey[i]] as [Run, Run];
        expect(after.start).toBeGreaterThanOrEqual(before.end);
      }
    }
    const overlapping = runs.some((a) =>
      runs.some((b) => a.key !== b.key && a.start < b.end && b.start < a.end),
    );
    expect(overlapping).toBe(true);
  });

  it.concurrent('retries a failing handler with growing delays', async (t) => {
    const { expect } = t;
    const queue = await open(t);
    const attempts: { attempt: number; at: number; startedOn: number; startAfter: number }[] = [];
    queue.define('flaky', {
      schema: z.object({}),
      retryLimit: 2,
      retryDelaySeconds: 1,
      handler: async (_data, ctx) => {
        // The job row tells when this run was claimed and when the retry delay made it due: both database
        // clock, so the scheduled gaps can be read without polling noise.
        const { rows } = await client.query<{ startedOn: number; startAfter: number }>(
          `SELECT extract(epoch FROM started_on)::float8 AS "startedOn",
                  extract(epoch FROM start_after)::float8 AS "startAfter"
           FROM pgboss.job WHERE id = $1`,
          [ctx.jobId],
        );
        attempts.push({
          attempt: ctx.attempt,
          at: Date.now(),
          ...(rows[0] ?? { startedOn: 0, startAfter: 0 }),
        });
        if (ctx.attempt < 3) throw new Error(`attempt ${ctx.attempt} fails`);
      },
    });
    await queue.start();
    await queue.send('flaky', {}, { key: 'k' });
    await expect.poll(() => attempts.length, { timeout: 12_000, interval: 200 }).toBe(3);
    await expect.poll(async () => (await queue.stats()).flaky?.queued, { timeout: 2000 }).toBe(0);

    const [a1, a2, a3] = attempts as [(typeof attempts)[0], (typeof attempts)[0], (typeof attempts)[0]];
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // pg-boss's backoff: retry n waits retryDelay * 2^n / 2 * (1 + random), i.e. 1-2 s, then 2-4 s.
    const scheduled1 = a2.startAfter - a1.startedOn;
    const scheduled2 = a3.startAfter - a2.startedOn;
    expect(scheduled1).toBeGreaterThanOrEqual(1);
    expect(scheduled1).toBeLessThan(3);
    expect(scheduled2).toBeGreaterThanOrEqual(2);
    expect(scheduled2).toBeGreaterThan(scheduled1);
    // And the runs really were that far apart.
    expect(a2.at - a1.at).toBeGreaterThanOrEqual(900);
    expect(a3.at - a2.at).toBeGreaterThanOrEqual(1800);
    expect((await queue.stats()).flaky).toMatchObject({ failed: 0, active: 0 });
  });

  // Both drivers really crash: the worker is a separate process killed with SIGKILL. PGlite cannot open
  // one data folder from two processes at once, but it can one after the other, and it recovers a
  // folder left by a killed process like PostgreSQL recovers after a crash.
  it.concurrent('runs a job whose worker was killed again, and does not repeat its recorded effect', async ({
    expect,
  }) => {
    const { target, cleanUp } =
      driver.kind === 'postgres'
        ? await (async () => {
            const database = await freshPostgresDatabase();
            return { target: database.url, cleanUp: database.drop };
          })()
        : await (async () => {
            const dir = await mkdtemp(join(tmpdir(), 'rowbridge-queue-'));
            return { target: dir, cleanUp: () => rm(dir, { recursive: true, force: true }) };
          })();
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, target], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      let jobId: string;
      try {
        jobId = await effectDone(child);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }

      const client = await openTarget(target);
      const errors: Error[] = [];
      const queue = await createQueue(client, {
        pollIntervalSeconds: 0.5,
        expiryCheckSeconds: 1,
        onError: (error) => errors.push(error),
      });
      try {
        const finished: { jobId: string; attempt: number }[] = [];
        defineEffectJob(queue, client, async (ctx) => {
          finished.push({ jobId: ctx.jobId, attempt: ctx.attempt });
        });
        // The killed worker left its job active: nothing settled it.
        expect((await queue.stats()).effectful).toMatchObject({ active: 1, queued: 0 });
        await queue.start();
        // Its expiry (2 s) passes, the expiry check makes it due again, and this process runs it.
        await expect
          .poll(() => finished, { timeout: 15_000, interval: 100 })
          .toEqual([{ jobId, attempt: 2 }]);
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${EFFECTS_TABLE} WHERE job_id = $1`,
          [jobId],
        );
        expect(rows[0]?.n).toBe(1);
        await expect
          .poll(async () => (await queue.stats()).effectful, { timeout: 2000 })
          .toEqual({ queued: 0, active: 0, failed: 0, oldestQueuedAgeSeconds: 0 });
        expect(errors).toEqual([]);
      } finally {
        await queue.stop();
        await client.close();
      }
    } finally {
      await cleanUp();
    }
  });

  it('runs a sent job with its validated data; refuses bad data, options and duplicates on send', async (t) => {
    const queue = await open(t);
    const seen: unknown[] = [];
    const greet = queue.define('greet', {
      schema: z.object({ name: z.string(), times: z.int().default(1) }),
      handler: async (data, ctx) => {
        seen.push({ data, jobId: ctx.jobId, attempt: ctx.attempt, key: ctx.key });
      },
    });
    await queue.start();

    const id = await greet.send({ name: 'Ada' }, { key: 'table-1' });
    await expect
      .poll(() => seen, { timeout: 5000 })
      .toEqual([{ data: { name: 'Ada', times: 1 }, jobId: id, attempt: 1, key: 'table-1' }]);

    await expect(queue.send('greet', { name: 42 }, { key: 't' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'Invalid data for job "greet": name: Invalid input: expected string, received number',
    });
    await expect(queue.send('greet', 'Ada', { key: 't' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(queue.send('greet', { name: 'Ada' }, { key: '' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(queue.send('nope', {}, { key: 't' })).rejects.toMatchObject({ code: 'not_found' });

    const first = await greet.send({ name: 'Bo' }, { key: 'table-1', idempotencyKey: 'event-7' });
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await greet.send({ name: 'Bo' }, { key: 'table-1', idempotencyKey: 'event-7' })).toBeNull();
    // A sender that died between claiming its key and sending: the next send with the key sends the job,
    // under the id the first sender claimed.
    const claimed = '01900000-0000-7000-8000-000000000001';
    await client.query('INSERT INTO pgboss.queue_sends (name, idempotency_key, job_id) VALUES ($1, $2, $3)', [
      'greet',
      'event-8',
      claimed,
    ]);
    expect(await greet.send({ name: 'Cy' }, { key: 'table-1', idempotencyKey: 'event-8' })).toBe(claimed);
    expect(await greet.send({ name: 'Cy' }, { key: 'table-1', idempotencyKey: 'event-8' })).toBeNull();
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(3);
    await sleep(600);
    expect(seen).toHaveLength(3);
  });

  it('fails a job whose data no longer passes its schema, without retrying it', async (t) => {
    const before = await open(t);
    before.define('evolving', { schema: z.object({ n: z.number() }), handler: async () => {} });
    await before.send('evolving', { n: 1 }, { key: 'k' });
    await before.stop();

    const after = await open(t);
    let calls = 0;
    after.define('evolving', {
      schema: z.object({ n: z.string() }),
      retryLimit: 3,
      handler: async () => {
        calls++;
      },
    });
    await after.start();
    await expect
      .poll(async () => (await after.stats()).evolving, { timeout: 5000 })
      .toEqual({ queued: 0, active: 0, failed: 1, oldestQueuedAgeSeconds: 0 });
    expect(calls).toBe(0);
  });

  it('keeps a job that is out of retries as failed, runs the rest of its key, and can run it again', async (t) => {
    const queue = await open(t);
    let crmDown = true;
    const ran: { n: number; jobId: string; calls: number }[] = [];
    let crmCalls = 0;
    queue.define('push', {
      schema: z.object({ n: z.int() }),
      retryLimit: 0,
      handler: async ({ n }, ctx) => {
        const calls = await once(ctx, 'crm-write', async () => ++crmCalls);
        if (n === 1 && crmDown) throw new Error('CRM rejected the batch');
        ran.push({ n, jobId: ctx.jobId, calls });
      },
    });
    await queue.start();
    const first = await queue.send('push', { n: 1 }, { key: 'k' });
    await queue.send('push', { n: 2 }, { key: 'k' });
    await queue.send('push', { n: 3 }, { key: 'k' });

    await expect.poll(() => ran.map((r) => r.n), { timeout: 8000 }).toEqual([2, 3]);
    expect((await queue.stats()).push).toMatchObject({ queued: 0, failed: 1 });

    crmDown = false;
    expect(await queue.retryFailed('push', 'k')).toBe(1);
    await expect.poll(() => ran.map((r) => r.n), { timeout: 5000 }).toEqual([2, 3, 1]);
    // The job sent again is the same job to its handler: same id, and its recorded step is not repeated.
    expect(ran[2]).toEqual({ n: 1, jobId: first, calls: 1 });
    expect(crmCalls).toBe(3);
    expect((await queue.stats()).push).toMatchObject({ queued: 0, failed: 0 });
  });

  it('drains a running handler on a graceful stop, and picks up nothing after it', async (t) => {
    const queue = await open(t);
    let started = 0;
    let finished = 0;
    queue.define('slow', {
      schema: z.object({}),
      handler: async () => {
        started++;
        await sleep(400);
        finished++;
      },
    });
    await queue.start();
    await queue.send('slow', {}, { key: 'k' });
    await expect.poll(() => started, { timeout: 5000 }).toBe(1);

    await queue.stop({ graceful: true, timeoutMs: 5000 });
    expect(finished).toBe(1);
    expect((await queue.stats()).slow).toMatchObject({ queued: 0, active: 0 });

    // Sending still works (requests draining at the same time may send); the job waits for the next start.
    await queue.send('slow', {}, { key: 'k' });
    await sleep(800);
    expect(started).toBe(1);
    expect((await queue.stats()).slow).toMatchObject({ queued: 1, active: 0 });
  });

  it('fails a handler still running when a graceful stop times out, and aborts its signal', async (t) => {
    const queue = await open(t);
    let signal: AbortSignal | undefined;
    queue.define('stuck', {
      schema: z.object({}),
      handler: async (_data, ctx) => {
        signal = ctx.signal;
        await sleep(3000);
      },
    });
    await queue.start();
    await queue.send('stuck', {}, { key: 'k' });
    await expect.poll(() => signal, { timeout: 5000 }).toBeDefined();

    const stopping = Date.now();
    await queue.stop({ graceful: true, timeoutMs: 200 });
    expect(Date.now() - stopping).toBeLessThan(1500);
    expect(signal?.aborted).toBe(true);
    // Failed with retries left: back in the queue, to run again after its retry delay.
    expect((await queue.stats()).stuck).toMatchObject({ queued: 1, active: 0, failed: 0 });
  });

  it('reports queued and active counts and how long the oldest due job has waited', async (t) => {
    const queue = await open(t);
    let open_ = false;
    queue.define('metered', {
      schema: z.object({}),
      handler: async () => {
        while (!open_) await sleep(20);
      },
    });
    expect((await queue.stats()).metered).toEqual({
      queued: 0,
      active: 0,
      failed: 0,
      oldestQueuedAgeSeconds: 0,
    });
    await queue.send('metered', {}, { key: 'a' });
    await queue.send('metered', {}, { key: 'a' });
    await queue.send('metered', {}, { key: 'b' });
    await sleep(300);
    const waiting = (await queue.stats()).metered;
    expect(waiting).toMatchObject({ queued: 3, active: 0 });
    expect(waiting?.oldestQueuedAgeSeconds).toBeGreaterThanOrEqual(0.25);

    await queue.start();
    // One job of each key runs; the second job of key a waits behind the first.
    await expect
      .poll(async () => (await queue.stats()).metered, { timeout: 5000 })
      .toMatchObject({ queued: 1, active: 2 });
    open_ = true;
    await expect
      .poll(async () => (await queue.stats()).metered, { timeout: 5000 })
      .toEqual({ queued: 0, active: 0, failed: 0, oldestQueuedAgeSeconds: 0 });
  });
});

describePostgres('job queue on a database server', (driver) => {
  let client: Awaited<ReturnType<typeof driver.open>>;
  beforeAll(async () => {
    client = await driver.open();
  });
  afterAll(async () => {
    await client.dispose();
  });

  // The database restart of test/database-restart.test.ts, reduced to its cause: the connection drops
  // after PostgreSQL committed a worker's claim (state active) but before the answer reached the worker.
  // Nobody runs the job, and its expiry (30 min for an export) was the only way back. PostgreSQL only:
  // PGlite runs in this process, so no answer can be lost on the way, and a claim left by a killed
  // process is reclaimed when the queue starts (the crash test in the suite above).
  it('runs again a job whose claim was committed but never reached a worker', async (t) => {
    const { expect } = t;
    const queue = await openQueue(client, t);
    const ran: number[] = [];
    queue.define('claimlost', {
      schema: z.object({}),
      expireInSeconds: 3600,
      heartbeatSeconds: 10,
      retryDelaySeconds: 0,
      retryBackoff: false,
      handler: async (_data, ctx) => {
        ran.push(ctx.attempt);
      },
    });
    const id = await queue.send('claimlost', {}, { key: 'k' });
    // A worker of another pg-boss instance claims it, and that is all: what a lost answer looks like.
    const other = new PgBoss({
      db: bossDatabase(client),
      supervise: false,
      schedule: false,
    });
    await other.start();
    expect((await other.fetch('claimlost')).map((job) => job.id)).toEqual([id]);
    await other.stop({ graceful: false, close: false });
    expect((await queue.stats()).claimlost).toMatchObject({ active: 1, queued: 0 });

    const started = Date.now();
    await queue.start();
    // Heartbeat 10 s + the check every second; the expiry would take an hour.
    await expect.poll(() => ran, { timeout: 20_000, interval: 200 }).toEqual([2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    await expect
      .poll(async () => (await queue.stats()).claimlost, { timeout: 2000 })
      .toMatchObject({ queued: 0, active: 0, failed: 0 });
  });
});

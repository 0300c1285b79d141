import { setTimeout as sleep } from 'node:timers/promises';
import { type JobResult, type JobWithMetadata, PgBoss } from 'pg-boss';
import type * as z from 'zod';
import { parseOrThrow, problemsFromZod, RowbridgeError } from '../../shared/errors.ts';
import { isStorageUnreachable } from '../store/db-errors.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { bossDatabase } from './boss-db.ts';
import { bindEffects } from './effects.ts';
import { sendOnce } from './idempotency.ts';
import { nextJobId } from './job-id.ts';
import {
  definitionSchema,
  KIND_NAME,
  PURGE_INTERVAL_MS,
  type QueueOptions,
  queueOptionsSchema,
  RETRY_DELAY_MAX_SECONDS,
  sendOptionsSchema,
} from './options.ts';
import { failedQueueName, readStats } from './stats.ts';
import { createQueueTables, purgeQueueTables } from './tables.ts';
import type {
  JobContext,
  JobDefinition,
  JobKind,
  JobQueue,
  QueueStats,
  SendOptions,
  StopOptions,
} from './types.ts';

/** How often a job's outcome is offered to an unreachable database (about 3.5 minutes in all). */
const SETTLE_ATTEMPTS = 12;

interface Kind {
  readonly name: string;
  readonly schema: z.ZodType<unknown>;
  readonly handler: (data: unknown, ctx: JobContext) => Promise<void>;
  readonly settings: z.output<typeof definitionSchema>;
}

type Settings = z.output<typeof queueOptionsSchema> & Pick<QueueOptions, 'onError' | 'onWarning'>;

/**
 * Starts a durable job queue on the application database: pg-boss, driven through a `db` adapter over
 * the `SqlClient`, so PGlite and PostgreSQL run the same code and PostgreSQL shares the app's pool.
 *
 * Guarantees (see README.md in this folder for how each is met and what was measured):
 * - jobs with the same `key` run one at a time in send order (pg-boss `key_strict_fifo`); keys run in
 *   parallel up to the concurrency;
 * - a failing handler is retried with exponential backoff; a job out of retries is kept as failed
 *   (`stats().failed`, `retryFailed`) and its key moves on to the next job;
 * - a job whose process died runs again once its expiry passes (on PGlite, when the queue next starts);
 *   `once()` keeps its effects from repeating.
 *
 * pg-boss creates or migrates its schema here. Sending works from now on; handlers run after `start()`.
 * The caller keeps owning the client: `stop()` leaves it open.
 */
export async function createQueue(client: SqlClient, options: QueueOptions = {}): Promise<JobQueue> {
  const { onError, onWarning, ...rest } = options;
  const settings: Settings = {
    ...parseOrThrow(queueOptionsSchema, rest, 'queue options'),
    ...(onError ? { onError } : {}),
    ...(onWarning ? { onWarning } : {}),
  };
  const boss = new PgBoss({
    db: bossDatabase(client),
    backend: client.kind === 'pglite' ? 'pglite' : 'postgres',
    schema: settings.schema,
    useListenNotify: true,
    // Rowbridge does not use pg-boss's cron; leaving it off saves a timer and its queries.
    schedule: false,
    superviseIntervalSeconds: settings.expiryCheckSeconds,
    monitorIntervalSeconds: settings.expiryCheckSeconds,
  });
  // pg-boss reports worker errors as plain copies ({ ...error, message, stack, queue }), not Errors.
  boss.on('error', (error: Error | { message?: string }) =>
    (settings.onError ?? console.error)(
      error instanceof Error ? error : Object.assign(new Error(error.message ?? 'pg-boss error'), error),
    ),
  );
  boss.on('warning', ({ message, data }) => (settings.onWarning ?? console.warn)(message, data));
  try {
    await boss.start();
    await createQueueTables(client, settings.schema);
  } catch (error) {
    // start() may have armed pg-boss's timers before failing; they would run against a broken setup.
    await boss.stop({ graceful: false, close: false }).catch(() => {});
    throw error;
  }
  return new PgBossQueue(client, boss, settings);
}

class PgBossQueue implements JobQueue {
  readonly #kinds = new Map<string, Kind>();
  readonly #queues = new Map<string, Promise<void>>();
  readonly #timers: NodeJS.Timeout[] = [];
  #state: 'idle' | 'started' | 'stopped' = 'idle';
  #stopping: Promise<void> | undefined;
  #releasing: Promise<void> | undefined;

  readonly #client: SqlClient;
  readonly #boss: PgBoss;
  readonly #settings: Settings;

  constructor(client: SqlClient, boss: PgBoss, settings: Settings) {
    this.#client = client;
    this.#boss = boss;
    this.#settings = settings;
  }

  define<Data, Input = Data>(name: string, definition: JobDefinition<Data, Input>): JobKind<Input> {
    if (!KIND_NAME.test(name)) {
      throw new RowbridgeError(
        'invalid_input',
        `Job kind "${name}": use letters, digits, _ and -, at most 40 characters.`,
      );
    }
    if (this.#kinds.has(name)) {
      throw new RowbridgeError('invalid_input', `Job kind "${name}" is defined twice.`);
    }
    if (this.#state !== 'idle') {
      throw new RowbridgeError('invalid_input', `Define job kind "${name}" before the queue starts.`);
    }
    const { schema, handler, ...rest } = definition;
    this.#kinds.set(name, {
      name,
      schema,
      handler: (data, ctx) => handler(data as Data, ctx),
      settings: parseOrThrow(definitionSchema, rest, `options of job kind "${name}"`),
    });
    return { name, send: (data, options) => this.send(name, data, options) };
  }

  async send(name: string, data: unknown, options: SendOptions): Promise<string | null> {
    const kind = this.#kind(name);
    const { key, idempotencyKey, startAfter } = parseOrThrow(sendOptionsSchema, options, 'send options');
    // What is validated is what the handler will get: the data as stored, i.e. after a JSON round trip.
    let stored: unknown;
    try {
      stored = JSON.parse(JSON.stringify(data));
    } catch {
      stored = undefined;
    }
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
      throw new RowbridgeError('invalid_input', `Invalid data for job "${name}": send a JSON object.`);
    }
    parseOrThrow(kind.schema, stored, `data for job "${name}"`);
    await this.#ensureQueue(kind);
    const enqueue = (id: string) =>
      this.#boss.send(name, stored, {
        id,
        singletonKey: key,
        ...(startAfter === undefined ? {} : { startAfter }),
      });
    if (idempotencyKey !== undefined) {
      return sendOnce(this.#client, this.#settings.schema, name, idempotencyKey, enqueue);
    }
    const id = nextJobId();
    await enqueue(id);
    return id;
  }

  async start(): Promise<void> {
    if (this.#state === 'started') return;
    if (this.#state === 'stopped') {
      throw new RowbridgeError('invalid_input', 'This queue was stopped; create a new one to start again.');
    }
    this.#state = 'started';
    const poll = this.#settings.pollIntervalSeconds;
    for (const kind of this.#kinds.values()) await this.#ensureQueue(kind);
    if (this.#client.kind === 'pglite') await this.#reclaimOrphans();
    for (const kind of this.#kinds.values()) {
      await this.#boss.work(
        kind.name,
        {
          batchSize: 1,
          localConcurrency: kind.settings.concurrency ?? this.#settings.concurrency,
          includeMetadata: true,
          perJobResults: true,
          pollingIntervalSeconds: poll,
          // LISTEN/NOTIFY only announces new jobs; retries and a key's next job surface by polling, so
          // the poll must not slow down to pg-boss's 30 s backstop while notifications work.
          notifyPollingIntervalSeconds: poll,
        },
        (jobs: JobWithMetadata<unknown>[]) => Promise.all(jobs.map((job) => this.#run(kind, job))),
      );
    }
    this.#every(poll * 1000, () => this.#releaseKeys());
    this.#every(PURGE_INTERVAL_MS, () => this.#purge());
    await this.#purge();
  }

  stop(options: StopOptions = {}): Promise<void> {
    this.#stopping ??= this.#stop(options.graceful ?? true, options.timeoutMs ?? 30_000);
    return this.#stopping;
  }

  async stats(): Promise<Record<string, QueueStats>> {
    return readStats(this.#client, this.#settings.schema, [...this.#kinds.keys()]);
  }

  async retryFailed(name: string, key?: string): Promise<number> {
    await this.#ensureQueue(this.#kind(name));
    const failed = failedQueueName(name);
    const jobs = await this.#boss.findJobs(failed, { queued: true, ...(key === undefined ? {} : { key }) });
    if (!jobs.length) return 0;
    // pg-boss's redrive re-creates each job in its queue with its key and data; the new job's
    // sourceRootId is the id first sent, which is what `once()` results are filed under.
    return this.#boss.redrive(failed, {
      ids: jobs.map((job) => job.id),
      destination: name,
      limit: jobs.length,
    });
  }

  #kind(name: string): Kind {
    const kind = this.#kinds.get(name);
    if (!kind) throw new RowbridgeError('not_found', `No job kind "${name}" is defined on this queue.`);
    return kind;
  }

  /** Creates the kind's pg-boss queue and its failed queue, or brings an existing one to this definition. */
  #ensureQueue(kind: Kind): Promise<void> {
    let ready = this.#queues.get(kind.name);
    if (!ready) {
      ready = this.#createBossQueue(kind);
      // A failed attempt (database down) is not remembered: the next send tries again.
      ready.catch(() => this.#queues.delete(kind.name));
      this.#queues.set(kind.name, ready);
    }
    return ready;
  }

  async #createBossQueue({ name, settings }: Kind): Promise<void> {
    const failed = failedQueueName(name);
    // Failed jobs wait in their queue (nobody works it) until retried or this many days have passed.
    await this.#boss.createQueue(failed, { retentionSeconds: this.#settings.retentionDays * 86_400 });
    const config = {
      retryLimit: settings.retryLimit,
      retryDelay: settings.retryDelaySeconds,
      retryBackoff: settings.retryBackoff,
      ...(settings.retryBackoff ? { retryDelayMax: RETRY_DELAY_MAX_SECONDS } : {}),
      expireInSeconds: settings.expireInSeconds,
      heartbeatSeconds: settings.heartbeatSeconds,
      deadLetter: failed,
      notify: true,
    };
    await this.#boss.createQueue(name, { ...config, policy: 'key_strict_fifo' });
    const queue = await this.#boss.getQueue(name);
    if (queue?.policy !== 'key_strict_fifo') {
      throw new RowbridgeError(
        'internal',
        `Queue "${name}" exists with policy "${queue?.policy}", not key_strict_fifo: jobs of one key could race. Drain and delete it.`,
      );
    }
    // createQueue leaves an existing queue as it was; the definition in the running code is the one that
    // counts. Jobs take these settings when sent, so jobs already queued keep theirs.
    await this.#boss.updateQueue(name, config);
  }

  async #run(kind: Kind, job: JobWithMetadata<unknown>): Promise<JobResult> {
    const parsed = kind.schema.safeParse(job.data);
    if (!parsed.success) {
      // Data that fails the schema now (it changed since the job was sent) will fail it on every retry:
      // straight to the failed queue.
      const problems = problemsFromZod(parsed.error);
      const message = `Invalid data for job "${kind.name}": ${problems.map((p) => p.message).join('; ')}`;
      return { id: job.id, status: 'deadletter', output: { message, problems } };
    }
    const ctx = bindEffects(
      {
        // A job sent again by retryFailed gets a new pg-boss id; its root id is the one first sent, so
        // the handler (and `once()`) see the same job.
        jobId: job.sourceRootId ?? job.id,
        attempt: job.retryCount + 1,
        key: job.singletonKey ?? '',
        signal: job.signal,
      },
      { client: this.#client, schema: this.#settings.schema },
    );
    // Settled here rather than by returning the outcome to pg-boss, so the next job of the key can be
    // fetched at once (see #wake); the disposition returned after that finds the job settled and does
    // nothing. Both settles are fenced to this attempt: one that lost its claim (expired) changes nothing.
    const attempt = { id: job.id, retryCount: job.retryCount };
    try {
      await kind.handler(parsed.data, ctx);
    } catch (error) {
      const output = errorOutput(error);
      await this.#settle(() => this.#boss.fail(kind.name, attempt, output));
      if (job.retryCount >= job.retryLimit) await this.#releaseKey(kind.name, ctx.key);
      this.#wake(kind.name);
      return { id: job.id, status: 'failed', output };
    }
    await this.#settle(() => this.#boss.complete(kind.name, attempt));
    this.#wake(kind.name);
    return { id: job.id, status: 'completed' };
  }

  /**
   * Records a job's outcome, waiting out a database that is unreachable (restarting, failing over). A
   * handler that failed because the database went away cannot record that either, and the job would stay
   * active until its expiry (30 min for an export); a finished one would run again. Retried with backoff
   * for about 3.5 minutes, then left to the expiry.
   */
  async #settle(action: () => Promise<unknown>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await action();
        return;
      } catch (error) {
        if (!isStorageUnreachable(error) || this.#state === 'stopped' || attempt >= SETTLE_ATTEMPTS)
          throw error;
        await sleep(Math.min(30_000, 500 * 2 ** (attempt - 1)));
      }
    }
  }

  /**
   * PGlite is one process (its data folder cannot be opened twice), so a job still `active` when the queue
   * starts belongs to a process that died: it is failed now and runs again at once as the next attempt,
   * instead of waiting out its expiry (30 min for an export). On PostgreSQL other instances
   * may be running those jobs, so there pg-boss's expiry check reclaims them. Only this queue's kinds.
   */
  async #reclaimOrphans(): Promise<void> {
    const { rows } = await this.#client.query<{ name: string; id: string }>(
      `SELECT name, id FROM ${this.#settings.schema}.job WHERE state = 'active' AND name = ANY($1::text[])`,
      [[...this.#kinds.keys()]],
    );
    for (const { name, id } of rows) {
      await this.#boss.fail(name, id, { message: 'The process running this job stopped; it runs again.' });
    }
    // No backoff for these: the run died with its process, not because a CRM was failing (it would
    // otherwise wait 5-10 s for an export's first retry).
    if (rows.length > 0) {
      await this.#client.query(
        `UPDATE ${this.#settings.schema}.job SET start_after = now() WHERE state = 'retry' AND id = ANY($1::uuid[])`,
        [rows.map((row) => row.id)],
      );
    }
  }

  /**
   * Wakes this kind's workers: idle ones fetch now, busy ones fetch again as soon as they finish, instead
   * of after the poll interval. A key's next job becomes fetchable only when the previous one settles, and
   * nothing notifies that, so without this each job of a key would wait up to a poll interval.
   */
  #wake(name: string): void {
    for (const worker of this.#boss.getWipData()) {
      if (worker.name === name) this.#boss.notifyWorker(worker.id);
    }
  }

  /**
   * key_strict_fifo keeps a key blocked while a job of it is failed, until someone retries or deletes
   * that job. For a sync table that would stop all syncing of it over one bad batch, so once pg-boss has
   * failed a job (and, in the same statement, copied it to the kind's failed queue), its row is deleted
   * and the key's next job runs. Done at once when a handler fails for the last time; this sweep, every
   * poll interval, catches the jobs pg-boss fails itself (expired runs, runs cut short by a stop).
   */
  #releaseKeys(): Promise<void> {
    this.#releasing ??= (async () => {
      try {
        for (const name of this.#kinds.keys()) {
          for (const key of await this.#boss.getBlockedKeys(name)) await this.#releaseKey(name, key);
        }
      } finally {
        this.#releasing = undefined;
      }
    })();
    return this.#releasing;
  }

  async #releaseKey(name: string, key: string): Promise<void> {
    const jobs = await this.#boss.findJobs(name, { key });
    const failed = jobs.filter((job) => job.state === 'failed').map((job) => job.id);
    if (failed.length) await this.#boss.deleteJob(name, failed);
  }

  #purge(): Promise<void> {
    // A day more than failed jobs are kept, so a failed job retried on its last day still finds its steps.
    return purgeQueueTables(this.#client, this.#settings.schema, this.#settings.retentionDays + 1);
  }

  #every(ms: number, task: () => Promise<void>): void {
    const timer = setInterval(() => {
      if (this.#state !== 'started') return;
      task().catch((error: Error) => (this.#settings.onError ?? console.error)(error));
    }, ms);
    // Timers never keep the process alive: stop() is what ends the queue.
    timer.unref();
    this.#timers.push(timer);
  }

  async #stop(graceful: boolean, timeoutMs: number): Promise<void> {
    const wasStarted = this.#state === 'started';
    this.#state = 'stopped';
    for (const timer of this.#timers) clearInterval(timer);
    if (graceful && wasStarted) {
      // offWork stops each worker's fetch loop and resolves once its current handler has returned.
      const drained = Promise.all(
        [...this.#kinds.keys()].map((name) => this.#boss.offWork(name, { wait: true })),
      );
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([drained, timedOut]);
      clearTimeout(timer);
    }
    await this.#releasing?.catch(() => {});
    // Handlers still running now (a hard stop, or a graceful one that timed out) are failed by pg-boss and
    // their signals aborted: each runs again after its retry delay, counting as an attempt.
    await this.#boss.stop({ graceful: false, close: false });
  }
}

function errorOutput(error: unknown): object {
  if (!(error instanceof Error)) return { message: String(error) };
  return {
    name: error.name,
    message: error.message,
    ...('code' in error && typeof error.code === 'string' ? { code: error.code } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

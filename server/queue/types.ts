import type * as z from 'zod';

/** What a handler knows about the run it is in. Also the key to `once()`. */
export interface JobContext {
  readonly jobId: string;
  /** 1 on the first run; one more for each retry and for each re-run after a crash or expiry. */
  readonly attempt: number;
  /** The ordering key the job was sent with (e.g. the sync table's id). */
  readonly key: string;
  /**
   * Aborted when the run is given up: the job outlived `expireInSeconds`, its heartbeat went stale (the
   * database was unreachable for longer than `heartbeatSeconds`), or the queue stopped before the
   * handler finished. The job will run again, so a handler should stop at the next safe point.
   */
  readonly signal: AbortSignal;
}

/** One kind of job: how its data is checked, what runs it, and how failures are retried. */
export interface JobDefinition<Data, Input = Data> {
  /** Checks the data on `send` (bad data is refused) and again when the job runs (bad data fails it). */
  readonly schema: z.ZodType<Data, Input>;
  readonly handler: (data: Data, ctx: JobContext) => Promise<void>;
  /** Retries after the first failure. Default 3. */
  readonly retryLimit?: number;
  /** Wait before the first retry, in whole seconds (pg-boss's granularity). Default 5. */
  readonly retryDelaySeconds?: number;
  /** Double the wait at each retry (with jitter). Default true. */
  readonly retryBackoff?: boolean;
  /**
   * How long one run may take. A run still going after this is failed (and retried); it is also how
   * long a job whose worker died waits before it runs again. Default 15 minutes.
   */
  readonly expireInSeconds?: number;
  /**
   * How long a run may go without its worker's heartbeat (refreshed every half of this while the
   * handler runs) before it is failed and retried. This, not the expiry, brings back a run nobody is
   * doing: its process died, or the database committed the claim but the answer never reached the
   * worker (a connection cut mid-fetch). At least 10. Default 60.
   */
  readonly heartbeatSeconds?: number;
  /** Handlers of this kind running at once in this process (one per key at most). Queue default. */
  readonly concurrency?: number;
}

/** How a job is sent. */
export interface SendOptions {
  /** Ordering key: jobs with the same key run one at a time, in send order. */
  readonly key: string;
  /** A second send with the same idempotency key (per job kind) is dropped: `send` returns null. */
  readonly idempotencyKey?: string;
  /** Not before this time (a Date) or this many seconds from now. Takes precedence over send order. */
  readonly startAfter?: Date | number;
}

/** A defined job kind, for sending with its data type checked at compile time. */
export interface JobKind<Input> {
  readonly name: string;
  send(data: Input, options: SendOptions): Promise<string | null>;
}

/** Counts for one job kind, for metrics. */
export interface QueueStats {
  /** Waiting to run: new, waiting behind their key, or waiting for a retry. */
  readonly queued: number;
  readonly active: number;
  /** Out of retries (or with data that no longer passes the schema), kept for `retryFailed`. */
  readonly failed: number;
  /** How long the longest-waiting job that is due has been due; 0 when none is. */
  readonly oldestQueuedAgeSeconds: number;
}

/** How `stop` ends the queue. */
export interface StopOptions {
  /** Let running handlers finish (default true); false fails them at once so they run again later. */
  readonly graceful?: boolean;
  /** How long a graceful stop waits for handlers before failing them anyway. Default 30 s. */
  readonly timeoutMs?: number;
}

/** A durable job queue over the application database. See `createQueue`. */
export interface JobQueue {
  /** Registers a job kind. Names: letters, digits, `_` and `-`, at most 40 characters. */
  define<Data, Input = Data>(name: string, definition: JobDefinition<Data, Input>): JobKind<Input>;
  /** Stores a job; resolves to its id, or null when `idempotencyKey` was already used for this kind. */
  send(name: string, data: unknown, options: SendOptions): Promise<string | null>;
  /** Starts running the defined job kinds. */
  start(): Promise<void>;
  /** Stops fetching, drains or fails running handlers (see `StopOptions`), then stops pg-boss. */
  stop(options?: StopOptions): Promise<void>;
  /** Per job kind counts, read from the database (so they cover every process). */
  stats(): Promise<Record<string, QueueStats>>;
  /**
   * Sends failed jobs of a kind (only those of `key` when given) again. They join the back of their key's
   * line: the jobs that ran while they were failed are not undone. Resolves to how many were sent.
   */
  retryFailed(name: string, key?: string): Promise<number>;
}
